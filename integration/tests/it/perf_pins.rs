//! perf/ is a workspace of its own (so that `cargo test --workspace` here never builds the
//! benchmarks and the peers they measure), but the stack stays pinned once: every line
//! of perf/Cargo.toml's `[workspace.dependencies]` is the root's line for the same name
//! (its paths one folder up), except the peers only perf measures, which the root must
//! not name. The package version is the root's too.

use std::collections::BTreeMap;
use std::path::Path;

/// The peers only the benchmarks depend on.
const PERF_ONLY: &[&str] = &[
    "axum-tracing-opentelemetry",
    "init-tracing-opentelemetry",
    "opentelemetry-instrumentation-actix-web",
    "opentelemetry-instrumentation-tower",
    "tower-otel",
];

/// `name = spec` for each line of a TOML table, by name (a spec is the rest of the line).
fn table(manifest: &str, header: &str) -> BTreeMap<String, String> {
    let mut entries = BTreeMap::new();
    let mut inside = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == header;
            continue;
        }
        if !inside || line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((name, spec)) = line.split_once(" = ") {
            entries.insert(name.trim().to_owned(), spec.trim().to_owned());
        }
    }
    entries
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn perf_pins_what_the_root_pins() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let main = read(&root.join("Cargo.toml"));
    let perf = read(&root.join("perf/Cargo.toml"));

    let pinned = table(&main, "[workspace.dependencies]");
    let perf_pinned = table(&perf, "[workspace.dependencies]");
    assert!(
        perf_pinned.len() > 30,
        "perf/Cargo.toml's pins were not read: {perf_pinned:?}"
    );
    let mut wrong = Vec::new();
    for (name, spec) in &perf_pinned {
        if PERF_ONLY.contains(&name.as_str()) {
            if pinned.contains_key(name) {
                wrong.push(format!("{name}: measured only in perf/, pinned in the root too"));
            }
            continue;
        }
        let as_root = spec.replace("path = \"../", "path = \"");
        match pinned.get(name) {
            Some(root_spec) if *root_spec == as_root => {}
            Some(root_spec) => wrong.push(format!("{name}: perf has {spec}, the root {root_spec}")),
            None => wrong.push(format!(
                "{name}: pinned in perf/ only (add it to PERF_ONLY if it is a peer)"
            )),
        }
    }
    assert!(
        wrong.is_empty(),
        "perf/Cargo.toml disagrees with the root's pins:\n{}",
        wrong.join("\n")
    );

    let version = |manifest: &str| table(manifest, "[workspace.package]").get("version").cloned();
    assert_eq!(version(&perf), version(&main), "perf/'s package version");
}
