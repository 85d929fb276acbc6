//! The guides in `docs/` name what the code does: a list in the code that a guide
//! repeats is checked here, so the two cannot drift apart.

/// The "What is never captured" section of a guide.
fn never_captured_section(guide: &str) -> &str {
    let start = guide
        .find("## What is never captured")
        .expect("the guide has the section");
    let rest = &guide[start + 2..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

#[test]
fn every_header_never_captured_is_listed_in_the_http_and_grpc_guides() {
    for (name, guide) in [
        ("docs/http.md", include_str!("../../../docs/http.md")),
        ("docs/grpc.md", include_str!("../../../docs/grpc.md")),
    ] {
        let section = never_captured_section(guide).to_ascii_lowercase();
        for header in otel_kit_core::header_capture::NEVER_CAPTURED {
            assert!(
                section.contains(&format!("`{header}`")),
                "{name} does not list `{header}` under \"What is never captured\""
            );
        }
    }
}

/// Every file under `dir` (recursively) whose name ends with one of `endings`.
fn files_under(dir: &std::path::Path, endings: &[&str], found: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name != "target") {
                files_under(&path, endings, found);
            }
        } else if endings
            .iter()
            .any(|ending| path.to_string_lossy().ends_with(ending))
        {
            found.push(path);
        }
    }
}

/// The ` ```rust ` blocks of a Markdown file.
fn rust_blocks(markdown: &str) -> Vec<&str> {
    let mut blocks = Vec::new();
    let mut rest = markdown;
    while let Some(start) = rest.find("```rust") {
        let body = &rest[start..];
        let Some(line_end) = body.find('\n') else { break };
        let Some(end) = body[line_end..].find("```") else {
            break;
        };
        blocks.push(&body[line_end..line_end + end]);
        rest = &body[line_end + end + 3..];
    }
    blocks
}

/// The lines of the code blocks in a Rust file's doc comments (`///` and `//!`; a block
/// opened by a `doc = "```..."` attribute, as a crate root picks `no_run` by feature,
/// counts too).
fn doc_code_blocks(source: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut in_block = false;
    for line in source.lines() {
        let line = line.trim_start();
        if line.contains("doc = \"```") {
            in_block = true;
            continue;
        }
        let Some(doc) = line.strip_prefix("///").or_else(|| line.strip_prefix("//!")) else {
            continue;
        };
        if doc.trim_start().starts_with("```") {
            in_block = !in_block;
        } else if in_block {
            lines.push(doc);
        }
    }
    lines
}

/// otel-kit-core is the instrumentation crates' shared core: what users touch is
/// re-exported by the crate they use (issue 27: GenAI users without `init()` had to call
/// into it). So the code users copy (the guides' and READMEs' Rust blocks, the examples,
/// the crates' doc examples) never names it.
#[test]
fn no_code_users_copy_names_the_shared_core() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut markdown = Vec::new();
    files_under(&root.join("docs"), &[".md"], &mut markdown);
    for crate_dir in std::fs::read_dir(&root).expect("the workspace").flatten() {
        let readme = crate_dir.path().join("README.md");
        if readme.is_file() && crate_dir.file_name() != "otel-core" {
            markdown.push(readme);
        }
    }
    markdown.push(root.join("README.md"));
    let mut offenders = Vec::new();
    for file in &markdown {
        let text = std::fs::read_to_string(file).expect("readable");
        if rust_blocks(&text)
            .iter()
            .any(|block| block.contains("otel_kit_core"))
        {
            offenders.push(file.clone());
        }
    }
    let mut example_files = Vec::new();
    files_under(&root.join("examples"), &[".rs", "Cargo.toml"], &mut example_files);
    assert!(
        example_files.len() > 10,
        "the examples were found: {example_files:?}"
    );
    for file in example_files {
        let text = std::fs::read_to_string(&file).expect("readable");
        if text.contains("otel_kit_core") || text.contains("otel-kit-core") {
            offenders.push(file);
        }
    }
    // The examples in the crates' own documentation (rustdoc's code blocks), which
    // docs.rs shows users: every crate but otel-kit-core itself.
    let mut sources = Vec::new();
    for crate_dir in std::fs::read_dir(&root).expect("the workspace").flatten() {
        let name = crate_dir.file_name();
        if name.to_string_lossy().starts_with("otel-") && name != "otel-core" {
            files_under(&crate_dir.path().join("src"), &[".rs"], &mut sources);
        }
    }
    assert!(
        sources.len() > 50,
        "the crates' sources were found: {}",
        sources.len()
    );
    for file in &sources {
        let text = std::fs::read_to_string(file).expect("readable");
        if doc_code_blocks(&text)
            .iter()
            .any(|line| line.contains("otel_kit_core"))
        {
            offenders.push(file.clone());
        }
    }
    assert!(markdown.len() > 10, "the guides were found: {markdown:?}");
    assert!(
        offenders.is_empty(),
        "code users copy names otel-kit-core: {offenders:?}"
    );
}
