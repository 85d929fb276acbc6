//! A [`Finding`]: what the doctor saw, why it matters, and the fix.

use serde_json::{Value, json};

/// How bad a finding is. Any [`Severity::Error`] makes the exit code non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Severity {
    /// Telemetry is lost or wrong.
    Error,
    /// Telemetry may be lost, or a value was replaced by a default.
    Warning,
    /// Worth knowing; nothing is lost.
    Info,
}

impl Severity {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    pub(crate) severity: Severity,
    /// Which check: `versions`, `instrumented-versions`, `features`, `environment`,
    /// `config-file`, `export`.
    pub(crate) check: &'static str,
    /// What was found.
    pub(crate) finding: String,
    /// Why it matters.
    pub(crate) why: String,
    /// The exact change that fixes it.
    pub(crate) fix: String,
}

impl Finding {
    pub(crate) fn new(
        severity: Severity,
        check: &'static str,
        finding: impl Into<String>,
        why: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        Finding {
            severity,
            check,
            finding: finding.into(),
            why: why.into(),
            fix: fix.into(),
        }
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({
            "severity": self.severity.as_str(),
            "check": self.check,
            "finding": self.finding,
            "why": self.why,
            "fix": self.fix,
        })
    }
}
