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
