//! What the baggage span processor adds to each span, measured in the same run as the
//! baseline without it.
//!
//! Every case starts a span in a context, sets the ten attributes of an HTTP server span
//! and ends it, on a provider whose processor does nothing (`NoopSpanProcessor`): the
//! difference between `noop` and `baggage` in one context is the processor's `on_start`
//! (the copy) and `on_end` (the one-value-per-key check) alone. The list names two
//! members, `tenant.id` and `user.tier`.
//!
//! - `no_baggage`: the context has no baggage (most spans of most services);
//! - `unlisted`: three members, none listed;
//! - `two_listed`: the two listed members and one other, as extracted (owned strings),
//!   the e-mail check run on both values.
//!
//! Run with `cargo bench -p otel-kit-processors --bench baggage`; the figures are in
//! `docs/performance.md`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{SdkTracerProvider, Tracer};
use otel_kit_processors::baggage::{BaggageAllowList, BaggageSpanProcessor};
use otel_kit_testing::NoopSpanProcessor;

mod fixtures;
use fixtures::http_server;

fn owned(pairs: &[(&str, &str)]) -> Context {
    Context::new().with_baggage(
        pairs
            .iter()
            .map(|(k, v)| KeyValue::new((*k).to_owned(), (*v).to_owned())),
    )
}

fn contexts() -> [(&'static str, Context); 3] {
    [
        ("no_baggage", Context::new()),
        (
            "unlisted",
            owned(&[
                ("session.id", "s-81237"),
                ("region", "eu-west-1"),
                ("canary", "false"),
            ]),
        ),
        (
            "two_listed",
            owned(&[
                ("tenant.id", "acme-corp"),
                ("user.tier", "gold"),
                ("region", "eu-west-1"),
            ]),
        ),
    ]
}

fn tracers() -> [(&'static str, SdkTracerProvider, Tracer); 2] {
    let list = BaggageAllowList::new(["tenant.id", "user.tier"]).expect("names");
    let noop = SdkTracerProvider::builder()
        .with_span_processor(NoopSpanProcessor)
        .build();
    let baggage = SdkTracerProvider::builder()
        .with_span_processor(BaggageSpanProcessor::new(NoopSpanProcessor, list))
        .build();
    let (a, b) = (noop.tracer("bench"), baggage.tracer("bench"));
    [("noop", noop, a), ("baggage", baggage, b)]
}

fn span(tracer: &Tracer, cx: &Context, attributes: &[KeyValue]) {
    let mut span = tracer.start_with_context("GET /api/v1/orders/{id}/items", cx);
    for kv in attributes {
        span.set_attribute(kv.clone());
    }
    span.end();
}

fn bench(c: &mut Criterion) {
    let attributes = http_server();
    let tracers = tracers();
    for (context, cx) in contexts() {
        let mut g = c.benchmark_group(format!("baggage_span/{context}"));
        g.sample_size(50)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        for (variant, _provider, tracer) in &tracers {
            g.bench_function(*variant, |b| {
                b.iter(|| span(tracer, black_box(&cx), black_box(&attributes)));
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
