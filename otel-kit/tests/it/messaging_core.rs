//! The `messaging` feature gives the messaging core with no client crate: a service whose
//! client the kit does not wrap (sea-streamer, its own rdkafka) gets `Messaging` without
//! a second client library in its graph. Read from `cargo tree`, as a user would check it.

use std::process::Command;

/// The normal dependencies of otel-kit with only `features`, one package name per line.
fn dependencies(features: &str) -> Vec<String> {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let output = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "--manifest-path", manifest, "-p", "otel-kit"])
        .args(["--no-default-features", "--features", features])
        .args(["-e", "normal", "--prefix", "none", "--format", "{p}"])
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}

const CLIENTS: [&str; 3] = ["async-nats", "lapin", "rdkafka"];

#[test]
fn the_messaging_core_comes_without_a_client_crate() {
    let core = dependencies("messaging");
    assert!(core.iter().any(|p| p == "otel-kit-messaging"), "{core:?}");
    for client in CLIENTS {
        assert!(!core.iter().any(|p| p == client), "{client} in {core:?}");
    }
    // The check can fail: a client's feature brings its crate.
    let nats = dependencies("nats");
    assert!(nats.iter().any(|p| p == "async-nats"), "{nats:?}");
}
