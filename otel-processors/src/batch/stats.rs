//! Counters of one batch queue processor, and their export as SDK self-observability
//! metrics.

use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use opentelemetry::KeyValue;
use opentelemetry::metrics::MeterProvider;
use otel_kit_semconv::attribute::{ERROR_TYPE, OTEL_COMPONENT_NAME, OTEL_COMPONENT_TYPE};

use super::signal::BatchedSignal;

/// The counters of a `SpanQueueProcessor`.
pub type SpanQueueStats = QueueStats<super::signal::Spans>;

/// The counters of a `LogQueueProcessor`.
#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
pub type LogQueueStats = QueueStats<super::signal::Logs>;

/// What a batch queue processor has done so far with its signal's items (spans for
/// [`SpanQueueStats`], log records for `LogQueueStats`). Cheap to read at any time
/// from any thread.
///
/// ```
/// use opentelemetry_sdk::trace::InMemorySpanExporter;
/// use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};
///
/// let processor = SpanQueueProcessor::new(InMemorySpanExporter::default(), BatchSettings::SPAN_DEFAULTS);
/// let stats = processor.stats();
/// assert_eq!((stats.ended(), stats.dropped(), stats.queued()), (0, 0, 0));
/// ```
#[derive(Debug)]
pub struct QueueStats<S: BatchedSignal> {
    pub(super) ended: AtomicU64,
    /// Dropped because the queue was full (or the processor shut down).
    pub(super) dropped: AtomicU64,
    /// Dropped because their trace held its share of the queue.
    pub(super) over_trace_share: AtomicU64,
    /// Passed to the exporter (counted as the export is invoked).
    pub(super) submitted: AtomicU64,
    pub(super) exported: AtomicU64,
    pub(super) failed: AtomicU64,
    pub(super) queued: AtomicU64,
    pub(super) capacity: AtomicU64,
    signal: PhantomData<fn() -> S>,
}

impl<S: BatchedSignal> Default for QueueStats<S> {
    fn default() -> Self {
        QueueStats {
            ended: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            over_trace_share: AtomicU64::new(0),
            submitted: AtomicU64::new(0),
            exported: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            queued: AtomicU64::new(0),
            capacity: AtomicU64::new(0),
            signal: PhantomData,
        }
    }
}

impl<S: BatchedSignal> QueueStats<S> {
    /// Items handed to the processor (for spans, only the sampled ones).
    pub fn ended(&self) -> u64 {
        self.ended.load(Ordering::Relaxed)
    }

    /// Items dropped, for any reason: the queue was full (or the processor shut
    /// down), or their trace held its share of the queue
    /// ([`dropped_over_trace_share`](Self::dropped_over_trace_share)).
    pub fn dropped(&self) -> u64 {
        self.dropped_queue_full() + self.dropped_over_trace_share()
    }

    /// Items dropped because the queue was full (or the processor shut down).
    pub fn dropped_queue_full(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Items dropped because their trace already held its share of the queue
    /// ([`BatchSettings::max_trace_share`](super::settings::BatchSettings::max_trace_share)): the
    /// excess of a runaway trace.
    pub fn dropped_over_trace_share(&self) -> u64 {
        self.over_trace_share.load(Ordering::Relaxed)
    }

    /// Items passed to the exporter, counted as each export is invoked, whatever its
    /// outcome: [`exported`](Self::exported) + [`failed`](Self::failed), plus a batch the
    /// exporter works on now.
    pub fn submitted(&self) -> u64 {
        self.submitted.load(Ordering::Relaxed)
    }

    /// Items the exporter accepted.
    pub fn exported(&self) -> u64 {
        self.exported.load(Ordering::Relaxed)
    }

    /// Items in batches the exporter failed to deliver (after its own retries).
    pub fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }

    /// Items waiting in the queue now (with, for an instant, those being offered to it).
    pub fn queued(&self) -> u64 {
        self.queued.load(Ordering::Relaxed)
    }

    /// The queue's capacity in items.
    pub fn capacity(&self) -> u64 {
        self.capacity.load(Ordering::Relaxed)
    }
}

