//! What redaction adds to each span, measured in the same run as the baseline without it.
//!
//! Every case starts a span, sets its attributes and ends it, on a provider whose
//! processor does nothing (`NoopSpanProcessor`), so the difference between a pair is the
//! redaction processor's `on_end` alone:
//!
//! - `http_server/*`: the ten attributes of an HTTP server span (method, scheme, path,
//!   route, server address and port, protocol version, user agent, client address,
//!   status code), nothing to redact: the span most services end most often.
//! - `http_server_loopback/*`: the server span of `perf/http-peers`' profile (`GET
//!   /users/{id}` on loopback, no user agent): ten attributes, short values only.
//! - `typical/*`: ten ordinary attributes (HTTP, database, GenAI counters, one free-text
//!   note) of which none needs redaction, and one event with two attributes.
//! - `worst/*`: every string value needs scrubbing (cards, bearer tokens, JWTs) and two
//!   keys are dropped, and the event: the most work the default rules can be made to do
//!   per span.
//!
//! `baseline_no_redaction` is the provider without the wrapper; `default_rules` wraps
//! the same processor with `Redaction::default()`, `pii_rules` with the PII preset
//! (`Redaction::pii()`: every scrub kind, IP addresses cut). `redaction_scrub_value/*`
//! is the value matchers alone on one clean and one dirty 60-byte string, with the
//! default kinds and with `ssn` added. Run with
//! `cargo bench -p otel-kit-processors --bench redaction`; the figures are in
//! `docs/performance.md`.
//!
//! `REDACTION_BENCH_ONLY=<case>/<variant>:<spans>` (e.g. `http_server/default_rules:20000`)
//! ends that many spans of one case after a warm-up of 1,000, and exits: for instruction
//! counts under callgrind, where the difference between two span counts is the cost of
//! the spans alone.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use opentelemetry_sdk::trace::{SdkTracerProvider, Tracer};
use otel_kit_processors::redaction::{RedactingSpanProcessor, Redaction, Scrub};
use otel_kit_testing::NoopSpanProcessor;

mod fixtures;
use fixtures::{http_server, http_server_loopback};

/// A variant: its name and its rules (`None`: no redaction).
type Variant = (&'static str, Option<fn() -> Redaction>);

const VARIANTS: [Variant; 3] = [
    ("baseline_no_redaction", None),
    ("default_rules", Some(<Redaction as Default>::default)),
    ("pii_rules", Some(Redaction::pii)),
];

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

/// A case: its name, its attributes, and whether the span also gets an event.
fn cases() -> [(&'static str, Vec<KeyValue>, bool); 4] {
    [
        ("http_server", http_server(), false),
        ("http_server_loopback", http_server_loopback(), false),
        ("typical", typical(), true),
        ("worst", worst(), true),
    ]
}

fn provider(rules: Option<fn() -> Redaction>) -> SdkTracerProvider {
    let builder = SdkTracerProvider::builder();
    match rules {
        Some(rules) => {
            let rules = rules().build().expect("rules");
            builder.with_span_processor(RedactingSpanProcessor::new(NoopSpanProcessor, rules))
        }
        None => builder.with_span_processor(NoopSpanProcessor),
    }
    .build()
}

fn one_span(tracer: &Tracer, attributes: &[KeyValue], event: bool) {
    let mut span = tracer.start("GET /api/v1/orders/{id}/items");
    span.set_attributes(attributes.iter().cloned());
    if event {
        span.add_event(
            "retry",
            vec![
                KeyValue::new("attempt", 2),
                KeyValue::new("reason", "upstream 503"),
            ],
        );
    }
    span.end();
}

fn bench(c: &mut Criterion) {
    for (case, attributes, event) in cases() {
        let mut g = c.benchmark_group(format!("redaction_span_end/{case}"));
        g.sample_size(60).measurement_time(Duration::from_secs(4));
        for (name, rules) in VARIANTS {
            let provider = provider(rules);
            let tracer = provider.tracer("bench");
            g.bench_function(name, |b| b.iter(|| one_span(&tracer, &attributes, event)));
        }
        g.finish();
    }

    // The matcher alone on one clean and one dirty 60-byte value, with the default kinds
    // and with SSNs too (the clean value's date between spaces is an SSN candidate).
    let rules = Redaction::default().build().expect("rules");
    let with_ssn = Redaction::default().scrub([Scrub::Ssn]).build().expect("rules");
    let mut g = c.benchmark_group("redaction_scrub_value");
    g.sample_size(60).measurement_time(Duration::from_secs(3));
    let clean = "order 8812 paid by customer 1207, shipped by 2024-05-01 ok";
    let dirty = "order 8812 paid with 4111 1111 1111 1111 by Bearer abc123";
    let dirty_ssn = "order 8812 paid by customer 123-45-6789 on 2024-05-01 ok";
    g.bench_function("clean_60_bytes", |b| b.iter(|| rules.scrub(black_box(clean))));
    g.bench_function("dirty_60_bytes", |b| b.iter(|| rules.scrub(black_box(dirty))));
    g.bench_function("clean_60_bytes_ssn", |b| {
        b.iter(|| with_ssn.scrub(black_box(clean)))
    });
    g.bench_function("dirty_60_bytes_ssn", |b| {
        b.iter(|| with_ssn.scrub(black_box(dirty_ssn)))
    });
    g.finish();
}

/// `REDACTION_BENCH_ONLY=<case>/<variant>:<spans>`: one case, for callgrind.
fn only(spec: &str) {
    let (name, spans) = spec.rsplit_once(':').expect("<case>/<variant>:<spans>");
    let spans: usize = spans.parse().expect("a span count");
    let (case, variant) = name.split_once('/').expect("<case>/<variant>");
    let (_, attributes, event) = cases()
        .into_iter()
        .find(|(c, _, _)| *c == case)
        .expect("a case: http_server, http_server_loopback, typical or worst");
    let (_, rules) = VARIANTS
        .into_iter()
        .find(|(v, _)| *v == variant)
        .expect("a variant: baseline_no_redaction, default_rules or pii_rules");
    let provider = provider(rules);
    let tracer = provider.tracer("bench");
    for _ in 0..1_000 + spans {
        one_span(&tracer, black_box(&attributes), event);
    }
    println!("ended {spans} {name} spans");
}

criterion_group!(benches, bench);

fn main() {
    if let Ok(spec) = std::env::var("REDACTION_BENCH_ONLY") {
        only(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
