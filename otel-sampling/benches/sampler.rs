//! One sampling decision, against the SDK's sampler in the same run. `sdk_*` is the
//! SDK's `parent_based` over `TraceIdRatioBased(0.5)`; `ours_*` is
//! `Sampling::ratio(0.5).into_sampler()`, which reads its ratio from an atomic (so that
//! `SamplerControl` can change it), decides by consistent probability and writes
//! `ot=th:8` into the trace state of the roots it samples; `ours_legacy_*` is the same
//! with `RatioArithmetic::Legacy` (the SDK's arithmetic, no trace state written). `root`
//! is a new trace, `child` a span whose remote parent was sampled, `root_span` a whole
//! root span started and ended with that sampler and no processor.
//!
//! Run with `cargo bench -p otel-kit-sampling --bench sampler`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use opentelemetry::Context;
use opentelemetry::trace::{
    Span as _, SpanContext, SpanId, SpanKind, TraceContextExt as _, TraceFlags, TraceId, TraceState,
    Tracer as _, TracerProvider as _,
};
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider, ShouldSample};
use otel_kit_sampling::{RatioArithmetic, Sampling};

fn decide(sampler: &dyn ShouldSample, parent: Option<&Context>, trace_id: TraceId) {
    black_box(sampler.should_sample(parent, trace_id, "GET /orders/{id}", &SpanKind::Server, &[], &[]));
}

fn sampler(c: &mut Criterion) {
    let sdk: Box<dyn ShouldSample> = Box::new(Sampler::parent_based(Sampler::TraceIdRatioBased(0.5)));
    let ours = Sampling::ratio(0.5).into_sampler();
    let ours_legacy = Sampling::ratio(0.5)
        .with_arithmetic(RatioArithmetic::Legacy)
        .into_sampler();
    let parent = Context::new().with_remote_span_context(SpanContext::new(
        TraceId::from(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736),
        SpanId::from(0x00f0_67aa_0ba9_02b7),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    ));
    let mut g = c.benchmark_group("sampler");
    g.measurement_time(Duration::from_secs(4));
    for (name, sampler) in [("sdk", &sdk), ("ours", &ours), ("ours_legacy", &ours_legacy)] {
        // Trace ids that change every call, so the ratio's branch is not always the same.
        let mut id = 0u128;
        g.bench_function(format!("{name}_root"), |b| {
            b.iter(|| {
                id = id.wrapping_add(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
                decide(sampler.as_ref(), None, TraceId::from(id));
            });
        });
        g.bench_function(format!("{name}_child"), |b| {
            b.iter(|| decide(sampler.as_ref(), Some(&parent), TraceId::from(1)));
        });
        // The whole root span (ids, sampler, span, end) with no processor: what the
        // sampler's share of a span is.
        let provider = SdkTracerProvider::builder().with_sampler(sampler.clone()).build();
        let tracer = provider.tracer("bench");
        g.bench_function(format!("{name}_root_span"), |b| {
            b.iter(|| tracer.start("GET /orders/{id}").end());
        });
    }
    g.finish();
}

criterion_group!(benches, sampler);
criterion_main!(benches);
