//! Shared by the `sampling` tests: span starters and a pipeline for spans with parents.

use opentelemetry::trace::{
    Span as _, SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState, Tracer as _,
    TracerProvider as _,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracer, SdkTracerProvider, SpanData};
use otel_kit_sampling::Sampling;
use otel_kit_testing::TestTelemetry;

/// A harness whose sampler is exactly `sampling.into_sampler()`.
pub(crate) fn harness(sampling: Sampling) -> TestTelemetry {
    TestTelemetry::builder().sampler(sampling.into_sampler()).build()
}

/// A tracer provider whose sampler is exactly `sampling.into_sampler()`, exporting
/// sampled spans to memory as the SDK's `SpanData`, for tests that read SDK-level fields
/// (`parent_span_is_remote`) the OTLP model of otel-kit-testing does not carry as such.
pub(crate) struct Pipeline {
    provider: SdkTracerProvider,
    exporter: InMemorySpanExporter,
}

impl Pipeline {
    pub(crate) fn new(sampling: Sampling) -> Self {
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .with_sampler(sampling.into_sampler())
            .build();
        Self { provider, exporter }
    }

    pub(crate) fn tracer(&self) -> SdkTracer {
        self.provider.tracer("sampling-test")
    }

    /// The spans exported (that is, sampled) so far.
    pub(crate) fn exported(&self) -> Vec<SpanData> {
        self.exporter
            .get_finished_spans()
            .expect("the in-memory exporter is readable")
    }

    pub(crate) fn exported_names(&self) -> Vec<String> {
        self.exported().iter().map(|s| s.name.to_string()).collect()
    }
}

/// A context whose span is a remote parent, as a propagator extracts it.
pub(crate) fn remote_parent(trace_id: u128, sampled: bool) -> Context {
    let flags = if sampled {
        TraceFlags::SAMPLED
    } else {
        TraceFlags::default()
    };
    let parent = SpanContext::new(
        TraceId::from(trace_id),
        SpanId::from(0x00f0_67aa_0ba9_02b7),
        flags,
        true,
        TraceState::default(),
    );
    Context::new().with_remote_span_context(parent)
}

/// Starts and ends a span named `name` under `parent`, with `attributes` given at start.
/// Returns whether the span was sampled.
pub(crate) fn span(
    tracer: &SdkTracer,
    name: &str,
    parent: &Context,
    attributes: &[(&'static str, &str)],
) -> bool {
    let attributes: Vec<KeyValue> = attributes
        .iter()
        .map(|(k, v)| KeyValue::new(*k, v.to_string()))
        .collect();
    let mut span = tracer
        .span_builder(name.to_string())
        .with_attributes(attributes)
        .start_with_context(tracer, parent);
    let sampled = span.span_context().is_sampled();
    span.end();
    sampled
}

/// Starts and ends a root span; returns whether it was sampled.
pub(crate) fn root(tracer: &SdkTracer, name: &str, attributes: &[(&'static str, &str)]) -> bool {
    span(tracer, name, &Context::new(), attributes)
}
