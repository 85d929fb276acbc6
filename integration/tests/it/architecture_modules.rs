//! `docs/architecture.md` names every source file of a crate it maps, and repeats none
//! of the claims that stopped being true.
//!
//! A crate is mapped when its section (`## The ... (`<folder>/`)`) has a module table
//! (a header starting `| module |`, `| file |` or `| part |`). Each source file under
//! the crate's `src/` must be named in a row of that section:
//! - a token ending in `.rs` with a `/` names that path below `src/` (`src/` or
//!   `<folder>/src/` in front is allowed);
//! - a bare `name.rs` names the file at `src/`'s root and, in a row that also names
//!   folders (`xray/`), the file of that name in each of them;
//! - a folder token (`xray/`) names its `mod.rs`, and, in a row that names no file, every
//!   file below it.

use std::collections::BTreeSet;
use std::path::Path;

use crate::architecture_doc::{backticked, repository_root};

/// Sentences the page (and the guides that repeated them) once said and that are false
/// now: the globals are resolved again when the kit sets one (a generation number), with
/// a one-second fallback, not every 10 ms; otel-kit-config maps its model onto
/// variables.
const RETIRED_CLAIMS: &[(&str, &str)] = &[
    (
        "refreshed every 10 ms",
        "the globals are re-resolved by generation, within REFRESH",
    ),
    (
        "builds nothing",
        "otel-kit-config writes the model as variables (env_variables/)",
    ),
];

/// The pages that repeated the retired claims.
const PAGES: &[&str] = &[
    "docs/architecture.md",
    "docs/http.md",
    "docs/grpc.md",
    "docs/db.md",
    "docs/genai.md",
];

/// What one section's rows name, below its crate's `src/`.
#[derive(Default)]
struct Named {
    files: BTreeSet<String>,
    /// Folders named in a row with no file: everything below them.
    whole_folders: BTreeSet<String>,
}

impl Named {
    fn of(section: &str, folder: &str) -> Named {
        let strip = |token: &str| {
            let token = token.strip_prefix(&format!("{folder}/")).unwrap_or(token);
            token.strip_prefix("src/").unwrap_or(token).to_owned()
        };
        let mut named = Named::default();
        for (_, row) in section
            .lines()
            .enumerate()
            .filter(|(_, line)| line.starts_with('|'))
        {
            let tokens: Vec<String> = backticked(row).into_iter().map(|(_, token)| token).collect();
            let folders: Vec<String> = tokens
                .iter()
                .filter(|t| t.ends_with('/') && !t.contains(' '))
                .map(|t| strip(t.trim_end_matches('/')))
                .collect();
            let files: Vec<String> = tokens
                .iter()
                .filter(|t| t.ends_with(".rs"))
                .map(|t| strip(t))
                .collect();
            for folder in &folders {
                named.files.insert(format!("{folder}/mod.rs"));
                if files.is_empty() {
                    named.whole_folders.insert(folder.clone());
                }
            }
            for file in &files {
                named.files.insert(file.clone());
                if !file.contains('/') {
                    for folder in &folders {
                        named.files.insert(format!("{folder}/{file}"));
                    }
                }
            }
        }
        named
    }

    fn covers(&self, relative: &str) -> bool {
        self.files.contains(relative)
            || self
                .whole_folders
                .iter()
                .any(|folder| relative.starts_with(&format!("{folder}/")))
    }
}

/// Every `.rs` file below `dir`, relative to `base`.
fn sources(base: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(base, &path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let relative = path.strip_prefix(base).expect("below the base");
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// `(folder, section)` for each crate section with a module table.
fn mapped_sections(page: &str) -> Vec<(String, String)> {
    let mut mapped = Vec::new();
    for section in page.split("\n## ").skip(1) {
        let heading = section.lines().next().unwrap_or_default();
        let Some(folder) = heading
            .rsplit_once("(`")
            .and_then(|(_, rest)| rest.strip_suffix("/`)"))
        else {
            continue;
        };
        let has_table = section.lines().any(|line| {
            ["| module |", "| file |", "| part |"]
                .iter()
                .any(|header| line.starts_with(header))
        });
        if has_table {
            mapped.push((folder.to_owned(), section.to_owned()));
        }
    }
    mapped
}

#[test]
fn every_source_file_of_a_mapped_crate_is_named_in_its_section() {
    let root = repository_root();
    let page = std::fs::read_to_string(root.join("docs/architecture.md")).expect("the page");
    let mapped = mapped_sections(&page);
    assert!(
        mapped.len() >= 10,
        "the page's crate sections are found: {}",
        mapped.len()
    );
    let mut unnamed = Vec::new();
    for (folder, section) in &mapped {
        let src = root.join(folder).join("src");
        let named = Named::of(section, folder);
        let mut files = Vec::new();
        sources(&src, &src, &mut files);
        assert!(!files.is_empty(), "{folder}/src has source files");
        unnamed.extend(
            files
                .into_iter()
                .filter(|file| !named.covers(file))
                .map(|file| format!("{folder}/src/{file}")),
        );
    }
    unnamed.sort();
    assert!(
        unnamed.is_empty(),
        "docs/architecture.md maps these crates but does not name these files in their sections:\n  {}",
        unnamed.join("\n  ")
    );
}

#[test]
fn the_pages_repeat_no_retired_claim() {
    let root = repository_root();
    for page in PAGES {
        let text = std::fs::read_to_string(root.join(page)).expect("the page");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for (claim, why) in RETIRED_CLAIMS {
            assert!(
                !text.contains(claim),
                "{page} says {claim:?}, no longer true: {why}"
            );
        }
    }
}

#[test]
fn a_row_names_files_in_the_folders_it_names() {
    let section = "| module | what |\n| --- | --- |\n| `xray/`: `rules.rs` | x |\n| `lib.rs`, `src/sub/a.rs` | y |\n| `model/` | z |\n";
    let named = Named::of(section, "otel-x");
    for file in [
        "xray/rules.rs",
        "xray/mod.rs",
        "lib.rs",
        "rules.rs",
        "sub/a.rs",
        "model/mod.rs",
        "model/deep/b.rs",
    ] {
        assert!(named.covers(file), "{file}");
    }
    for file in ["xray/other.rs", "sub/b.rs", "other.rs", "sub/mod.rs"] {
        assert!(!named.covers(file), "{file}");
    }
}
