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

/// One dependency line: its name, its version requirement (none for `workspace = true`
/// or `git = ...`), its source when it is a git one, and its features.
#[derive(Debug)]
struct Line {
    name: String,
    version: Option<String>,
    git: Option<String>,
    features: Vec<String>,
}

/// The dependency lines of a `[dependencies]` table, in TOML as the guide and this
/// manifest write them: `name = "1"` or `name = { key = value, ... }` on one line.
fn lines_of_table(toml: &str, table: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut inside = false;
    for line in toml.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == table;
            continue;
        }
        if !inside || line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.split(" #").next().unwrap_or_default().trim();
        let quoted = |key: &str| {
            let rest = value.split_once(&format!("{key} = \""))?.1;
            Some(rest.split('"').next()?.to_owned())
        };
        let features = value
            .split_once("features = [")
            .map(|(_, rest)| {
                rest.split(']')
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(|f| f.trim().trim_matches('"').to_owned())
                    .filter(|f| !f.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        lines.push(Line {
            name: name.trim().to_owned(),
            version: if value.starts_with('"') {
                Some(value.trim_matches('"').to_owned())
            } else {
                quoted("version")
            },
            git: quoted("git"),
            features,
        });
    }
    lines
}

/// The guide's `[dependencies]` blocks: section 1's and the actix-web path's.
fn guide_dependency_blocks() -> Vec<Vec<Line>> {
    let guide = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/getting-started.md"
    ))
    .expect("docs/getting-started.md");
    guide
        .split("```toml\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .filter(|block| block.trim_start().starts_with("[dependencies]"))
        .map(|block| lines_of_table(block, "[dependencies]"))
        .collect()
}

/// Whether `pinned` (the workspace's version, `0.8.9`) meets `required` (the guide's,
/// `0.8`): the same leading numbers, as Cargo's caret requirement reads them here.
fn meets(pinned: &str, required: &str) -> bool {
    let pinned: Vec<&str> = pinned.split('.').collect();
    let required: Vec<&str> = required.split('.').collect();
    required.len() <= pinned.len() && required.iter().zip(&pinned).all(|(r, p)| r == p)
}

/// The guide's dependency lines are the ones this crate builds with: every crate in them
/// is in this manifest, at a version the workspace's pin meets, otel-kit from this
/// repository with the features the guide names; and every dependency here is in one of
/// the guide's blocks, so the guide points to nothing the example does not use.
#[test]
fn the_guides_dependency_lines_are_this_crates() {
    let root = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml"))
        .expect("Cargo.toml");
    let pinned = lines_of_table(&root, "[workspace.dependencies]");
    let repository = root
        .lines()
        .find_map(|l| l.strip_prefix("repository = \""))
        .and_then(|r| r.strip_suffix('"'))
        .expect("the workspace's repository");
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).expect("Cargo.toml");
    let ours = lines_of_table(&manifest, "[dependencies]");
    let blocks = guide_dependency_blocks();
    assert_eq!(blocks.len(), 2, "section 1's block and the actix-web path's");
    for line in blocks.iter().flatten() {
        let here = ours
            .iter()
            .find(|l| l.name == line.name)
            .unwrap_or_else(|| panic!("the guide names {}, which this crate does not use", line.name));
        if line.name == "otel-kit" {
            assert_eq!(
                line.git.as_deref(),
                Some(repository),
                "otel-kit from this repository: {line:?}"
            );
            for feature in &line.features {
                assert!(
                    here.features.contains(feature),
                    "otel-kit's `{feature}` is not on here: {here:?}"
                );
            }
            continue;
        }
        let required = line
            .version
            .as_deref()
            .unwrap_or_else(|| panic!("a version for {line:?}"));
        let pin = pinned
            .iter()
            .find(|p| p.name == line.name)
            .and_then(|p| p.version.as_deref())
            .unwrap_or_else(|| panic!("{} is not pinned in the workspace", line.name));
        assert!(
            meets(pin, required),
            "the guide asks {} {required}; the workspace builds {pin}",
            line.name
        );
        for feature in &line.features {
            assert!(
                here.features.contains(feature),
                "{}'s `{feature}` is not on here: {here:?}",
                line.name
            );
        }
    }
    for line in &ours {
        assert!(
            blocks.iter().flatten().any(|g| g.name == line.name),
            "this crate uses {}, which no block of the guide names",
            line.name
        );
    }
}
