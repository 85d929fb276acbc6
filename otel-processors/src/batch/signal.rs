//! What the batch queue and its worker need to know of a signal: the item queued, how
//! a batch reaches the signal's exporter, and the names its metrics and warnings use.
//! [`Spans`] and [`Logs`] are the two; the trait is sealed.

use std::time::Duration;

use opentelemetry::trace::TraceId;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use otel_kit_semconv::metric::{
    OTEL_SDK_EXPORTER_SPAN_EXPORTED, OTEL_SDK_PROCESSOR_SPAN_PROCESSED,
    OTEL_SDK_PROCESSOR_SPAN_QUEUE_CAPACITY, OTEL_SDK_PROCESSOR_SPAN_QUEUE_SIZE,
};
use otel_kit_semconv::value::otel_component_type::BATCHING_SPAN_PROCESSOR;

use super::block_on::block_on;

/// What the batch queue, its worker and its metrics need of a signal.
mod sealed {
    use super::TraceId;

    /// Implemented by [`Spans`](super::Spans) and [`Logs`](super::Logs) only.
    pub trait Sealed: std::fmt::Debug + Send + Sync + 'static {
        /// What is queued.
        type Item: Send + 'static;
        /// One item, in messages: "span".
        const ITEM: &'static str;
        /// Its unit in metrics: `{span}`.
        const UNIT: &'static str;
        /// The worker thread's name.
        const THREAD: &'static str;
        /// The variable otel-kit-init reads the queue size from, for the drop warning.
        const QUEUE_SIZE_VARIABLE: &'static str;
        /// Where the per-trace share is set, for the over-share warning.
        const TRACE_SHARE_SETTING: &'static str;
        /// `otel.component.type` of the processor.
        const COMPONENT_TYPE: &'static str;
        /// `otel.sdk.processor.*.processed`.
        const PROCESSED: &'static str;
        /// `otel.sdk.processor.*.queue.size`.
        const QUEUE_SIZE: &'static str;
        /// `otel.sdk.processor.*.queue.capacity`.
        const QUEUE_CAPACITY: &'static str;
        /// `otel.sdk.exporter.*.exported`.
        const EXPORTED: &'static str;

        /// The trace an item belongs to, for the per-trace share; `None` for a log record
        /// outside any span.
        fn trace_id(item: &Self::Item) -> Option<TraceId>;
    }
}

/// A signal a batch queue carries: [`Spans`] or [`Logs`]. It names the queue's
/// counters ([`QueueStats`](super::QueueStats)) and their metrics.
pub trait BatchedSignal: sealed::Sealed {}

/// The spans of a [`SpanQueueProcessor`](super::SpanQueueProcessor).
#[derive(Debug, Clone, Copy)]
pub enum Spans {}

impl BatchedSignal for Spans {}

impl sealed::Sealed for Spans {
    type Item = SpanData;
    const ITEM: &'static str = "span";
    const UNIT: &'static str = "{span}";
    const THREAD: &'static str = "otel-span-batch";
    const QUEUE_SIZE_VARIABLE: &'static str = "OTEL_BSP_MAX_QUEUE_SIZE";
    const TRACE_SHARE_SETTING: &'static str = "OTEL_KIT_BSP_MAX_TRACE_SHARE with otel-kit-init";
    const COMPONENT_TYPE: &'static str = BATCHING_SPAN_PROCESSOR;
    const PROCESSED: &'static str = OTEL_SDK_PROCESSOR_SPAN_PROCESSED;
    const QUEUE_SIZE: &'static str = OTEL_SDK_PROCESSOR_SPAN_QUEUE_SIZE;
    const QUEUE_CAPACITY: &'static str = OTEL_SDK_PROCESSOR_SPAN_QUEUE_CAPACITY;
    const EXPORTED: &'static str = OTEL_SDK_EXPORTER_SPAN_EXPORTED;

    #[inline]
    fn trace_id(span: &SpanData) -> Option<TraceId> {
        Some(span.span_context.trace_id())
    }
}

/// The log records of a [`LogQueueProcessor`](super::LogQueueProcessor), each with
/// the scope of the logger that emitted it.
#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
#[derive(Debug, Clone, Copy)]
pub enum Logs {}

#[cfg(feature = "logs")]
impl BatchedSignal for Logs {}

#[cfg(feature = "logs")]
impl sealed::Sealed for Logs {
    type Item = (
        opentelemetry_sdk::logs::SdkLogRecord,
        opentelemetry::InstrumentationScope,
    );
    const ITEM: &'static str = "log record";
    const UNIT: &'static str = "{log_record}";
    const THREAD: &'static str = "otel-log-batch";
    const QUEUE_SIZE_VARIABLE: &'static str = "OTEL_BLRP_MAX_QUEUE_SIZE";
    const TRACE_SHARE_SETTING: &'static str = "the processor's BatchSettings::max_trace_share";
    const COMPONENT_TYPE: &'static str = otel_kit_semconv::value::otel_component_type::BATCHING_LOG_PROCESSOR;
    const PROCESSED: &'static str = otel_kit_semconv::metric::OTEL_SDK_PROCESSOR_LOG_PROCESSED;
    const QUEUE_SIZE: &'static str = otel_kit_semconv::metric::OTEL_SDK_PROCESSOR_LOG_QUEUE_SIZE;
    const QUEUE_CAPACITY: &'static str = otel_kit_semconv::metric::OTEL_SDK_PROCESSOR_LOG_QUEUE_CAPACITY;
    const EXPORTED: &'static str = otel_kit_semconv::metric::OTEL_SDK_EXPORTER_LOG_EXPORTED;

    #[inline]
    fn trace_id((record, _): &Self::Item) -> Option<TraceId> {
        record.trace_context().map(|context| context.trace_id)
    }
}

/// A signal's exporter as the worker drives it, on its own thread.
pub(super) trait BatchExporter<S: BatchedSignal>: Send + 'static {
    fn export(&mut self, batch: Vec<S::Item>) -> OTelSdkResult;
    fn shutdown(&mut self, timeout: Duration) -> OTelSdkResult;
    fn set_resource(&mut self, resource: &Resource);
}

impl<E: SpanExporter + 'static> BatchExporter<Spans> for E {
    fn export(&mut self, batch: Vec<SpanData>) -> OTelSdkResult {
        block_on(SpanExporter::export(self, batch))
    }

    fn shutdown(&mut self, timeout: Duration) -> OTelSdkResult {
        self.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        SpanExporter::set_resource(self, resource);
    }
}

#[cfg(feature = "logs")]
impl<E: opentelemetry_sdk::logs::LogExporter + 'static> BatchExporter<Logs> for E {
    fn export(&mut self, batch: Vec<<Logs as sealed::Sealed>::Item>) -> OTelSdkResult {
        // The SDK's batch borrows each record and its scope.
        let borrowed: Vec<_> = batch.iter().map(|(record, scope)| (record, scope)).collect();
        block_on(opentelemetry_sdk::logs::LogExporter::export(
            self,
            opentelemetry_sdk::logs::LogBatch::new(&borrowed),
        ))
    }

    fn shutdown(&mut self, timeout: Duration) -> OTelSdkResult {
        self.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        opentelemetry_sdk::logs::LogExporter::set_resource(self, resource);
    }
}
