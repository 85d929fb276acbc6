//! Batching for export: [`SpanQueueProcessor`] and [`LogQueueProcessor`], a span and a
//! log record processor whose queue is bounded and whose drops are counted, and
//! [`BatchSettings`], the queue and schedule they take (otel-kit-init reads them from
//! `OTEL_BSP_*` / `OTEL_BLRP_*`).
//!
//! They do what the SDK's `BatchSpanProcessor` and `BatchLogProcessor` do (a bounded
//! queue filled by `on_end` or `emit`, a worker thread exporting when a batch is full or
//! a schedule delay after its last export), and add what the SDK keeps private or does not do:
//!
//! - every drop (queue full) is counted, readable through [`QueueStats`]
//!   ([`SpanQueueStats`], `LogQueueStats`; and otel-kit-init's `Telemetry` guard), and
//!   reported, once [`QueueStats::report_to`] is given a meter provider, as
//!   `otel.sdk.processor.span.processed` (`.log.` for records) with
//!   `error.type = queue_full` (semconv 1.44 SDK self-observability: without
//!   `error.type`, the items passed to the exporter);
//! - export failures are counted (`otel.sdk.exporter.span.exported` with
//!   `error.type = export_failed`, [`QueueStats::report_exports_to`]) and logged at
//!   most once per 10 s, with the number of failures folded into the next line, so an
//!   outage cannot flood the logs;
//! - one trace may hold at most a share of the queue (for spans, half by default,
//!   [`BatchSettings::max_trace_share`]): a runaway request that makes thousands of
//!   spans cannot fill it and make every other request's spans drop. Its excess is
//!   dropped and counted apart (`error.type = trace_share_exceeded`);
//! - `on_end` and `emit` never block: a full queue drops, it never waits;
//! - the worker is woken once per full batch, not once per item;
//! - an item is moved once on its way, into the vector the exporter is handed: no
//!   channel, and for log records no box.
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
#[cfg(feature = "logs")]
mod log_queue_processor;
mod queue;
mod queue_processor;
mod settings;
mod signal;
mod span_queue_processor;
mod stats;
mod trace_counts;
mod worker;

#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
pub use log_queue_processor::LogQueueProcessor;
pub use settings::{BatchSettings, InvalidTraceShare};
#[cfg(feature = "logs")]
pub use signal::Logs;
pub use signal::{BatchedSignal, Spans};
pub use span_queue_processor::SpanQueueProcessor;
#[cfg(feature = "logs")]
pub use stats::LogQueueStats;
pub use stats::{QueueStats, SpanQueueStats};
