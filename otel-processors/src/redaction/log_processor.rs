//! The log processor that applies a [`Redactor`] before export (the `logs` cargo
//! feature).

use opentelemetry::Key;
use opentelemetry::logs::AnyValue;
use opentelemetry_sdk::logs::SdkLogRecord;

use super::redactor::Redactor;
use crate::log_transform::{LogTransform, TransformingLogProcessor};

/// Redacts each log record's attributes and body in place. Register it before the
/// batch log processor: the SDK hands the same record to each processor in order.
/// It never enables a log event by itself (`event_enabled` is `false`), it only
/// transforms what another processor takes.
///
/// ```
/// use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _};
/// use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
/// use otel_kit_processors::redaction::{Redaction, RedactingLogProcessor, Scrub};
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
pub type RedactingLogProcessor = TransformingLogProcessor<Redactor>;

impl TransformingLogProcessor<Redactor> {
    /// Applies the rules to `record`; untouched (and nothing allocated) when no rule
    /// changes it.
    pub fn redact(&self, record: &mut SdkLogRecord) {
        self.apply(record);
    }
}

impl LogTransform for Redactor {
    fn body(&self, body: &AnyValue) -> Option<AnyValue> {
        self.redact_any_value(body)
    }

    fn changes(&self, key: &Key, value: &AnyValue) -> bool {
        self.changes_entry(key, value)
    }

    fn attribute(&self, key: &Key, value: &AnyValue) -> Option<AnyValue> {
        self.redact_entry(key, value, 0)
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _, Severity};
    use opentelemetry::trace::{SpanId, TraceFlags, TraceId};
    use opentelemetry_sdk::logs::SdkLoggerProvider;

    use super::*;
    use crate::redaction::rules::Redaction;

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
