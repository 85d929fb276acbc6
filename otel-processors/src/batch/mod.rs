//! Batching for export: [`SpanQueueProcessor`], a span processor whose queue is bounded
//! and whose drops are counted, and [`BatchSettings`], the queue and schedule it and the
//! SDK's batch log processor take (otel-kit-init reads them from `OTEL_BSP_*` /
//! `OTEL_BLRP_*`).
//!
//! [`SpanQueueProcessor`] does what the SDK's `BatchSpanProcessor` does (a bounded queue
//! filled by `on_end`, a worker thread exporting every schedule delay or when a batch is
//! full), and adds what the SDK keeps private or does not do:
//!
//! - every drop (queue full) is counted, readable through [`SpanQueueStats`] (and
//!   otel-kit-init's `Telemetry` guard), and reported, once
//!   [`SpanQueueStats::report_to`] is given a meter provider, as
//!   `otel.sdk.processor.span.processed` with `error.type = queue_full` (semconv 1.44
//!   SDK self-observability: without `error.type`, the spans passed to the exporter);
//! - export failures are counted (`otel.sdk.exporter.span.exported` with
//!   `error.type = export_failed`, [`SpanQueueStats::report_exports_to`]) and logged at most once per 10 s, with the number of
//!   failures folded into the next line, so an outage cannot flood the logs;
//! - one trace may hold at most a share of the queue (half by default,
//!   [`BatchSettings::max_trace_share`]): a runaway request that makes thousands of
//!   spans cannot fill it and make every other request's spans drop. Its excess is
//!   dropped and counted apart (`error.type = trace_share_exceeded`);
//! - `on_end` never blocks: a full queue drops, it never waits;
//! - the worker is woken once per full batch, not once per span.
//!
//! On a plain SDK provider:
//!
//! ```
//! use opentelemetry::trace::{Tracer as _, TracerProvider as _};
//! use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
//! use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};
//!
//! let settings = BatchSettings::SPAN_DEFAULTS;
//! let exporter = InMemorySpanExporter::default();
//! let processor = SpanQueueProcessor::new(exporter.clone(), settings);
//! let stats = processor.stats();
//! let provider = SdkTracerProvider::builder().with_span_processor(processor).build();
//! provider.tracer("demo").in_span("work", |_| {});
//! provider.force_flush()?;
//! assert_eq!(exporter.get_finished_spans()?.len(), 1);
//! assert_eq!(stats.exported(), 1);
//! assert_eq!(stats.dropped(), 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod block_on;
mod settings;
mod span_queue;
mod span_queue_processor;
mod stats;
mod trace_counts;

pub use settings::{BatchSettings, InvalidTraceShare};
pub use span_queue_processor::SpanQueueProcessor;
pub use stats::SpanQueueStats;
