//! Batching for export: otel-kit-processors' [`SpanQueueProcessor`] (a span processor whose
//! queue is bounded and whose drops are counted) and [`BatchSettings`], re-exported,
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
pub use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor, SpanQueueStats};

use crate::env::{ConfigWarning, Env, process_env, read_with};

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

impl BatchSettingsFromEnv for BatchSettings {
    fn spans_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<ConfigWarning>) {
        read_with(lookup, read_spans)
    }

    fn logs_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<ConfigWarning>) {
        read_with(lookup, read_logs)
    }
}

/// The shortest `OTEL_BLRP_SCHEDULE_DELAY` used: the 0.33 SDK's `BatchLogProcessor`
/// waits for the delay between two looks at its queue, so a zero delay spins a core
/// (the span worker, ours, exports each span as it ends instead).
pub const LOG_SCHEDULE_DELAY_FLOOR: std::time::Duration = std::time::Duration::from_millis(10);

/// The largest `OTEL_BSP_MAX_QUEUE_SIZE` / `OTEL_BLRP_MAX_QUEUE_SIZE` used: the SDK's log
/// processor allocates its whole queue at start-up (16 bytes a slot), so a value near
/// `u64::MAX` would abort the process.
pub const MAX_QUEUE_SIZE: usize = 1 << 20;

/// `OTEL_BSP_*`, and `OTEL_KIT_BSP_MAX_TRACE_SHARE` (the kit's: the percent of the
/// queue one trace may hold, `1..=100`).
pub(crate) fn read_spans(env: &mut Env<'_>) -> BatchSettings {
    let defaults = BatchSettings::SPAN_DEFAULTS;
    // Zero is meaningful here: the span worker exports each span as it ends.
    let schedule_delay = env.millis("OTEL_BSP_SCHEDULE_DELAY", defaults.schedule_delay);
    let mut settings = read(env, "OTEL_BSP", schedule_delay, defaults);
    let default = BatchSettings::DEFAULT_MAX_TRACE_SHARE;
    if let Some(share) = env.optional_usize(MAX_TRACE_SHARE, &format!("{default}%")) {
        match u8::try_from(share)
            .ok()
            .map(|percent| settings.with_max_trace_share(percent))
        {
            Some(Ok(guarded)) => settings = guarded,
            _ => env.warn(
                MAX_TRACE_SHARE,
                &share.to_string(),
                format!("must be a percent from 1 to 100; using {default}"),
            ),
        }
    }
    settings
}

const MAX_TRACE_SHARE: &str = "OTEL_KIT_BSP_MAX_TRACE_SHARE";

/// `OTEL_BLRP_*`.
pub(crate) fn read_logs(env: &mut Env<'_>) -> BatchSettings {
    let defaults = BatchSettings::LOG_DEFAULTS;
    let schedule_delay = env.millis_at_least(
        "OTEL_BLRP_SCHEDULE_DELAY",
        defaults.schedule_delay,
        LOG_SCHEDULE_DELAY_FLOOR,
        "is shorter than the log batch thread can wait without spinning a core",
    );
    read(env, "OTEL_BLRP", schedule_delay, defaults)
}

fn read(
    env: &mut Env<'_>,
    prefix: &str,
    schedule_delay: std::time::Duration,
    defaults: BatchSettings,
) -> BatchSettings {
    let mut c = BatchSettings {
        schedule_delay,
        export_timeout: env.timeout(&format!("{prefix}_EXPORT_TIMEOUT"), defaults.export_timeout),
        max_queue_size: env.usize(&format!("{prefix}_MAX_QUEUE_SIZE"), defaults.max_queue_size),
        max_export_batch_size: env.usize(
            &format!("{prefix}_MAX_EXPORT_BATCH_SIZE"),
            defaults.max_export_batch_size,
        ),
        max_trace_share: defaults.max_trace_share,
    };
    if c.max_queue_size == 0 {
        let var = format!("{prefix}_MAX_QUEUE_SIZE");
        env.warn(
            &var,
            "0",
            format!("would drop everything; using {}", defaults.max_queue_size),
        );
        c.max_queue_size = defaults.max_queue_size;
    }
    if c.max_queue_size > MAX_QUEUE_SIZE {
        let var = format!("{prefix}_MAX_QUEUE_SIZE");
        env.warn(
            &var,
            &c.max_queue_size.to_string(),
            format!("is more than the largest queue otel-kit allows; using {MAX_QUEUE_SIZE}"),
        );
        c.max_queue_size = MAX_QUEUE_SIZE;
    }
    if c.max_export_batch_size == 0 || c.max_export_batch_size > c.max_queue_size {
        let var = format!("{prefix}_MAX_EXPORT_BATCH_SIZE");
        let used = c.max_export_batch_size.clamp(1, c.max_queue_size);
        let shown = c.max_export_batch_size.to_string();
        env.warn(
            &var,
            &shown,
            format!(
                "must be between 1 and the queue size {}; using {used}",
                c.max_queue_size
            ),
        );
        c.max_export_batch_size = used;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::{BatchSettings, BatchSettingsFromEnv as _};

    fn spans(value: &str) -> (BatchSettings, Vec<String>) {
        let (settings, warnings) = BatchSettings::spans_from_lookup(|k| {
            (k == "OTEL_KIT_BSP_MAX_TRACE_SHARE").then(|| value.to_owned())
        });
        (settings, warnings.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn the_trace_share_is_read_and_bad_values_keep_the_default() {
        let (settings, warnings) = spans("25");
        assert_eq!(
            (settings.max_trace_share, settings.max_spans_per_trace()),
            (25, 512)
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(spans("100").0.max_trace_share, 100);
        for bad in ["0", "101", "300", "-5", "half"] {
            let (settings, warnings) = spans(bad);
            assert_eq!(
                settings.max_trace_share,
                BatchSettings::DEFAULT_MAX_TRACE_SHARE,
                "{bad}"
            );
            assert_eq!(warnings.len(), 1, "{bad}: {warnings:?}");
            assert!(
                warnings[0].contains("OTEL_KIT_BSP_MAX_TRACE_SHARE") && warnings[0].contains("50"),
                "{warnings:?}"
            );
        }
    }
}
