//! The log processor that applies a [`Redactor`] before export (the `logs` cargo
//! feature).

use std::time::Duration;

use opentelemetry::InstrumentationScope;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogProcessor, SdkLogRecord};

use super::Redactor;
use crate::log_rebuild::Blank;

/// Redacts each log record's attributes and body in place. Register it before the
/// batch log processor: the SDK hands the same record to each processor in order.
/// It never enables a log event by itself (`event_enabled` is `false`), it only
/// transforms what another processor takes.
///
/// ```
/// use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _};
/// use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
/// use otel_kit_otlp::redaction::{Redaction, RedactingLogProcessor, Scrub};
///
/// let exporter = InMemoryLogExporter::default();
/// let provider = SdkLoggerProvider::builder()
///     .with_log_processor(RedactingLogProcessor::new(Redaction::default().scrub([Scrub::Email]).build()?))
///     .with_simple_exporter(exporter.clone())
///     .build();
/// let logger = provider.logger("demo");
/// let mut record = logger.create_log_record();
/// record.set_body("signed up: ada@example.com".into());
/// record.add_attribute("session.cookie", "abc");
/// logger.emit(record);
/// let logs = exporter.get_emitted_logs()?;
/// assert_eq!(logs[0].record.body(), Some(&AnyValue::from("signed up: [REDACTED:email]")));
/// assert_eq!(logs[0].record.attributes_iter().count(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct RedactingLogProcessor {
    redactor: Redactor,
    /// A record that changes is rebuilt (see `log_rebuild`).
    blank: Blank,
}

impl RedactingLogProcessor {
    /// A processor applying `redactor`.
    pub fn new(redactor: Redactor) -> Self {
        RedactingLogProcessor {
            redactor,
            blank: Blank::new("otel-kit-otlp.redaction"),
        }
    }

    /// Applies the rules to `record`; untouched (and nothing allocated) when no rule
    /// changes it.
    pub fn redact(&self, record: &mut SdkLogRecord) {
        let body = record.body().and_then(|b| self.redactor.redact_any_value(b));
        let attributes_change = record
            .attributes_iter()
            .any(|(k, v)| self.redactor.changes_entry(k, v));
        if body.is_none() && !attributes_change {
            return;
        }
        self.blank
            .rebuild(record, body, |k, v| self.redactor.redact_entry(k, v, 0));
    }
}

impl LogProcessor for RedactingLogProcessor {
    fn emit(&self, record: &mut SdkLogRecord, _scope: &InstrumentationScope) {
        self.redact(record);
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }

    fn event_enabled(
        &self,
        _level: opentelemetry::logs::Severity,
        _target: &str,
        _name: Option<&str>,
    ) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _, Severity};
    use opentelemetry::trace::{SpanId, TraceFlags, TraceId};
    use opentelemetry_sdk::logs::SdkLoggerProvider;

    use super::*;
    use crate::redaction::Redaction;

    #[test]
    fn a_rebuilt_record_keeps_every_other_field() {
        let p = RedactingLogProcessor::new(Redaction::default().build().expect("rules"));
        let mut record = SdkLoggerProvider::builder()
            .build()
            .logger("t")
            .create_log_record();
        record.set_event_name("login");
        record.set_target("app::auth");
        record.set_timestamp(SystemTime::UNIX_EPOCH);
        record.set_observed_timestamp(SystemTime::now());
        record.set_trace_context(TraceId::from(7), SpanId::from(9), Some(TraceFlags::SAMPLED));
        record.set_severity_text("WARN");
        record.set_severity_number(Severity::Warn);
        record.set_body("plain".into());
        record.add_attribute("kept", 1);
        let mut expected = record.clone();
        p.redact(&mut record);
        assert_eq!(record, expected, "nothing to redact: untouched");

        record.add_attribute("db.password", "x");
        p.redact(&mut record);
        assert_eq!(record, expected, "rebuilt without the dropped attribute");

        record.set_body(AnyValue::from("Bearer abcdef0123456789"));
        p.redact(&mut record);
        expected.set_body("[REDACTED:bearer]".into());
        assert_eq!(record, expected);
    }
}
