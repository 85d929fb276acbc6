//! Shared by the `resource` tests: a throwaway filesystem root, an injected environment
//! and typed attribute getters.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use opentelemetry::{Key, Value};
use opentelemetry_sdk::Resource;
use otel_kit_resource::{Detection, ResourceOptions, build_resource};

/// A directory standing in for `/`, removed when dropped. Unique per process and call,
/// so parallel tests never share one.
pub(crate) struct TempRoot(PathBuf);

impl TempRoot {
    pub(crate) fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "otel-kit-init-resource-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create the temporary root");
        TempRoot(dir)
    }

    /// Writes `root/relative`, creating parent directories.
    pub(crate) fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.0.join(relative);
        let parent = path.parent().expect("a relative path under the root");
        std::fs::create_dir_all(parent).expect("create parent directories");
        std::fs::write(&path, contents).expect("write a file under the root");
        self
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A detection over `env` (nothing else is set) and `root`.
pub(crate) fn detection(env: &[(&str, &str)], root: &Path) -> Detection {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Detection::new(move |name| env.get(name).cloned(), root.to_owned())
}

/// Builds over an empty environment and an empty root.
pub(crate) fn build_bare(options: &ResourceOptions) -> (Resource, Vec<String>) {
    let root = TempRoot::new();
    build_resource(options, &detection(&[], root.path()))
}

pub(crate) fn get(resource: &Resource, key: &'static str) -> Option<Value> {
    resource.get(&Key::from_static_str(key))
}

/// The attribute as a string; panics (naming the key) when absent or not a string.
pub(crate) fn string(resource: &Resource, key: &'static str) -> String {
    match get(resource, key) {
        Some(Value::String(s)) => s.as_str().to_owned(),
        other => panic!("{key}: expected a string, got {other:?}"),
    }
}

/// `OTEL_RESOURCE_ATTRIBUTES` entries from literals.
pub(crate) fn pairs(entries: &[(&str, &str)]) -> Vec<(String, String)> {
    entries
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}
