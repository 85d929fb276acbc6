//! How a call ends: the response attributes, the content, the status, the metrics.

use opentelemetry::trace::{Status, TraceContextExt as _};
use opentelemetry::{Array, KeyValue, StringValue, Value};
use opentelemetry_semantic_conventions::attribute::ERROR_TYPE;

use crate::attributes::*;
use crate::content::{self, ContentKind, to_array};
use crate::{Call, Response};

/// What ended a call.
pub(crate) enum Outcome<'a> {
    Response(&'a Response),
    ToolResult(&'a serde_json::Value),
    Error {
        error_type: &'a str,
        description: &'a str,
    },
    Ended,
    /// Dropped before any of the others: its caller gave up on it, which is not an
    /// error of the call (see `Call`'s `Drop`).
    Cancelled,
}

/// A reported count as an attribute value (counts beyond `i64::MAX` saturate).
fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Call {
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
        let mut usage = None;

        match outcome {
            Outcome::Response(response) => {
                if let Some(id) = &response.id {
                    attributes.push(KeyValue::new(GEN_AI_RESPONSE_ID, id.clone()));
                }
                if let Some(model) = &response.model {
                    let model = KeyValue::new(GEN_AI_RESPONSE_MODEL, model.clone());
                    metric_attributes.push(model.clone());
                    attributes.push(model);
                }
                if !response.finish_reasons.is_empty() {
                    let reasons: Vec<StringValue> =
                        response.finish_reasons.iter().map(|r| r.clone().into()).collect();
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
                if let Some(dimensions) = response.embedding_dimensions {
                    attributes.push(KeyValue::new(
                        GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
                        count(dimensions),
                    ));
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
                if self.mode.captures() && !response.output_messages.is_empty() {
                    let messages = to_array(&response.output_messages);
                    self.content(
                        &mut attributes,
                        GEN_AI_OUTPUT_MESSAGES,
                        ContentKind::OutputMessages,
                        messages,
                    );
                }
                usage = Some(response.usage);
            }
            Outcome::ToolResult(result) => {
                let json = self
                    .mode
                    .captures()
                    .then(|| content::render(&self.settings, ContentKind::ToolResult, result.clone()));
                if let Some(Some(json)) = json {
                    attributes.push(KeyValue::new(GEN_AI_TOOL_CALL_RESULT, json));
                }
            }
            Outcome::Error {
                error_type,
                description,
            } => {
                let error_type = KeyValue::new(ERROR_TYPE, error_type.to_owned());
                metric_attributes.push(error_type.clone());
                attributes.push(error_type);
                span.set_status(Status::error(description.to_owned()));
            }
            Outcome::Ended | Outcome::Cancelled => {}
        }
        if let Some(first) = self.first_chunk {
            attributes.push(KeyValue::new(
                GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
                first.as_secs_f64(),
            ));
        }
        if !self.event_content.is_empty() {
            let content = std::mem::take(&mut self.event_content);
            crate::details_event::emit(&cx, &metric_attributes, &attributes, &content);
        }
        span.set_attributes(attributes);

        if self.records_metrics {
            let first_chunk = self.first_chunk;
            self.resolver.with(None, |resolved| {
                let instruments = resolved.instruments();
                instruments.duration.record(seconds, &metric_attributes);
                if let Some(first) = first_chunk {
                    instruments
                        .time_to_first_chunk
                        .record(first.as_secs_f64(), &metric_attributes);
                }
                if let Some(usage) = usage {
                    for (token_type, value) in
                        [("input", usage.input_tokens), ("output", usage.output_tokens)]
                    {
                        if let Some(n) = value {
                            metric_attributes.push(KeyValue::new(GEN_AI_TOKEN_TYPE, token_type));
                            instruments.tokens.record(n, &metric_attributes);
                            metric_attributes.pop();
                        }
                    }
                }
            });
        }
        span.end();
    }

    /// Output content, through the hook and the limit, onto the span and/or the event.
    fn content(
        &mut self,
        attributes: &mut Vec<KeyValue>,
        key: &'static str,
        kind: ContentKind,
        value: serde_json::Value,
    ) {
        let Some(json) = content::render(&self.settings, kind, value) else {
            return;
        };
        let json = StringValue::from(json);
        if self.mode.on_event() {
            self.event_content.push(KeyValue::new(key, json.clone()));
        }
        if self.mode.on_span() {
            attributes.push(KeyValue::new(key, json));
        }
    }
}
