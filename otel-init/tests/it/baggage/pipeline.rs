//! The copy in `init()`'s pipelines: before redaction for spans and log records, code
//! over the environment, and the outgoing `baggage` header untouched.

use std::collections::HashMap;

use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::logs::{AnyValue, Logger as _, LoggerProvider as _};
use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::logs::{InMemoryLogExporter, SimpleLogProcessor};
use opentelemetry_sdk::propagation::BaggagePropagator;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SimpleSpanProcessor};
use otel_kit_init::Exporter;
use otel_kit_init::Telemetry;
use otel_kit_init::baggage::BaggageAllowList;
use otel_kit_init::redaction::Redaction;

use crate::support::env;

const SECRET: &str = "0123456789abcdef0123";

fn init(
    pairs: &'static [(&'static str, &'static str)],
    list: Option<BaggageAllowList>,
) -> (Telemetry, InMemorySpanExporter, InMemoryLogExporter) {
    let spans = InMemorySpanExporter::default();
    let logs = InMemoryLogExporter::default();
    let mut builder = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .exporter(Exporter::None)
        .environment(env(pairs))
        .with_span_processor(SimpleSpanProcessor::new(spans.clone()))
        .with_log_processor(SimpleLogProcessor::new(logs.clone()));
    if let Some(list) = list {
        builder = builder.baggage_attributes(list);
    }
    (builder.init().expect("init"), spans, logs)
}

const ENV: &[(&str, &str)] = &[
    ("OTEL_SERVICE_NAME", "checkout"),
    (
        "OTEL_KIT_BAGGAGE_ATTRIBUTES",
        "tenant.id,user.email,enduser.id,session.token",
    ),
    ("OTEL_KIT_REDACT_HASH_KEYS", "enduser.id"),
    ("OTEL_KIT_REDACT_HASH_SECRET", SECRET),
];

fn baggage() -> Context {
    Context::new().with_baggage([
        KeyValue::new("tenant.id", "acme"),
        KeyValue::new("user.email", "ada@example.com"),
        KeyValue::new("enduser.id", "ada"),
        KeyValue::new("session.token", "t-123"),
        KeyValue::new("cart.note", "not listed"),
    ])
}

fn sorted(pairs: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut out: Vec<_> = pairs.collect();
    out.sort();
    out
}

fn expected() -> Vec<(String, String)> {
    let hashed = Redaction::none()
        .hash_keys(["enduser.id"], SECRET)
        .build()
        .expect("rules")
        .hash("ada")
        .expect("hash");
    vec![
        ("enduser.id".to_owned(), hashed),
        ("tenant.id".to_owned(), "acme".to_owned()),
        ("user.email".to_owned(), "[REDACTED:email]".to_owned()),
    ]
}

#[test]
fn spans_and_log_records_get_the_listed_members_redacted() {
    let (telemetry, spans, logs) = init(ENV, None);
    {
        let _g = baggage().attach();
        telemetry.tracer_provider().tracer("t").in_span("pay", |_| {
            let logger = telemetry.logger_provider().logger("t");
            logger.emit(logger.create_log_record());
        });
    }
    telemetry.force_flush().expect("flush");
    let spans = spans.get_finished_spans().expect("spans");
    assert_eq!(
        sorted(
            spans[0]
                .attributes
                .iter()
                .map(|kv| (kv.key.to_string(), kv.value.to_string()))
        ),
        expected(),
        "session.token dropped by the default rules, enduser.id hashed, cart.note never copied"
    );
    let logs = logs.get_emitted_logs().expect("logs");
    assert_eq!(
        sorted(logs[0].record.attributes_iter().map(|(k, v)| match v {
            AnyValue::String(s) => (k.to_string(), s.to_string()),
            other => panic!("{other:?}"),
        })),
        expected()
    );
    telemetry.shutdown().expect("shutdown");
}

#[test]
fn the_builder_wins_over_the_environment() {
    let list = BaggageAllowList::new(["tenant.id"]).expect("names").keep_emails();
    let (telemetry, spans, _) = init(ENV, Some(list.clone()));
    assert_eq!(telemetry.effective_config().baggage_attributes, list);
    telemetry
        .tracer_provider()
        .tracer("t")
        .start_with_context("pay", &baggage());
    let spans = spans.get_finished_spans().expect("spans");
    assert_eq!(spans[0].attributes, [KeyValue::new("tenant.id", "acme")]);
    telemetry.shutdown().expect("shutdown");
}

#[test]
fn the_outgoing_baggage_header_keeps_the_emails_the_application_set() {
    let (telemetry, _, _) = init(ENV, None);
    let mut headers = HashMap::new();
    telemetry.propagators().inject_context(&baggage(), &mut headers);
    let extracted = BaggagePropagator::new().extract(&headers);
    let sent = extracted.baggage();
    assert_eq!(
        sent.get("user.email").map(|v| v.as_str()),
        Some("ada@example.com"),
        "{headers:?}"
    );
    assert_eq!(sent.get("tenant.id").map(|v| v.as_str()), Some("acme"));
    assert_eq!(sent.get("cart.note").map(|v| v.as_str()), Some("not listed"));
    // The header's redaction by key is as before: credentials dropped, hash keys hashed.
    assert_eq!(sent.get("session.token"), None, "{headers:?}");
    assert!(
        sent.get("enduser.id")
            .is_some_and(|v| v.as_str().starts_with("hmac-sha256:"))
    );
}
