//! The `openai.*` attributes, for the provider `openai` only: `openai.api.type` and
//! `openai.request.service_tier` from the request, `openai.response.service_tier` and
//! `openai.response.system_fingerprint` from the body or the stream, on the span and on
//! the duration and token metrics. The recorded bodies of `mock` are read directly (no
//! HTTP), into a `GenAi` given the harness's providers, so these tests run in parallel.

use otel_kit_genai::GenAi;
use otel_kit_genai::attributes::*;
use otel_kit_genai::openai::{self, ChatStream};
use otel_kit_testing::{AttributeValue, TestTelemetry};
use serde_json::json;

use crate::mock;

/// The fingerprint in the recorded bodies.
const FINGERPRINT: &str = "fp_831e067d82";

fn attr(value: impl Into<AttributeValue>) -> AttributeValue {
    value.into()
}

#[test]
fn an_openai_chat_records_the_openai_attributes_on_its_span_and_metrics() {
    let t = TestTelemetry::new();
    let genai = GenAi::new().providers(t.providers());
    let request = json!({"model": "gpt-4o", "service_tier": "default", "messages": []});
    genai
        .start(openai::chat("openai", &request))
        .record_response(&openai::chat_response(mock::CHAT.as_bytes()).expect("body"));
    let tiered = br#"{"id":"c2","model":"gpt-4o-mini","service_tier":"default","choices":[]}"#;
    let auto = json!({"model": "gpt-4o-mini", "service_tier": "auto", "messages": []});
    genai
        .start(openai::chat("openai", &auto))
        .record_response(&openai::chat_response(tiered).expect("body"));

    let spans = t.spans();
    spans
        .span("chat gpt-4o")
        .has_attribute(OPENAI_API_TYPE, "chat_completions")
        .has_attribute(OPENAI_REQUEST_SERVICE_TIER, "default")
        .has_attribute(OPENAI_RESPONSE_SYSTEM_FINGERPRINT, FINGERPRINT)
        .lacks_attribute(OPENAI_RESPONSE_SERVICE_TIER);
    // `auto` is the default tier: not recorded, as the conventions ask.
    spans
        .span("chat gpt-4o-mini")
        .has_attribute(OPENAI_API_TYPE, "chat_completions")
        .lacks_attribute(OPENAI_REQUEST_SERVICE_TIER)
        .has_attribute(OPENAI_RESPONSE_SERVICE_TIER, "default")
        .lacks_attribute(OPENAI_RESPONSE_SYSTEM_FINGERPRINT);
    let metrics = t.metrics();
    let fingerprinted = [
        (GEN_AI_REQUEST_MODEL, attr("gpt-4o")),
        (OPENAI_RESPONSE_SYSTEM_FINGERPRINT, attr(FINGERPRINT)),
    ];
    metrics
        .metric(GEN_AI_CLIENT_OPERATION_DURATION)
        .histogram_point(&fingerprinted)
        .has_count(1);
    for token_type in ["input", "output"] {
        let mut attributes = fingerprinted.to_vec();
        attributes.push((GEN_AI_TOKEN_TYPE, attr(token_type)));
        metrics
            .metric(GEN_AI_CLIENT_TOKEN_USAGE)
            .histogram_point(&attributes)
            .has_count(1);
    }
    metrics
        .metric(GEN_AI_CLIENT_OPERATION_DURATION)
        .histogram_point(&[
            (GEN_AI_REQUEST_MODEL, attr("gpt-4o-mini")),
            (OPENAI_RESPONSE_SERVICE_TIER, attr("default")),
        ])
        .has_count(1);
}

#[test]
fn a_streamed_openai_chat_reads_the_fingerprint_from_its_chunks() {
    let t = TestTelemetry::new();
    let genai = GenAi::new().providers(t.providers());
    let request = json!({"model": "gpt-4o", "stream": true, "messages": []});
    let mut call = genai.start(openai::chat("openai", &request));
    let mut stream = ChatStream::new();
    call.record_chunk();
    stream.push(mock::STREAM_WITH_USAGE.as_bytes());
    call.record_response(&stream.finish());

    let spans = t.spans();
    spans
        .span("chat gpt-4o")
        .has_attribute(OPENAI_RESPONSE_SYSTEM_FINGERPRINT, FINGERPRINT);
    // The time to the first chunk is not among the metrics the OpenAI conventions extend.
    let metrics = t.metrics();
    metrics
        .metric(GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK)
        .histogram_point(&[])
        .lacks_attributes_under("openai.");
}

#[test]
fn other_providers_speaking_the_openai_api_get_no_openai_attributes() {
    let t = TestTelemetry::new();
    let genai = GenAi::new().providers(t.providers());
    let request = json!({"model": "llama-3", "service_tier": "default", "messages": []});
    genai
        .start(openai::chat("vllm", &request))
        .record_response(&openai::chat_response(mock::CHAT.as_bytes()).expect("body"));

    t.spans().span("chat llama-3").lacks_attributes_under("openai.");
    t.metrics()
        .metric(GEN_AI_CLIENT_OPERATION_DURATION)
        .histogram_point(&[(GEN_AI_PROVIDER_NAME, attr("vllm"))])
        .has_count(1)
        .lacks_attributes_under("openai.");
}
