//! Every example depends on the kit through the facade: its `[dependencies]` name
//! `otel-kit` and no `otel-kit-*` crate, and no OpenTelemetry crate that could differ
//! from the kit's version (what the examples use of them comes from `otel_kit::...`).
//! Dev-dependencies may name the crates behind it (checkout's doctests compile
//! docs/migrating.md, whose blocks name them).

/// The names the examples take through otel-kit.
const THROUGH_OTEL_KIT: [&str; 4] = [
    "otel-kit-",
    "opentelemetry",
    "tracing-opentelemetry",
    "tracing-subscriber",
];

/// The dependency names of a manifest's `[dependencies]` table (one dependency a line,
/// as this workspace writes them).
fn normal_dependencies(manifest: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut in_dependencies = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
        } else if in_dependencies
            && !line.starts_with('#')
            && let Some((name, _)) = line.split_once('=')
        {
            names.push(name.trim());
        }
    }
    names
}

#[test]
fn every_example_names_otel_kit_and_none_of_the_crates_behind_it() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut checked = 0;
    let mut offenders = Vec::new();
    for entry in std::fs::read_dir(&examples).expect("examples/").flatten() {
        let Ok(manifest) = std::fs::read_to_string(entry.path().join("Cargo.toml")) else {
            continue;
        };
        let example = entry.file_name().to_string_lossy().into_owned();
        let names = normal_dependencies(&manifest);
        if !names.contains(&"otel-kit") {
            offenders.push(format!("{example}: no otel-kit in [dependencies]"));
        }
        for name in names {
            if THROUGH_OTEL_KIT.iter().any(|prefix| name.starts_with(prefix)) {
                offenders.push(format!("{example}: {name} (take it through otel-kit)"));
            }
        }
        checked += 1;
    }
    assert!(checked >= 6, "the examples were found: {checked}");
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn the_check_reads_only_the_dependencies_table() {
    let manifest = "[package]\nname = \"x\"\n[dependencies]\notel-kit = \"0.1\"\n# opentelemetry = \"0.33\"\naxum = \"0.8\"\n[dev-dependencies]\notel-kit-testing = \"0.1\"\n";
    assert_eq!(normal_dependencies(manifest), ["otel-kit", "axum"]);
    let skewed = "[dependencies]\notel-kit = \"0.1\"\nopentelemetry = \"0.32\"\n";
    assert!(
        normal_dependencies(skewed)
            .iter()
            .any(|name| THROUGH_OTEL_KIT.iter().any(|prefix| name.starts_with(prefix))),
        "a second opentelemetry line is caught"
    );
}
