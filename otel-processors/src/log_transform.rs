//! [`TransformingLogProcessor`]: a log processor that changes each log record in place
//! with a [`LogTransform`] (a [`Redactor`](crate::redaction::Redactor), a
//! [`ValueLengthLimit`](crate::value_length::ValueLengthLimit), or one's own).

use std::fmt;
use std::time::Duration;

use opentelemetry::logs::{AnyValue, Severity};
use opentelemetry::{InstrumentationScope, Key};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogProcessor, SdkLogRecord};

use crate::log_rebuild::Blank;

/// What a [`TransformingLogProcessor`] does to each log record: what it adds
/// ([`on_emit`](Self::on_emit)), a new body, and a new value (or none) for each
/// attribute. The 0.33 SDK cannot remove or replace a record's attributes, so a record
/// that changes is rebuilt; one that does not is left as it is, and nothing is allocated
/// for it.
///
/// ```
/// use opentelemetry::Key;
/// use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _};
/// use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
/// use otel_kit_processors::{LogTransform, TransformingLogProcessor};
///
/// #[derive(Debug)]
/// struct NoDebugKeys;
///
/// impl LogTransform for NoDebugKeys {
///     fn changes(&self, key: &Key, _: &AnyValue) -> bool {
///         key.as_str().starts_with("debug.")
///     }
///     fn attribute(&self, key: &Key, value: &AnyValue) -> Option<AnyValue> {
///         (!key.as_str().starts_with("debug.")).then(|| value.clone())
///     }
/// }
///
/// let exporter = InMemoryLogExporter::default();
/// let provider = SdkLoggerProvider::builder()
///     .with_log_processor(TransformingLogProcessor::new(NoDebugKeys))
///     .with_simple_exporter(exporter.clone())
///     .build();
/// let logger = provider.logger("demo");
/// let mut record = logger.create_log_record();
/// record.add_attribute("debug.state", "...");
/// record.add_attribute("order.id", 7);
/// logger.emit(record);
/// assert_eq!(exporter.get_emitted_logs()?[0].record.attributes_iter().count(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait LogTransform: fmt::Debug + Send + Sync {
    /// Changes `record` in place before its body and attributes are looked at: the SDK
    /// can add attributes to a record (not remove or replace them). Nothing by default.
    fn on_emit(&self, record: &mut SdkLogRecord) {
        let _ = record;
    }

    /// The record's new body, `None` to keep it (the default).
    fn body(&self, body: &AnyValue) -> Option<AnyValue> {
        let _ = body;
        None
    }

    /// Whether [`attribute`](Self::attribute) changes or drops this attribute: asked of
    /// each attribute first, so that a record with nothing to change is not rebuilt.
    fn changes(&self, key: &Key, value: &AnyValue) -> bool;

    /// What the attribute becomes when the record is rebuilt; `None` drops it.
    fn attribute(&self, key: &Key, value: &AnyValue) -> Option<AnyValue>;
}

/// Applies `T` to each log record in place. Register it before the processors that
/// export: the SDK hands the same record to each processor in order. It never enables a
/// log event by itself (`event_enabled` is `false`), it only transforms what another
/// processor takes.
/// [`RedactingLogProcessor`](crate::redaction::RedactingLogProcessor) and
/// [`TruncatingLogProcessor`](crate::value_length::TruncatingLogProcessor) are this
/// processor with the crate's transforms, and so is
/// [`BaggageLogProcessor`](crate::baggage::BaggageLogProcessor).
#[derive(Debug)]
pub struct TransformingLogProcessor<T> {
    pub(crate) transform: T,
    /// A record that changes is rebuilt (see `log_rebuild`).
    blank: Blank,
}

impl<T: LogTransform> TransformingLogProcessor<T> {
    /// A processor applying `transform`.
    pub fn new(transform: T) -> Self {
        TransformingLogProcessor {
            transform,
            blank: Blank::new(env!("CARGO_PKG_NAME")),
        }
    }

    /// Applies the transform to `record`; untouched (and nothing allocated) when it
    /// changes nothing.
    pub fn apply(&self, record: &mut SdkLogRecord) {
        self.transform.on_emit(record);
        let body = record.body().and_then(|b| self.transform.body(b));
        if body.is_none()
            && !record
                .attributes_iter()
                .any(|(k, v)| self.transform.changes(k, v))
        {
            return;
        }
        self.blank
            .rebuild(record, body, |k, v| self.transform.attribute(k, v));
    }
}

impl<T: LogTransform> LogProcessor for TransformingLogProcessor<T> {
    fn emit(&self, record: &mut SdkLogRecord, _scope: &InstrumentationScope) {
        self.apply(record);
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }

    fn event_enabled(&self, _level: Severity, _target: &str, _name: Option<&str>) -> bool {
        false
    }
}
