//! Today's path: an `SdkTracerProvider` with the processors `init()` puts in front of its
//! OTLP exporter, in its order (baggage when some is listed, redaction, the value length
//! limit, then the kit's `SpanQueueProcessor`), over an exporter that encodes each batch
//! with the kit's `TraceEncoder` and drops it. Spans are started through the API's
//! `BoxedTracer`, as the kit's instrumentations hold it.

use std::sync::{Arc, Mutex, PoisonError};

use opentelemetry::InstrumentationScope;
use opentelemetry::global::{BoxedTracer, ObjectSafeTracerProvider as _};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{
    IdGenerator, SdkTracerProvider, ShouldSample, SpanData, SpanExporter, SpanLimits, SpanProcessor,
    TracerProviderBuilder,
};
use otel_kit_otlp::otlp_encoding::TraceEncoder;
use otel_kit_processors::baggage::BaggageSpanProcessor;
use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor, SpanQueueStats};
use otel_kit_processors::redaction::RedactingSpanProcessor;
use otel_kit_processors::value_length::TruncatingSpanProcessor;

use crate::KitRules;
use crate::byte_queue::RequestSink;

/// The exporter behind the queue: each batch encoded by the kit's encoder into a buffer
/// kept from one batch to the next, handed to the sink, then dropped.
pub struct EncodingExporter {
    encoder: Mutex<(TraceEncoder, Vec<u8>)>,
    sink: RequestSink,
}

impl std::fmt::Debug for EncodingExporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncodingExporter").finish_non_exhaustive()
    }
}

impl EncodingExporter {
    /// An exporter of spans of `resource`, handing each request to `sink`.
    pub fn new(resource: &Resource, sink: RequestSink) -> Self {
        EncodingExporter {
            encoder: Mutex::new((TraceEncoder::new(resource), Vec::new())),
            sink,
        }
    }
}

impl SpanExporter for EncodingExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let mut guard = self.encoder.lock().unwrap_or_else(PoisonError::into_inner);
        let (encoder, body) = &mut *guard;
        encoder.encode(&batch, body);
        (self.sink)(body);
        drop(batch);
        Ok(())
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.encoder
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            .set_resource(resource);
    }
}

/// Today's pipeline: the provider, the tracer the instrumentations hold, the queue's counts.
#[derive(Debug)]
pub struct TodayPipeline {
    /// The provider (shut down by [`shutdown`](Self::shutdown)).
    pub provider: SdkTracerProvider,
    /// The tracer of the instrumentation's scope, boxed as the API hands it out.
    pub tracer: BoxedTracer,
    /// The span queue's counts (drops must stay 0 for a measurement to count).
    pub stats: Arc<SpanQueueStats>,
}

impl TodayPipeline {
    /// The provider `init()` builds for one OTLP exporter, with `sampler`, `ids` and
    /// `limits`, its spans of `scope` sent with `resource` to `sink`.
    #[allow(clippy::too_many_arguments)]
    pub fn new<I: IdGenerator + 'static>(
        rules: &KitRules,
        sampler: Box<dyn ShouldSample>,
        ids: I,
        limits: SpanLimits,
        settings: BatchSettings,
        resource: &Resource,
        scope: InstrumentationScope,
        sink: RequestSink,
    ) -> Self {
        let processor = SpanQueueProcessor::new(EncodingExporter::new(resource, sink), settings);
        let stats = processor.stats();
        let builder = SdkTracerProvider::builder()
            .with_resource(resource.clone())
            .with_sampler(sampler)
            .with_id_generator(ids)
            .with_span_limits(limits);
        let provider = behind_rules(builder, rules, processor).build();
        let tracer = BoxedTracer::new(provider.boxed_tracer(scope));
        TodayPipeline {
            provider,
            tracer,
            stats,
        }
    }

    /// Exports what is queued and stops the export thread.
    pub fn shutdown(&self) -> OTelSdkResult {
        self.provider.shutdown()
    }
}

/// `processor` behind the rules, as otel-kit-init's `BeforeSpanProcessors::add` puts it:
/// baggage (when some is listed), redaction (when there is some), the value length limit.
fn behind_rules<P: SpanProcessor + 'static>(
    builder: TracerProviderBuilder,
    rules: &KitRules,
    processor: P,
) -> TracerProviderBuilder {
    let limited = TruncatingSpanProcessor::new(processor, rules.value_length.clone());
    match &rules.redactor {
        Some(r) => behind_baggage(builder, rules, RedactingSpanProcessor::new(limited, r.clone())),
        None => behind_baggage(builder, rules, limited),
    }
}

fn behind_baggage<P: SpanProcessor + 'static>(
    builder: TracerProviderBuilder,
    rules: &KitRules,
    processor: P,
) -> TracerProviderBuilder {
    if rules.baggage.is_empty() {
        builder.with_span_processor(processor)
    } else {
        builder.with_span_processor(BaggageSpanProcessor::new(processor, rules.baggage.clone()))
    }
}
