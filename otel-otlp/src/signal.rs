//! The three signals, named once for this crate and otel-kit-init: in variable names,
//! OTLP paths, warnings, errors and console headers.

use std::fmt;

/// Traces, metrics or logs.
///
/// ```
/// use otel_kit_otlp::Signal;
///
/// assert_eq!(Signal::Traces.to_string(), "traces");
/// assert_eq!(Signal::Metrics.env_name(), "METRICS");
/// assert_eq!(Signal::Logs.http_path(), "v1/logs");
/// assert_eq!(Signal::ALL, [Signal::Traces, Signal::Metrics, Signal::Logs]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    /// Spans.
    Traces,
    /// Metrics.
    Metrics,
    /// Log records.
    Logs,
}

impl Signal {
    /// The three, in the order the specification lists them.
    pub const ALL: [Signal; 3] = [Signal::Traces, Signal::Metrics, Signal::Logs];

    /// `traces`, `metrics` or `logs`: how warnings and errors name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Traces => "traces",
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
        }
    }

    /// `TRACES`, `METRICS` or `LOGS`, as in the per-signal variable names.
    pub fn env_name(self) -> &'static str {
        match self {
            Signal::Traces => "TRACES",
            Signal::Metrics => "METRICS",
            Signal::Logs => "LOGS",
        }
    }

    /// The OTLP/HTTP path, `v1/traces` and so on.
    pub fn http_path(self) -> &'static str {
        match self {
            Signal::Traces => "v1/traces",
            Signal::Metrics => "v1/metrics",
            Signal::Logs => "v1/logs",
        }
    }

    /// One item of the signal: `span`, `metric` or `log`.
    pub fn item(self) -> &'static str {
        match self {
            Signal::Traces => "span",
            Signal::Metrics => "metric",
            Signal::Logs => "log",
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
