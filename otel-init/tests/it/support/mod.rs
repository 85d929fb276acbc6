//! Shared by otel-kit-init's integration tests: an injected environment, and running a
//! test alone in a child process.

pub(crate) mod hung_mount;
pub(crate) mod own_process;
pub(crate) mod pki;
/// otel-kit-sampling's loopback Jaeger strategies endpoint, shared with its tests.
#[path = "../../../../otel-sampling/tests/it/strategies_server.rs"]
#[allow(dead_code, reason = "the other answers serve otel-kit-sampling's tests")]
pub(crate) mod strategies_server;
pub(crate) mod subscriber;
/// otel-kit-sampling's loopback X-Ray sampling API, shared with its tests.
#[path = "../../../../otel-sampling/tests/it/xray_server.rs"]
#[allow(dead_code, reason = "the other answers serve otel-kit-sampling's tests")]
pub(crate) mod xray_server;

use std::collections::HashMap;

use otel_kit_init::config::Config;

/// An environment for `Builder::environment`: these variables and nothing else, so a
/// test never reads or changes the process environment (tests run in parallel).
pub(crate) fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |k| map.get(k).cloned()
}

/// The configuration these variables make, with its warnings as text.
pub(crate) fn read_config(pairs: &[(&str, &str)]) -> (Config, Vec<String>) {
    let (config, warnings) = Config::from_lookup(env(pairs));
    (config, warnings.iter().map(ToString::to_string).collect())
}
