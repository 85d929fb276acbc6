//! Whether a `tracing` event inside a span is also copied onto that span as a span event
//! ([`SpanEvents`]), and the span layer's filter when it is not.

use std::fmt;

use tracing::Metadata;
use tracing::subscriber::Interest;
use tracing_subscriber::layer::{Context, Filter};

use crate::env::ConfigWarning;

/// The variable [`SpanEvents::from_env_value`] reads.
pub(crate) const SPAN_EVENTS: &str = "OTEL_KIT_SPAN_EVENTS";

/// Whether each `tracing` event inside a span becomes a span event on it as well as a log
/// record.
///
/// | value | a `tracing` event inside a span is | `OTEL_KIT_SPAN_EVENTS` | `init()` picks it when |
/// | --- | --- | --- | --- |
/// | [`LogsOnly`](Self::LogsOnly) | a log record only | `false` | logs are exported over OTLP |
/// | [`Recorded`](Self::Recorded) | a log record and a span event | `true` | logs are not exported over OTLP |
///
/// One copy of each line is what OpenTelemetry recommends now that span events are being
/// retired in favour of log records: the backend stores and bills each line once, and
/// the record carries the span's trace and span ids. `Recorded` keeps the lines visible
/// in a backend that only stores traces.
///
/// Either way, an `error`-level event sets its span's status to Error, described by its
/// `error` field (with an error's sources), and the exceptions the kit's
/// instrumentations record stay log records (they never were span events).
///
/// ```
/// use otel_kit_init::subscriber::SpanEvents;
///
/// let (chosen, warning) = SpanEvents::from_env_value(None, true);
/// assert_eq!((chosen, warning), (SpanEvents::LogsOnly, None));
/// assert_eq!(SpanEvents::from_env_value(Some("TRUE"), true).0, SpanEvents::Recorded);
///
/// let (chosen, warning) = SpanEvents::from_env_value(Some("yes"), false);
/// assert_eq!(chosen, SpanEvents::Recorded, "the default when logs are not exported");
/// assert!(warning.expect("one warning").to_string().starts_with("OTEL_KIT_SPAN_EVENTS=\"yes\""));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanEvents {
    /// Events are log records only, not span events.
    LogsOnly,
    /// Events inside a span are span events too (for trace-only backends).
    Recorded,
}

impl SpanEvents {
    /// What `init()` uses when neither code nor `OTEL_KIT_SPAN_EVENTS` says:
    /// [`LogsOnly`](Self::LogsOnly) when logs are exported over OTLP, else
    /// [`Recorded`](Self::Recorded).
    ///
    /// ```
    /// use otel_kit_init::subscriber::SpanEvents;
    ///
    /// assert_eq!(SpanEvents::default_for(true), SpanEvents::LogsOnly);
    /// assert_eq!(SpanEvents::default_for(false), SpanEvents::Recorded);
    /// ```
    pub fn default_for(logs_exported_over_otlp: bool) -> SpanEvents {
        if logs_exported_over_otlp {
            SpanEvents::LogsOnly
        } else {
            SpanEvents::Recorded
        }
    }

    /// Resolves an `OTEL_KIT_SPAN_EVENTS` value: `true` or `false` (any case); unset or
    /// blank gives [`default_for`](Self::default_for); anything else gives that default
    /// and a warning naming the variable, the value and the default used.
    pub fn from_env_value(
        value: Option<&str>,
        logs_exported_over_otlp: bool,
    ) -> (SpanEvents, Option<ConfigWarning>) {
        let default = SpanEvents::default_for(logs_exported_over_otlp);
        let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
            return (default, None);
        };
        match value.trim() {
            v if v.eq_ignore_ascii_case("true") => (SpanEvents::Recorded, None),
            v if v.eq_ignore_ascii_case("false") => (SpanEvents::LogsOnly, None),
            _ => {
                let warning = ConfigWarning {
                    variable: SPAN_EVENTS.to_owned(),
                    value: value.to_owned(),
                    message: format!("is not `true` or `false`; using {default}"),
                };
                (default, Some(warning))
            }
        }
    }
}

/// `true` (span events recorded) or `false` (log records only), as the variable reads.
impl fmt::Display for SpanEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SpanEvents::LogsOnly => "false",
            SpanEvents::Recorded => "true",
        })
    }
}

/// The trace layer's filter under [`SpanEvents::LogsOnly`]: spans only, no events.
pub(super) struct SpansOnly;

impl<S> Filter<S> for SpansOnly {
    fn enabled(&self, meta: &Metadata<'_>, _cx: &Context<'_, S>) -> bool {
        !meta.is_event()
    }

    fn callsite_enabled(&self, meta: &'static Metadata<'static>) -> Interest {
        if meta.is_event() {
            Interest::never()
        } else {
            Interest::always()
        }
    }
}
