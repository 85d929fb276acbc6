//! Scratch workspaces in a temporary directory, made of local path crates: an
//! application, and fake releases of the crates it depends on (`opentelemetry` 0.32.0
//! and 0.33.1, `axum` 0.9.0, `otel-kit-http` with its features...). `cargo metadata`
//! reads them offline, in a fraction of a second.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fake crate: its name, version, features and dependencies (TOML lines).
pub(crate) struct Fake<'a> {
    pub(crate) name: &'a str,
    pub(crate) version: &'a str,
    pub(crate) features: &'a [&'a str],
    pub(crate) dependencies: &'a [&'a str],
}

/// A workspace (`ws/`) with one member, `app`, and fakes beside it under
/// `fakes/<name>-<version>` (outside the workspace, or cargo would make them members).
pub(crate) struct Scratch {
    root: PathBuf,
    /// The workspace's directory, where the doctor runs.
    pub(crate) workspace: PathBuf,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// The dependency line naming a fake: `key = { package = "name", path = "..." }`.
pub(crate) fn dep(key: &str, name: &str, version: &str, extra: &str) -> String {
    format!("{key} = {{ package = \"{name}\", path = \"../../fakes/{name}-{version}\"{extra} }}")
}

impl Scratch {
    /// `app` depends on `app_dependencies` (TOML lines); `fakes` are written beside it.
    pub(crate) fn new(app_dependencies: &[String], fakes: &[Fake<'_>]) -> Scratch {
        let root = std::env::temp_dir().join(format!(
            "otel-doctor-scratch-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        let workspace = root.join("ws");
        write(
            &workspace.join("Cargo.toml"),
            "[workspace]\nmembers = [\"app\"]\nresolver = \"2\"\n",
        );
        write(
            &workspace.join("app/Cargo.toml"),
            &format!(
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{}\n",
                app_dependencies.join("\n")
            ),
        );
        write(&workspace.join("app/src/main.rs"), "fn main() {}\n");
        for fake in fakes {
            let dir = root.join(format!("fakes/{}-{}", fake.name, fake.version));
            let features: String = fake
                .features
                .iter()
                .map(|f| {
                    if f.contains('=') {
                        format!("{f}\n")
                    } else {
                        format!("{f} = []\n")
                    }
                })
                .collect();
            let deps: String = fake
                .dependencies
                .iter()
                .map(|d| d.replace("../../fakes/", "../"))
                .collect::<Vec<_>>()
                .join("\n");
            write(
                &dir.join("Cargo.toml"),
                &format!(
                    "[package]\nname = \"{}\"\nversion = \"{}\"\nedition = \"2021\"\n\n[features]\n{features}\n[dependencies]\n{deps}\n",
                    fake.name, fake.version
                ),
            );
            write(&dir.join("src/lib.rs"), "");
        }
        Scratch { root, workspace }
    }
}

/// A fake with no features or dependencies.
pub(crate) const fn plain<'a>(name: &'a str, version: &'a str) -> Fake<'a> {
    Fake {
        name,
        version,
        features: &[],
        dependencies: &[],
    }
}
