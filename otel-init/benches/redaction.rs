//! What redaction adds to each span, measured in the same run as the baseline without it.
//!
//! Every case starts a span, sets ten attributes, adds one event with two attributes and
//! ends it, on a provider whose processor does nothing (`NoopSpanProcessor`), so the
//! difference between a pair is the redaction processor's `on_end` alone:
//!
//! - `typical/*`: ten ordinary attributes (HTTP, database, GenAI counters, one free-text
//!   note) of which none needs redaction: the common case.
//! - `worst/*`: every string value needs scrubbing (cards, bearer tokens, JWTs) and two
//!   keys are dropped: the most work the default rules can be made to do per span.
//!
//! `baseline_no_redaction` is the provider without the wrapper; `default_rules` wraps
//! the same processor with `Redaction::default()`. Run with
//! `cargo bench -p otel-kit-init --bench redaction`.
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use opentelemetry_sdk::trace::{SdkTracerProvider, Tracer};
use otel_kit_init::redaction::{RedactingSpanProcessor, Redaction};
use otel_kit_testing::NoopSpanProcessor;

fn typical() -> Vec<KeyValue> {
    vec![
        KeyValue::new("http.request.method", "POST"),
        KeyValue::new("http.route", "/orders/{id}"),
        KeyValue::new("url.path", "/orders/8812"),
        KeyValue::new("http.response.status_code", 201),
        KeyValue::new("server.address", "orders.internal"),
        KeyValue::new("db.system.name", "postgresql"),
        KeyValue::new("db.query.summary", "SELECT orders"),
        KeyValue::new("gen_ai.usage.input_tokens", 412),
        KeyValue::new(
            "user_agent.original",
            "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
        ),
        KeyValue::new(
            "app.note",
            "order 8812 paid by customer 1207, shipped by 2024-05-01",
        ),
    ]
}

fn worst() -> Vec<KeyValue> {
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    vec![
        KeyValue::new("payment.card", "4111 1111 1111 1111"),
        KeyValue::new(
            "payment.note",
            "paid with 5500-0000-0000-0004, refund to 4111111111111111",
        ),
        KeyValue::new("http.request.header.authorization", "Bearer abcdef0123456789"),
        KeyValue::new("upstream.auth", "Bearer abcdef0123456789abcdef"),
        KeyValue::new("session.jwt", jwt),
        KeyValue::new("log.line", format!("sent {jwt} as Bearer xyz0123456789")),
        KeyValue::new("user.password", "hunter2"),
        KeyValue::new("card.number", 4111111111111111_i64),
        KeyValue::new("retry.card", "retry 378282246310005 then 4222222222222"),
        KeyValue::new("debug", format!("headers: authorization=Bearer t0k3n-{jwt}")),
    ]
}

fn provider(redacted: bool) -> SdkTracerProvider {
    let builder = SdkTracerProvider::builder();
    if redacted {
        let rules = Redaction::default().build().expect("rules");
        builder.with_span_processor(RedactingSpanProcessor::new(NoopSpanProcessor, rules))
    } else {
        builder.with_span_processor(NoopSpanProcessor)
    }
    .build()
}

fn one_span(tracer: &Tracer, attributes: &[KeyValue]) {
    let mut span = tracer.start("POST /orders/{id}");
    span.set_attributes(attributes.iter().cloned());
    span.add_event(
        "retry",
        vec![
            KeyValue::new("attempt", 2),
            KeyValue::new("reason", "upstream 503"),
        ],
    );
    span.end();
}

fn bench(c: &mut Criterion) {
    for (case, attributes) in [("typical", typical()), ("worst", worst())] {
        let mut g = c.benchmark_group(format!("redaction_span_end/{case}"));
        g.sample_size(60).measurement_time(Duration::from_secs(4));
        for (name, redacted) in [("baseline_no_redaction", false), ("default_rules", true)] {
            let provider = provider(redacted);
            let tracer = provider.tracer("bench");
            g.bench_function(name, |b| b.iter(|| one_span(&tracer, &attributes)));
        }
        g.finish();
    }

    // The matcher alone on one clean and one dirty 60-byte value.
    let rules = Redaction::default().build().expect("rules");
    let mut g = c.benchmark_group("redaction_scrub_value");
    g.sample_size(60).measurement_time(Duration::from_secs(3));
    let clean = "order 8812 paid by customer 1207, shipped by 2024-05-01 ok";
    let dirty = "order 8812 paid with 4111 1111 1111 1111 by Bearer abc123";
    g.bench_function("clean_60_bytes", |b| {
        b.iter(|| rules.scrub(std::hint::black_box(clean)))
    });
    g.bench_function("dirty_60_bytes", |b| {
        b.iter(|| rules.scrub(std::hint::black_box(dirty)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
