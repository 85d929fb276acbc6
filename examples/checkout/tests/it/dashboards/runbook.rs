//! Every shipped alert links to its runbook entry: its `runbook_url` is the documented
//! base (the external label `runbook_base_url`, else the project's `docs/runbook.md`)
//! and an anchor that is a heading of `docs/runbook.md`'s "## Alerts" section, whose
//! table lists it; and that section has no entry for an alert that is gone.

use std::collections::BTreeSet;

use super::{alert_rules, dashboards_dir};

/// The base of every `runbook_url`: Prometheus' external label `runbook_base_url` when
/// it has one, else the project's copy of the runbook.
const BASE: &str = r#"{{ or $externalLabels.runbook_base_url "https://github.com/otel-kit/otel-kit/blob/main/docs/runbook.md" }}"#;

fn runbook() -> String {
    std::fs::read_to_string(dashboards_dir().join("../runbook.md")).expect("read docs/runbook.md")
}

/// GitHub's anchor of a heading: lower case, spaces to `-`, other punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of the `###` headings of the section `## {section}`.
fn section_anchors(text: &str, section: &str) -> BTreeSet<String> {
    let start = format!("## {section}\n");
    let Some(at) = text.find(&start) else {
        return BTreeSet::new();
    };
    let body = &text[at + start.len()..];
    let body = body.find("\n## ").map_or(body, |end| &body[..end]);
    body.lines()
        .filter_map(|l| l.strip_prefix("### "))
        .map(anchor)
        .collect()
}

#[test]
fn anchors_are_githubs() {
    assert_eq!(anchor("HttpHighErrorRatio"), "httphigherrorratio");
    assert_eq!(
        anchor("Missing correlation: no trace_id"),
        "missing-correlation-no-trace_id"
    );
    let text = "# R\n## Alerts\n### One\ntext\n### Two B\n## Symptoms\n### Three\n";
    assert_eq!(
        section_anchors(text, "Alerts"),
        BTreeSet::from(["one".to_owned(), "two-b".to_owned()])
    );
}

#[test]
fn every_alert_links_to_its_runbook_entry() {
    let text = runbook();
    let entries = section_anchors(&text, "Alerts");
    let mut linked = BTreeSet::new();
    for rule in alert_rules() {
        let name = rule["alert"].as_str().expect("an alert");
        let url = rule["annotations"]["runbook_url"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no runbook_url"));
        let target = url
            .strip_prefix(BASE)
            .and_then(|rest| rest.strip_prefix('#'))
            .unwrap_or_else(|| panic!("{name}: runbook_url {url:?} is not {BASE}#<anchor>"));
        assert_eq!(target, anchor(name), "{name}: the anchor is the alert's name");
        assert!(
            entries.contains(target),
            "{name}: docs/runbook.md has no \"### {name}\" under \"## Alerts\""
        );
        assert!(
            text.contains(&format!("(#{target})")),
            "{name}: the table at the top of docs/runbook.md does not link #{target}"
        );
        linked.insert(target.to_owned());
    }
    let stale: Vec<&String> = entries.difference(&linked).collect();
    assert!(stale.is_empty(), "runbook entries of no alert: {stale:?}");
}

/// The default base is the repository the workspace declares.
#[test]
fn the_default_base_is_the_projects_runbook() {
    let manifest =
        std::fs::read_to_string(dashboards_dir().join("../../Cargo.toml")).expect("read Cargo.toml");
    let repository = manifest
        .lines()
        .find_map(|l| l.strip_prefix("repository = "))
        .expect("a repository")
        .trim_matches('"');
    assert!(
        BASE.contains(&format!("\"{repository}/blob/main/docs/runbook.md\"")),
        "{BASE} vs {repository}"
    );
}
