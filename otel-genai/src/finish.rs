//! How a call ends: the response attributes, the content, the status, the events, the
//! metrics.

use opentelemetry::trace::{Status, TraceContextExt as _};
use opentelemetry::{Array, KeyValue, StringValue, Value};
use otel_kit_semconv::attribute::ERROR_TYPE;

use otel_kit_core::request_value::RequestValueLimit;

use crate::attributes::*;
use crate::content::{self, ContentKind, to_array};
use crate::outcome::Outcome;
use crate::response::MAX_METRIC_VALUE_BYTES;
use crate::{GenAiCall, Response, Usage};

/// The longest response id, model, finish reason, service tier or fingerprint on a span:
/// the provider's answer (or a gateway's echo of the caller) decides their size.
const RESPONSE_VALUE: RequestValueLimit = RequestValueLimit::DEFAULT;
/// The same values as metric attributes: each distinct one makes a series (up to the
/// SDK's 2,000 per instrument), so they are cut shorter there.
const METRIC_VALUE: RequestValueLimit = RequestValueLimit::bytes(MAX_METRIC_VALUE_BYTES);
/// The most finish reasons recorded (one per choice; OpenAI's `n` allows 128).
const MAX_FINISH_REASONS: usize = 128;

/// A reported count as an attribute value (counts beyond `i64::MAX` saturate).
fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl GenAiCall {
    pub(crate) fn finish(&mut self, outcome: Outcome<'_>) {
        if self.ended {
            return;
        }
        self.ended = true;
        let seconds = self.start.elapsed().as_secs_f64();
        let cx = self.cx.clone();
        let span = cx.span();
        let mut attributes = Vec::with_capacity(12);
        let mut metric_attributes = std::mem::take(&mut self.metric_attributes);
        // On `gen_ai.client.operation.duration` and `gen_ai.client.token.usage` only.
        let mut outcome_metric_attributes = Vec::new();
        let mut usage = None;
        let mut exception = None;

        match outcome {
            Outcome::Response(response) => {
                if let Some(model) = &response.model {
                    metric_attributes.push(KeyValue::new(
                        GEN_AI_RESPONSE_MODEL,
                        METRIC_VALUE.cut(model).to_owned(),
                    ));
                }
                self.response_attributes(response, &mut attributes, &mut outcome_metric_attributes);
                if self.mode.captures() && !response.output_messages.is_empty() {
                    let messages = to_array(&response.output_messages);
                    self.output_content(&mut attributes, messages);
                }
                usage = Some(response.usage);
            }
            Outcome::ToolResult(result) => {
                // Never on the details event: a span attribute whenever content is captured.
                let rendered = self
                    .mode
                    .captures()
                    .then(|| content::render(&self.settings, ContentKind::ToolResult, result.clone()));
                if let Some(Some(rendered)) = rendered {
                    attributes.push(KeyValue::new(GEN_AI_TOOL_CALL_RESULT, rendered.json));
                }
            }
            Outcome::Error {
                error_type,
                exception_type,
                description,
            } => {
                let error_type = KeyValue::new(ERROR_TYPE, error_type.to_owned());
                outcome_metric_attributes.push(error_type.clone());
                attributes.push(error_type);
                let description = otel_kit_core::__private::exception::bounded(description);
                span.set_status(Status::error(description.to_owned()));
                exception = Some((exception_type, description));
            }
            Outcome::Ended | Outcome::Cancelled => {}
        }
        if let Some(first) = self.first_chunk {
            attributes.push(KeyValue::new(
                GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
                first.as_secs_f64(),
            ));
        }
        // The request's attributes were kept at the start.
        let details = self.details.take().map(|mut details| {
            details.keep(&attributes);
            details
        });

        let first_chunk = self.first_chunk;
        let records_metrics = self.records_metrics;
        let needs_logger = details.is_some() || exception.is_some();
        if records_metrics || needs_logger {
            self.resolver.with(None, |resolved| {
                // The events first, in the span's context while it is still open.
                if let Some(details) = details {
                    details.emit(resolved.logger(), &cx);
                }
                if let Some((exception_type, message)) = exception {
                    crate::exception_event::emit(resolved.logger(), &cx, exception_type, message);
                }
                if !records_metrics {
                    return;
                }
                // In the span's context: exemplars link the measurements to the call.
                let _attached = cx.clone().attach();
                let instruments = resolved.instruments();
                if let Some(first) = first_chunk {
                    instruments
                        .time_to_first_chunk
                        .record(first.as_secs_f64(), &metric_attributes);
                }
                metric_attributes.extend(outcome_metric_attributes);
                instruments.duration.record(seconds, &metric_attributes);
                record_tokens(instruments, usage, &mut metric_attributes);
            });
        }
        span.set_attributes(attributes);
        span.end();
    }

    /// The response's own attributes (and the OpenAI ones, for the OpenAI provider),
    /// and the cost estimate.
    fn response_attributes(
        &self,
        response: &Response,
        attributes: &mut Vec<KeyValue>,
        outcome_metric_attributes: &mut Vec<KeyValue>,
    ) {
        if let Some(id) = &response.id {
            attributes.push(KeyValue::new(
                GEN_AI_RESPONSE_ID,
                RESPONSE_VALUE.cut(id).to_owned(),
            ));
        }
        if let Some(model) = &response.model {
            attributes.push(KeyValue::new(
                GEN_AI_RESPONSE_MODEL,
                RESPONSE_VALUE.cut(model).to_owned(),
            ));
        }
        if !response.finish_reasons.is_empty() {
            let reasons: Vec<StringValue> = response
                .finish_reasons
                .iter()
                .take(MAX_FINISH_REASONS)
                .map(|r| RESPONSE_VALUE.cut(r).to_owned().into())
                .collect();
            attributes.push(KeyValue::new(
                GEN_AI_RESPONSE_FINISH_REASONS,
                Value::Array(Array::String(reasons)),
            ));
        }
        let u = &response.usage;
        for (key, value) in [
            (GEN_AI_USAGE_INPUT_TOKENS, u.input_tokens),
            (GEN_AI_USAGE_OUTPUT_TOKENS, u.output_tokens),
            (GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, u.cache_read_input_tokens),
            (
                GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
                u.cache_creation_input_tokens,
            ),
            (GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, u.reasoning_output_tokens),
        ] {
            if let Some(n) = value {
                attributes.push(KeyValue::new(key, count(n)));
            }
        }
        if self.openai {
            // On the span and, as the OpenAI conventions add them, on the duration and
            // token metrics.
            for (key, value) in [
                (OPENAI_RESPONSE_SERVICE_TIER, &response.service_tier),
                (OPENAI_RESPONSE_SYSTEM_FINGERPRINT, &response.system_fingerprint),
            ] {
                if let Some(value) = value {
                    outcome_metric_attributes.push(KeyValue::new(key, METRIC_VALUE.cut(value).to_owned()));
                    attributes.push(KeyValue::new(key, RESPONSE_VALUE.cut(value).to_owned()));
                }
            }
        }
        if let Some(prices) = self.settings.price_table() {
            let model = response
                .model
                .as_deref()
                .or(self.request_model.as_ref().map(StringValue::as_str));
            if let Some(cost) = model.and_then(|m| prices.estimate(m, u)) {
                attributes.push(KeyValue::new(OTEL_GENAI_COST_ESTIMATE, cost));
                attributes.push(KeyValue::new(
                    OTEL_GENAI_COST_CURRENCY,
                    prices.currency().to_owned(),
                ));
            }
        }
    }

    /// `gen_ai.output.messages`, through the hook and the limit: a JSON string on the
    /// span, structured on the details event.
    fn output_content(&mut self, attributes: &mut Vec<KeyValue>, messages: serde_json::Value) {
        let Some(rendered) = content::render(&self.settings, ContentKind::OutputMessages, messages) else {
            return;
        };
        if self.mode.on_span() {
            attributes.push(KeyValue::new(GEN_AI_OUTPUT_MESSAGES, rendered.json));
        }
        if let Some(details) = &mut self.details {
            details.content(GEN_AI_OUTPUT_MESSAGES, rendered.value);
        }
    }
}

/// One `gen_ai.client.token.usage` point per count the provider reported.
fn record_tokens(
    instruments: &crate::instruments::Instruments,
    usage: Option<Usage>,
    metric_attributes: &mut Vec<KeyValue>,
) {
    let Some(usage) = usage else {
        return;
    };
    for (token_type, value) in [("input", usage.input_tokens), ("output", usage.output_tokens)] {
        if let Some(n) = value {
            metric_attributes.push(KeyValue::new(GEN_AI_TOKEN_TYPE, token_type));
            instruments.tokens.record(n, metric_attributes);
            metric_attributes.pop();
        }
    }
}
