//! The `gen_ai.client.inference.operation.details` event: one log record per call that
//! captured content for it, emitted through the OpenTelemetry logs API in the call's
//! span context, with the content in structured form (as the conventions require on
//! events) and the inference attributes the event's definition lists.

use opentelemetry::logs::{AnyValue, Severity};
use opentelemetry::{Array, Context, KeyValue, Value};
use otel_kit_core::log_events::{EventLogger, LogEvent};
use otel_kit_semconv::attribute::{ERROR_TYPE, SERVER_ADDRESS, SERVER_PORT};

use crate::attributes::*;
use crate::content::to_any_value;

/// The event's severity. Its definition names none; INFO (9) is an ordinary event's.
pub(crate) const SEVERITY: Severity = Severity::Info;

/// The attributes the event copies from the call: those of
/// `attributes.gen_ai.inference.client`, which the event's definition extends
/// (semantic conventions 1.41), and `gen_ai.provider.name`, which the inference span
/// requires and that group leaves out only for a tooling limit (the `TODO` naming
/// weaver#479 in `model/gen-ai/spans.yaml`): without it a record read apart from its
/// trace could not tell providers apart. The content keys are added separately.
const ATTRIBUTES: [&str; 26] = [
    GEN_AI_OPERATION_NAME,
    GEN_AI_PROVIDER_NAME,
    ERROR_TYPE,
    GEN_AI_CONVERSATION_ID,
    GEN_AI_OUTPUT_TYPE,
    GEN_AI_REQUEST_CHOICE_COUNT,
    GEN_AI_REQUEST_MODEL,
    GEN_AI_REQUEST_SEED,
    GEN_AI_REQUEST_STREAM,
    SERVER_ADDRESS,
    SERVER_PORT,
    GEN_AI_REQUEST_FREQUENCY_PENALTY,
    GEN_AI_REQUEST_MAX_TOKENS,
    GEN_AI_REQUEST_PRESENCE_PENALTY,
    GEN_AI_REQUEST_STOP_SEQUENCES,
    GEN_AI_REQUEST_TEMPERATURE,
    GEN_AI_REQUEST_TOP_P,
    GEN_AI_RESPONSE_FINISH_REASONS,
    GEN_AI_RESPONSE_ID,
    GEN_AI_RESPONSE_MODEL,
    GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
    GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
    GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
    GEN_AI_USAGE_INPUT_TOKENS,
    GEN_AI_USAGE_OUTPUT_TOKENS,
    GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
];

/// What a call's details event will carry, gathered while the call runs: kept only by
/// calls whose capture mode puts content on the event.
#[derive(Debug, Default)]
pub(crate) struct Details {
    attributes: Vec<KeyValue>,
    /// `gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.system_instructions`,
    /// already through the hook and the size limit. Never tool arguments or results:
    /// those are span attributes only.
    content: Vec<(&'static str, serde_json::Value)>,
}

impl Details {
    /// Copies those of `attributes` the event carries.
    pub(crate) fn keep(&mut self, attributes: &[KeyValue]) {
        self.attributes.extend(
            attributes
                .iter()
                .filter(|kv| ATTRIBUTES.contains(&kv.key.as_str()))
                .cloned(),
        );
    }

    /// Adds one piece of content.
    pub(crate) fn content(&mut self, key: &'static str, value: serde_json::Value) {
        self.content.push((key, value));
    }

    /// Emits the event in `cx`'s span context when there is content and a logger that
    /// keeps it; nothing otherwise (no logger provider given and none global).
    pub(crate) fn emit(self, logger: Option<&dyn EventLogger>, cx: &Context) {
        let Some(logger) = logger else {
            return;
        };
        if self.content.is_empty() || !logger.enabled(SEVERITY, GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS) {
            return;
        }
        let mut event = LogEvent::new(GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS, SEVERITY);
        for kv in self.attributes {
            event = event.attribute(kv.key, any_value(kv.value));
        }
        for (key, value) in self.content {
            event = event.attribute_opt(key, to_any_value(value));
        }
        event.emit(logger, cx);
    }
}

/// A span attribute's value as a log attribute's, arrays as lists.
fn any_value(value: Value) -> AnyValue {
    match value {
        Value::Bool(b) => AnyValue::Boolean(b),
        Value::I64(n) => AnyValue::Int(n),
        Value::F64(x) => AnyValue::Double(x),
        Value::String(s) => AnyValue::String(s),
        Value::Array(Array::Bool(items)) => items.into_iter().collect(),
        Value::Array(Array::I64(items)) => items.into_iter().collect(),
        Value::Array(Array::F64(items)) => items.into_iter().collect(),
        Value::Array(Array::String(items)) => items.into_iter().collect(),
        // Kinds added to the API later: their text, never nothing.
        other => AnyValue::String(other.as_str().into_owned().into()),
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::InstrumentationScope;
    use opentelemetry::logs::AnyValue;
    use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
    use otel_kit_core::log_events::ObjectSafeLoggerProvider as _;
    use serde_json::json;

    use super::*;

    fn logger() -> (InMemoryLogExporter, otel_kit_core::log_events::SharedLogger) {
        let exporter = InMemoryLogExporter::default();
        let provider = SdkLoggerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        (
            exporter,
            provider.event_logger(InstrumentationScope::builder("t").build()),
        )
    }

    #[test]
    fn only_the_listed_attributes_and_the_content_are_carried() {
        let (exporter, logger) = logger();
        let mut details = Details::default();
        details.keep(&[
            KeyValue::new(GEN_AI_OPERATION_NAME, "chat"),
            KeyValue::new(GEN_AI_REQUEST_TOP_K, 3.0),
            KeyValue::new(GEN_AI_TOOL_CALL_RESULT, "{}"),
            KeyValue::new(
                GEN_AI_REQUEST_STOP_SEQUENCES,
                Value::Array(Array::String(vec!["END".into()])),
            ),
        ]);
        details.content(GEN_AI_INPUT_MESSAGES, json!([{"role": "user"}]));
        details.emit(Some(&*logger), &Context::new());
        let logs = exporter.get_emitted_logs().expect("logs");
        let record = &logs[0].record;
        assert_eq!(record.severity_number(), Some(Severity::Info));
        let keys: Vec<&str> = record.attributes_iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                GEN_AI_OPERATION_NAME,
                GEN_AI_REQUEST_STOP_SEQUENCES,
                GEN_AI_INPUT_MESSAGES
            ]
        );
        let stop = record
            .attributes_iter()
            .find(|(k, _)| k.as_str() == GEN_AI_REQUEST_STOP_SEQUENCES);
        assert_eq!(
            stop.map(|(_, v)| v.clone()),
            Some(AnyValue::ListAny(Box::new(vec![AnyValue::from("END")])))
        );
    }

    #[test]
    fn nothing_without_content_or_without_a_logger() {
        let (exporter, logger) = logger();
        let mut details = Details::default();
        details.keep(&[KeyValue::new(GEN_AI_OPERATION_NAME, "chat")]);
        details.emit(Some(&*logger), &Context::new());
        assert!(exporter.get_emitted_logs().expect("logs").is_empty());
        let mut details = Details::default();
        details.content(GEN_AI_INPUT_MESSAGES, json!([]));
        details.emit(None, &Context::new());
    }
}
