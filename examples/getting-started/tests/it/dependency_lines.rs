//! The guide's promise, held by this crate: otel-kit is its one line for the kit and for
//! OpenTelemetry. A line for another of the kit's crates, or for an OpenTelemetry crate
//! that could differ from the kit's version, fails here.

/// The crate names that must come through otel-kit, never on a line of their own.
const THROUGH_OTEL_KIT: [&str; 3] = ["otel-kit-", "opentelemetry", "tracing-opentelemetry"];

#[test]
fn otel_kit_is_the_only_line_for_the_kit_and_opentelemetry() {
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).expect("Cargo.toml");
    let mut otel_kit_lines = 0;
    for line in manifest.lines().map(str::trim_start) {
        let Some((name, _)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if line.starts_with('#') || name.is_empty() {
            continue;
        }
        assert!(
            !THROUGH_OTEL_KIT.iter().any(|prefix| name.starts_with(prefix)),
            "Cargo.toml names {name} itself; the guide's crate takes it through otel-kit: {line}"
        );
        otel_kit_lines += usize::from(name == "otel-kit");
    }
    // One in [dependencies], one (with the test features) in [dev-dependencies].
    assert_eq!(otel_kit_lines, 2, "otel-kit's lines in Cargo.toml:\n{manifest}");
}
