//! The set-up both paths share: the resource, the instrumentation scope, the sampler,
//! the incoming context, and the queue's sizes (the kit's `OTEL_BSP_*` defaults).

use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use opentelemetry::{Context, InstrumentationScope, KeyValue};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{IdGenerator, RandomIdGenerator, Sampler, ShouldSample, SpanLimits};
use otel_kit_processors::batch::BatchSettings;

use crate::KitRules;
use crate::byte_queue::RequestSink;
use crate::direct_span::{DirectSettings, DirectTracer};
use crate::today::TodayPipeline;

/// The kit's default queue: 2,048 spans, batches of 512.
pub const QUEUE_CAPACITY: usize = 2048;

/// The service's resource.
pub fn resource() -> Resource {
    Resource::builder_empty()
        .with_service_name("users")
        .with_attributes([
            KeyValue::new("service.version", "1.4.2"),
            KeyValue::new("telemetry.sdk.language", "rust"),
            KeyValue::new("host.name", "users-7c9d"),
        ])
        .build()
}

/// otel-kit-http's instrumentation scope.
pub fn scope() -> InstrumentationScope {
    InstrumentationScope::builder("otel-kit-http")
        .with_version(env!("CARGO_PKG_VERSION"))
        .build()
}

/// The SDK's default sampler: parent-based, always on at the root.
pub fn sampler() -> Box<dyn ShouldSample> {
    Box::new(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)))
}

/// A request's incoming context: a sampled remote parent (a `traceparent` header).
pub fn incoming_context() -> Context {
    incoming_contexts(1).remove(0)
}

/// `n` requests' incoming contexts, each of its own trace: the kit's queue holds each
/// trace to a share of it, so spans of one trace only would be dropped once the worker
/// falls behind (as under callgrind).
pub fn incoming_contexts(n: usize) -> Vec<Context> {
    (0..n as u128)
        .map(|i| {
            Context::new().with_remote_span_context(SpanContext::new(
                TraceId::from(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736_u128 + (i << 64)),
                SpanId::from(0x00f0_67aa_0ba9_02b7_u64),
                TraceFlags::SAMPLED,
                true,
                TraceState::default(),
            ))
        })
        .collect()
}

/// The kit's batch settings with a queue of `capacity` spans.
pub fn batch_settings(capacity: usize) -> BatchSettings {
    BatchSettings {
        max_queue_size: capacity,
        ..BatchSettings::SPAN_DEFAULTS
    }
}

/// Today's pipeline with `rules`, a queue of `capacity` spans and random ids.
pub fn today_pipeline(rules: &KitRules, capacity: usize, sink: RequestSink) -> TodayPipeline {
    today_pipeline_with_ids(rules, capacity, RandomIdGenerator::default(), sink)
}

/// Today's pipeline with `rules`, a queue of `capacity` spans and `ids`.
pub fn today_pipeline_with_ids<I: IdGenerator + 'static>(
    rules: &KitRules,
    capacity: usize,
    ids: I,
    sink: RequestSink,
) -> TodayPipeline {
    TodayPipeline::new(
        rules,
        sampler(),
        ids,
        SpanLimits::default(),
        batch_settings(capacity),
        &resource(),
        scope(),
        sink,
    )
}

/// The prototype with `rules`, a queue of `capacity` spans and random ids.
pub fn direct_tracer(rules: KitRules, capacity: usize, sink: RequestSink) -> DirectTracer {
    direct_tracer_with_ids(rules, capacity, Box::new(RandomIdGenerator::default()), sink)
}

/// The prototype with `rules`, a queue of `capacity` spans and `ids`.
pub fn direct_tracer_with_ids(
    rules: KitRules,
    capacity: usize,
    ids: Box<dyn IdGenerator>,
    sink: RequestSink,
) -> DirectTracer {
    let batch = batch_settings(capacity);
    let settings = DirectSettings {
        sampler: sampler(),
        ids,
        limits: SpanLimits::default(),
        rules,
        capacity,
        max_batch: batch.max_export_batch_size,
        delay: batch.schedule_delay,
    };
    DirectTracer::new(settings, &resource(), &scope(), sink)
}
