//! A batch processor's queue and schedule, with the specification's defaults. (Reading
//! them from `OTEL_BSP_*` and `OTEL_BLRP_*` is otel-kit-init's `batch::BatchSettingsFromEnv`.)

use std::fmt;
use std::time::Duration;

/// A batch processor's queue and schedule: for spans (our
/// [`SpanQueueProcessor`](super::SpanQueueProcessor)), or for log records (the SDK's
/// `BatchLogProcessor`, through [`log_batch_config`](Self::log_batch_config)).
///
/// ```
/// use std::time::Duration;
///
/// use otel_kit_otlp::batch::BatchSettings;
///
/// let settings = BatchSettings {
///     schedule_delay: Duration::from_millis(200),
///     ..BatchSettings::SPAN_DEFAULTS
/// };
/// assert_eq!(settings.to_string(), "[delay=200ms timeout=30000ms queue=2048 batch=512]");
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

    /// These settings for the SDK's `BatchLogProcessor`, which has no export timeout of
    /// its own to set (the `logs` cargo feature).
    ///
    /// ```
    /// use opentelemetry_sdk::logs::{BatchLogProcessor, InMemoryLogExporter, SdkLoggerProvider};
    /// use otel_kit_otlp::batch::BatchSettings;
    ///
    /// let processor = BatchLogProcessor::builder(InMemoryLogExporter::default())
    ///     .with_batch_config(BatchSettings::LOG_DEFAULTS.log_batch_config())
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
