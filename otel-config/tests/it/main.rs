//! otel-kit-config's integration tests: the test vectors (the released schema's
//! examples and the kit's own), and the cross-check against the Python SDK.

mod cross_check;
mod errors;
mod vectors;

use std::path::{Path, PathBuf};

/// The environment every vector is read with, on both sides of the cross-check.
pub(crate) const ENV: &[(&str, &str)] = &[
    ("SERVICE_NAME", "checkout"),
    ("BATCH_SIZE", "256"),
    ("SDK_DISABLED", "false"),
    ("SAMPLE_RATIO", "0.25"),
    ("COLLECTOR_HOST", "collector"),
    ("DEPLOY_ENV", "staging"),
    ("API_KEY", "secret-key"),
];

pub(crate) fn lookup(name: &str) -> Option<String> {
    ENV.iter()
        .find(|(key, _)| *key == name)
        .map(|(_, value)| (*value).to_owned())
}

pub(crate) fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// The examples of the opentelemetry-configuration repository (tags v1.0.0 and v1.1.0,
/// and the main branch's `otel-sdk-config.yaml` as `unreleased-otel-sdk-config.yaml`),
/// which are not copied into this repository: `.ci/run` downloads them, pinned by tag
/// and checksum, into the directory `TEST_CONFIG_EXAMPLES` names.
pub(crate) fn examples_dir() -> Option<PathBuf> {
    match std::env::var_os("TEST_CONFIG_EXAMPLES") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => {
            eprintln!(
                "the upstream examples are skipped: TEST_CONFIG_EXAMPLES is not set (a directory with \
                 v1.0.0-*.yaml, v1.1.0-*.yaml and unreleased-otel-sdk-config.yaml, as .ci/run downloads them)"
            );
            None
        }
    }
}

/// The six examples of the released tags, from [`examples_dir`].
pub(crate) const EXAMPLES: [&str; 6] = [
    "v1.0.0-otel-getting-started.yaml",
    "v1.0.0-otel-sdk-config.yaml",
    "v1.0.0-otel-sdk-migration-config.yaml",
    "v1.1.0-otel-getting-started.yaml",
    "v1.1.0-otel-sdk-config.yaml",
    "v1.1.0-otel-sdk-migration-config.yaml",
];

/// The kit's own vectors (eleven, one JSON), then the released examples when
/// `TEST_CONFIG_EXAMPLES` is set.
pub(crate) fn released_vectors() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .expect("the vectors directory")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 11, "the kit's own vectors: {files:?}");
    if let Some(dir) = examples_dir() {
        files.extend(EXAMPLES.iter().map(|name| dir.join(name)));
    }
    files
}
