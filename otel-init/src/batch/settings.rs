//! `OTEL_BSP_*` and `OTEL_BLRP_*`: a batch processor's queue and schedule, read as the
//! upstream SDK's `BatchConfigBuilder::default()` reads them, with a warning for each
//! value that is not used as written.

use std::fmt;
use std::time::Duration;

use crate::env::{ConfigWarning, Env, process_env, read_with};

/// A batch processor's queue and schedule: `OTEL_BSP_*` for spans (our
/// [`SpanQueueProcessor`](super::SpanQueueProcessor)), `OTEL_BLRP_*` for log records (the
/// SDK's `BatchLogProcessor`, through [`log_batch_config`](Self::log_batch_config)).
///
/// ```
/// use std::time::Duration;
///
/// use otel_kit_init::batch::BatchSettings;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchSettings {
    /// Delay between two exports.
    pub schedule_delay: Duration,
    /// Longest an export may take.
    pub export_timeout: Duration,
    /// Items queued before new ones are dropped (the memory bound).
    pub max_queue_size: usize,
    /// Items per export; never more than the queue size.
    pub max_export_batch_size: usize,
}

impl BatchSettings {
    /// The spec defaults of the span processor (`OTEL_BSP_*`).
    pub const SPAN_DEFAULTS: BatchSettings = BatchSettings {
        schedule_delay: Duration::from_millis(5000),
        export_timeout: Duration::from_millis(30000),
        max_queue_size: 2048,
        max_export_batch_size: 512,
    };

    /// The spec defaults of the log-record processor (`OTEL_BLRP_*`).
    pub const LOG_DEFAULTS: BatchSettings = BatchSettings {
        schedule_delay: Duration::from_millis(1000),
        export_timeout: Duration::from_millis(30000),
        max_queue_size: 2048,
        max_export_batch_size: 512,
    };

    /// `OTEL_BSP_*` from the process environment.
    pub fn spans_from_env() -> (Self, Vec<ConfigWarning>) {
        Self::spans_from_lookup(process_env)
    }

    /// `OTEL_BSP_*` from `lookup` (a map in tests).
    pub fn spans_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<ConfigWarning>) {
        read_with(lookup, Self::read_spans)
    }

    /// `OTEL_BLRP_*` from the process environment.
    pub fn logs_from_env() -> (Self, Vec<ConfigWarning>) {
        Self::logs_from_lookup(process_env)
    }

    /// `OTEL_BLRP_*` from `lookup`.
    pub fn logs_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<ConfigWarning>) {
        read_with(lookup, Self::read_logs)
    }

    pub(crate) fn read_spans(env: &mut Env<'_>) -> Self {
        Self::read(env, "OTEL_BSP", Self::SPAN_DEFAULTS)
    }

    pub(crate) fn read_logs(env: &mut Env<'_>) -> Self {
        Self::read(env, "OTEL_BLRP", Self::LOG_DEFAULTS)
    }

    /// These settings for the SDK's `BatchLogProcessor`, which has no export timeout of
    /// its own to set (the `logs` cargo feature).
    ///
    /// ```
    /// use opentelemetry_sdk::logs::{BatchLogProcessor, InMemoryLogExporter, SdkLoggerProvider};
    /// use otel_kit_init::batch::BatchSettings;
    ///
    /// let (settings, _warnings) = BatchSettings::logs_from_env();
    /// let processor = BatchLogProcessor::builder(InMemoryLogExporter::default())
    ///     .with_batch_config(settings.log_batch_config())
    ///     .build();
    /// let provider = SdkLoggerProvider::builder().with_log_processor(processor).build();
    /// # drop(provider);
    /// ```
    #[cfg(feature = "logs")]
    #[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
    pub fn log_batch_config(&self) -> opentelemetry_sdk::logs::BatchConfig {
        opentelemetry_sdk::logs::BatchConfigBuilder::default()
            .with_max_queue_size(self.max_queue_size)
            .with_max_export_batch_size(self.max_export_batch_size)
            .with_scheduled_delay(self.schedule_delay)
            .build()
    }

    fn read(env: &mut Env<'_>, prefix: &str, defaults: BatchSettings) -> Self {
        let mut c = BatchSettings {
            schedule_delay: env.millis(&format!("{prefix}_SCHEDULE_DELAY"), defaults.schedule_delay),
            export_timeout: env.millis(&format!("{prefix}_EXPORT_TIMEOUT"), defaults.export_timeout),
            max_queue_size: env.usize(&format!("{prefix}_MAX_QUEUE_SIZE"), defaults.max_queue_size),
            max_export_batch_size: env.usize(
                &format!("{prefix}_MAX_EXPORT_BATCH_SIZE"),
                defaults.max_export_batch_size,
            ),
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
}

impl fmt::Display for BatchSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[delay={}ms timeout={}ms queue={} batch={}]",
            self.schedule_delay.as_millis(),
            self.export_timeout.as_millis(),
            self.max_queue_size,
            self.max_export_batch_size
        )
    }
}
