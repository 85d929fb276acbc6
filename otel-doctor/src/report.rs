//! The findings as a human reads them (one block per finding: finding, why it matters,
//! fix) or as JSON for CI.

use std::fmt::Write as _;

use serde_json::json;

use crate::finding::{Finding, Severity};

/// The output format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Human,
    Json,
}

/// The report of `findings`, after the checks named in `ran`.
pub(crate) fn render(findings: &[Finding], ran: &[&str], format: Format) -> String {
    let errors = count(findings, Severity::Error);
    let warnings = count(findings, Severity::Warning);
    match format {
        Format::Json => {
            let report = json!({
                "checks": ran,
                "errors": errors,
                "warnings": warnings,
                "findings": findings.iter().map(Finding::to_json).collect::<Vec<_>>(),
            });
            format!("{report:#}\n")
        }
        Format::Human => human(findings, ran, errors, warnings),
    }
}

fn count(findings: &[Finding], severity: Severity) -> usize {
    findings.iter().filter(|f| f.severity == severity).count()
}

fn human(findings: &[Finding], ran: &[&str], errors: usize, warnings: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "cargo otel-doctor: checked {}", ran.join(", "));
    if findings.is_empty() {
        out.push_str("\nno findings: nothing silently drops telemetry that the doctor can see\n");
        return out;
    }
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| f.severity);
    // The table first, one line per finding; then each with why and fix.
    out.push('\n');
    let _ = writeln!(out, "{:>3}  {:<8} {:<22} finding", "#", "severity", "check");
    for (n, f) in sorted.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>3}  {:<8} {:<22} {}",
            n + 1,
            f.severity.as_str(),
            f.check,
            clip(&f.finding, 90)
        );
    }
    for (n, f) in sorted.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n{}. [{}] {}: {}",
            n + 1,
            f.severity.as_str().to_uppercase(),
            f.check,
            f.finding
        );
        let _ = writeln!(out, "   why: {}", indent(&f.why));
        let _ = writeln!(out, "   fix: {}", indent(&f.fix));
    }
    let _ = writeln!(
        out,
        "\n{errors} error(s), {warnings} warning(s), {} finding(s)",
        findings.len()
    );
    out
}

/// Continuation lines under the label.
fn indent(text: &str) -> String {
    text.replace('\n', "\n        ")
}

/// The first line of `text`, at most `width` characters.
fn clip(text: &str, width: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() <= width {
        return line.to_owned();
    }
    let mut out: String = line.chars().take(width.saturating_sub(3)).collect();
    out.push_str("...");
    out
}