impl<S: BatchedSignal> QueueStats<S> {
    /// Reports these counters on `meter_provider` under the SDK metric names of semantic
    /// conventions 1.44, with `otel.component.type = batching_span_processor` (or
    /// `batching_log_processor`): `otel.sdk.processor.span.processed` (or `.log.`; the
    /// items passed to the exporter, and by `error.type` those dropped: `queue_full`,
    /// `trace_share_exceeded`), `otel.sdk.processor.span.queue.size` and
    /// `.queue.capacity`. What became of the
    /// exports is [`report_exports_to`](Self::report_exports_to)'s.
    /// (otel-kit-init's `init()` reports both, with its `metrics` cargo feature.)
    ///
    /// ```
    /// use opentelemetry_sdk::metrics::SdkMeterProvider;
    /// use opentelemetry_sdk::trace::InMemorySpanExporter;
    /// use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};
    ///
    /// let processor = SpanQueueProcessor::new(InMemorySpanExporter::default(), BatchSettings::SPAN_DEFAULTS);
    /// let meters = SdkMeterProvider::default();
    /// processor.stats().report_to(&meters);
    /// ```
    pub fn report_to(self: &Arc<Self>, meter_provider: &impl MeterProvider) {
        register_metrics(meter_provider, self);
    }

    /// Reports what became of the items passed to the exporter as
    /// `otel.sdk.exporter.span.exported` (or `.log.`; accepted, and with `error.type = export_failed`
    /// those in failed exports), for the exporter whose `otel.component.type` is
    /// `exporter_type` (`otlp_http_span_exporter`, say).
    ///
    /// ```
    /// use opentelemetry_sdk::metrics::SdkMeterProvider;
    /// use opentelemetry_sdk::trace::InMemorySpanExporter;
    /// use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};
    ///
    /// let processor = SpanQueueProcessor::new(InMemorySpanExporter::default(), BatchSettings::SPAN_DEFAULTS);
    /// let meters = SdkMeterProvider::default();
    /// processor.stats().report_exports_to(&meters, "otlp_http_span_exporter");
    /// ```
    pub fn report_exports_to(
        self: &Arc<Self>,
        meter_provider: &impl MeterProvider,
        exporter_type: &'static str,
    ) {
        let meter = meter_provider.meter("otel-kit-otlp");
        let component = component(exporter_type);
        let s = Arc::clone(self);
        let _ = meter
            .u64_observable_counter(S::EXPORTED)
            .with_unit(S::UNIT)
            .with_description("Items the exporter delivered, and by error.type those it failed to")
            .with_callback(move |o| {
                o.observe(s.exported(), &component);
                let mut failed = component.to_vec();
                failed.push(KeyValue::new(ERROR_TYPE, EXPORT_FAILED));
                o.observe(s.failed(), &failed);
            })
            .build();
    }
}

/// The attributes that name a component of type `component_type`: its type, and its
/// name (the first, and only, of its type).
fn component(component_type: &'static str) -> [KeyValue; 2] {
    [
        KeyValue::new(OTEL_COMPONENT_TYPE, component_type),
        KeyValue::new(OTEL_COMPONENT_NAME, format!("{component_type}/0")),
    ]
}

/// `error.type` of the items in a failed export.
const EXPORT_FAILED: &str = "export_failed";

/// The instruments of [`QueueStats::report_to`].
fn register_metrics<S: BatchedSignal>(meter_provider: &impl MeterProvider, stats: &Arc<QueueStats<S>>) {
    let meter = meter_provider.meter("otel-kit-otlp");
    let component = component(S::COMPONENT_TYPE);
    let (s, c) = (Arc::clone(stats), component.clone());
    let _ = meter
        .u64_observable_counter(S::PROCESSED)
        .with_unit(S::UNIT)
        .with_description("Items passed to the exporter, and by error.type those dropped")
        .with_callback(move |o| {
            o.observe(s.submitted(), &c);
            let mut dropped = c.to_vec();
            dropped.push(KeyValue::new(ERROR_TYPE, "queue_full"));
            o.observe(s.dropped_queue_full(), &dropped);
            let mut over_share = c.to_vec();
            over_share.push(KeyValue::new(ERROR_TYPE, "trace_share_exceeded"));
            o.observe(s.dropped_over_trace_share(), &over_share);
        })
        .build();
    let (s, c) = (Arc::clone(stats), component.clone());
    let _ = meter
        .i64_observable_up_down_counter(S::QUEUE_SIZE)
        .with_unit(S::UNIT)
        .with_description("Items waiting in the processor's queue")
        .with_callback(move |o| o.observe(i64::try_from(s.queued()).unwrap_or(i64::MAX), &c))
        .build();
    let (s, c) = (Arc::clone(stats), component);
    let _ = meter
        .i64_observable_up_down_counter(S::QUEUE_CAPACITY)
        .with_unit(S::UNIT)
        .with_description("The processor's queue capacity")
        .with_callback(move |o| o.observe(i64::try_from(s.capacity()).unwrap_or(i64::MAX), &c))
        .build();
}
