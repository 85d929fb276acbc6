//! The cost of one typical unit test: build a harness, record 100 spans, assert them.
//!
//! Baseline, measured in the same run: the bare SDK (a tracer provider with a simple
//! processor over `InMemorySpanExporter`) recording the same 100 spans and reading them
//! back, with no harness and no assertions.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use otel_kit_testing::TestTelemetry;

const SPANS: usize = 100;

fn bare_sdk() -> usize {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let tracer = provider.tracer("bench");
    for i in 0..SPANS {
        let mut span = tracer.start("op");
        span.set_attribute(KeyValue::new("i", i as i64));
        span.end();
    }
    let n = exporter.get_finished_spans().map(|s| s.len()).unwrap_or_default();
    let _ = provider.shutdown();
    n
}

fn harness_otel_api() {
    let t = TestTelemetry::new();
    let tracer = t.tracer("bench");
    for i in 0..SPANS {
        let mut span = tracer.start("op");
        span.set_attribute(KeyValue::new("i", i as i64));
        span.end();
    }
    let spans = t.spans();
    spans.assert_count(SPANS);
    for s in spans.named("op") {
        s.has_attribute_key("i").is_root();
    }
}

fn harness_tracing() {
    let t = TestTelemetry::new();
    t.in_scope(|| {
        let root = tracing::info_span!("root");
        let _g = root.enter();
        for i in 0..SPANS - 1 {
            tracing::info_span!("op", i).in_scope(|| {});
        }
    });
    let spans = t.spans();
    spans.assert_count(SPANS);
    let root = spans.span("root");
    for s in spans.named("op") {
        s.has_parent(&root).has_attribute_key("i");
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("test_with_100_spans");
    g.bench_function("baseline_bare_sdk", |b| b.iter(|| black_box(bare_sdk())));
    g.bench_function("harness_otel_api", |b| b.iter(harness_otel_api));
    g.bench_function("harness_tracing", |b| b.iter(harness_tracing));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
