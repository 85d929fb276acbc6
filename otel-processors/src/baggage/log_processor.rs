//! [`BaggageLogProcessor`]: the listed baggage members of the current context onto each
//! log record (the `logs` cargo feature); a [`TransformingLogProcessor`] whose transform
//! is the list.

use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::logs::{AnyValue, LogRecord as _};
use opentelemetry::{Context, Key, Value};
use opentelemetry_sdk::logs::SdkLogRecord;

use super::allow_list::BaggageAllowList;
use crate::log_transform::{LogTransform, TransformingLogProcessor};

/// Copies the members [`BaggageAllowList`] names from the current context's baggage
/// onto each log record, unless the record has an attribute of that key already (the
/// record's own is kept). Register it first, before redaction and the exporting
/// processors: the SDK hands the same record to each processor in order. It never
/// enables a log event by itself (`event_enabled` is `false`).
///
/// The current context is the emitting thread's: a record emitted where the baggage is
/// current (a request handler under otel-kit-http's server layer, a `tracing` event in a
/// span of that request) gets the members.
///
/// ```
/// use opentelemetry::baggage::BaggageExt as _;
/// use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _};
/// use opentelemetry::{Context, Key, KeyValue};
/// use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
/// use otel_kit_processors::baggage::{BaggageAllowList, BaggageLogProcessor};
///
/// let exporter = InMemoryLogExporter::default();
/// let provider = SdkLoggerProvider::builder()
///     .with_log_processor(BaggageLogProcessor::new(BaggageAllowList::new(["tenant.id"])?))
///     .with_simple_exporter(exporter.clone())
///     .build();
/// let _guard = Context::new().with_baggage([KeyValue::new("tenant.id", "acme")]).attach();
/// let logger = provider.logger("demo");
/// logger.emit(logger.create_log_record());
/// let logs = exporter.get_emitted_logs()?;
/// let attributes: Vec<_> = logs[0].record.attributes_iter().cloned().collect();
/// assert_eq!(attributes, [(Key::from("tenant.id"), AnyValue::from("acme"))]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type BaggageLogProcessor = TransformingLogProcessor<BaggageAllowList>;

impl TransformingLogProcessor<BaggageAllowList> {
    /// Copies the listed members of `cx`'s baggage onto `record`.
    pub fn copy(&self, record: &mut SdkLogRecord, cx: &Context) {
        self.transform.copy_onto(record, cx);
    }
}

impl BaggageAllowList {
    /// The listed members of `cx`'s baggage onto `record`, but for the keys it has.
    fn copy_onto(&self, record: &mut SdkLogRecord, cx: &Context) {
        for member in self.members(cx.baggage()) {
            if record.attributes_iter().any(|(key, _)| *key == member.key) {
                continue;
            }
            let value = match member.value {
                Value::String(s) => AnyValue::String(s),
                // The list only makes strings.
                other => AnyValue::from(other.as_str().into_owned()),
            };
            record.add_attribute(member.key, value);
        }
    }
}

/// The current context's members added to each record; nothing the record has is
/// changed (its own attribute of a listed key is kept).
impl LogTransform for BaggageAllowList {
    #[inline]
    fn on_emit(&self, record: &mut SdkLogRecord) {
        if !self.is_empty() {
            Context::map_current(|cx| self.copy_onto(record, cx));
        }
    }

    fn changes(&self, _key: &Key, _value: &AnyValue) -> bool {
        false
    }

    fn attribute(&self, _key: &Key, value: &AnyValue) -> Option<AnyValue> {
        Some(value.clone())
    }
}
