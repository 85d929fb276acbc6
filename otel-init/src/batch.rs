//! Batching for export: otel-kit-processors' [`SpanQueueProcessor`] and
//! `LogQueueProcessor` (a span and a log record processor whose queue is bounded and
//! whose drops are counted) and [`BatchSettings`], re-exported,
//! and [`BatchSettingsFromEnv`], which reads those settings from `OTEL_BSP_*` /
//! `OTEL_BLRP_*` as the upstream SDK's `BatchConfigBuilder::default()` reads them, with
//! a warning for each value that is not used as written.
//!
//! Without `init()`, on a plain SDK provider, with the settings from `OTEL_BSP_*`:
//!
//! ```
//! use opentelemetry::trace::{Tracer as _, TracerProvider as _};
//! use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
//! use otel_kit_init::batch::{BatchSettings, BatchSettingsFromEnv as _, SpanQueueProcessor};
//!
//! let (settings, warnings) = BatchSettings::spans_from_env();
//! for warning in &warnings {
//!     eprintln!("{warning}");
//! }
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

#[doc(inline)]
pub use otel_kit_processors::batch::{BatchSettings, QueueStats, SpanQueueProcessor, SpanQueueStats, Spans};
#[cfg(feature = "logs")]
#[doc(inline)]
pub use otel_kit_processors::batch::{LogQueueProcessor, LogQueueStats, Logs};

use crate::env::{ConfigWarning, process_env};

/// Reads [`BatchSettings`] from the environment: `OTEL_BSP_*` for spans, `OTEL_BLRP_*`
/// for log records.
///
/// ```
/// use std::time::Duration;
///
/// use otel_kit_init::batch::{BatchSettings, BatchSettingsFromEnv as _};
///
/// let env = [("OTEL_BSP_SCHEDULE_DELAY", "200"), ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4096")];
/// let (spans, warnings) = BatchSettings::spans_from_lookup(|k| {
///     env.iter().find(|(name, _)| *name == k).map(|(_, v)| v.to_string())
/// });
/// assert_eq!(spans.schedule_delay, Duration::from_millis(200));
/// assert_eq!(spans.max_export_batch_size, 2048, "never more than the queue");
/// assert_eq!(
///     warnings[0].to_string(),
///     "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=\"4096\" must be between 1 and the queue size 2048; using 2048"
/// );
/// assert_eq!(BatchSettings::logs_from_lookup(|_| None).0, BatchSettings::LOG_DEFAULTS);
/// ```
pub trait BatchSettingsFromEnv: Sized {
    /// `OTEL_BSP_*` from the process environment.
    fn spans_from_env() -> (Self, Vec<ConfigWarning>) {
        Self::spans_from_lookup(process_env)
    }

    /// `OTEL_BSP_*` from `lookup` (a map in tests).
    fn spans_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<ConfigWarning>);

    /// `OTEL_BLRP_*` from the process environment.
    fn logs_from_env() -> (Self, Vec<ConfigWarning>) {
        Self::logs_from_lookup(process_env)
    }

    /// `OTEL_BLRP_*` from `lookup`.
    fn logs_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<ConfigWarning>);
}

/// The largest `OTEL_BSP_MAX_QUEUE_SIZE` / `OTEL_BLRP_MAX_QUEUE_SIZE` used: the queue is
/// the memory bound, and one near `u64::MAX` bounds nothing (the SDK's own log
/// processor, given such settings, allocates its whole queue at start-up and aborts).
pub const MAX_QUEUE_SIZE: usize = 1 << 20;
