//! A batch processor's queue and schedule, with the specification's defaults. (Reading
//! them from `OTEL_BSP_*` and `OTEL_BLRP_*` is otel-kit-init's `batch::BatchSettingsFromEnv`.)

use std::fmt;
use std::time::Duration;

/// A batch processor's queue and schedule: for spans (our
/// [`SpanQueueProcessor`](super::SpanQueueProcessor)), or for log records (our
/// `LogQueueProcessor`, or the SDK's `BatchLogProcessor` through
/// [`log_batch_config`](Self::log_batch_config)).
///
/// ```
/// use std::time::Duration;
///
/// use otel_kit_processors::batch::BatchSettings;
///
/// let settings = BatchSettings {
///     schedule_delay: Duration::from_millis(200),
///     ..BatchSettings::SPAN_DEFAULTS
/// };
/// assert_eq!(settings.to_string(), "[delay=200ms timeout=30000ms queue=2048 batch=512 trace-share=50%]");
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
    /// The most of the queue one trace may hold, in percent of `max_queue_size` (at
    /// least one item; a log record outside any span is never held to it): a runaway
    /// request cannot fill the queue and make every other request's spans drop. A span over its trace's share is dropped and
    /// counted apart ([`SpanQueueStats::dropped_over_trace_share`](super::SpanQueueStats::dropped_over_trace_share)).
    /// 100 turns the guard off. Default: [`DEFAULT_MAX_TRACE_SHARE`](Self::DEFAULT_MAX_TRACE_SHARE).
    pub max_trace_share: u8,
}

/// A [`BatchSettings::with_max_trace_share`] value out of `1..=100`.
///
/// ```
/// use otel_kit_processors::batch::BatchSettings;
///
/// let error = BatchSettings::SPAN_DEFAULTS.with_max_trace_share(0).unwrap_err();
/// assert_eq!(error.to_string(), "the share of the span queue one trace may hold must be 1 to 100 (percent), not 0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidTraceShare(pub u8);

impl fmt::Display for InvalidTraceShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the share of the span queue one trace may hold must be 1 to 100 (percent), not {}",
            self.0
        )
    }
}

impl std::error::Error for InvalidTraceShare {}

impl BatchSettings {
    /// One trace may hold half the span queue (1,024 of the default 2,048 spans): the
    /// other half always stays for the other traces, and a large legitimate trace still
    /// has two default export batches (one being filled while one waits for the
    /// exporter) before its spans are cut.
    pub const DEFAULT_MAX_TRACE_SHARE: u8 = 50;

    /// These settings with one trace allowed `percent` of the queue (`1..=100`; 100 is
    /// no guard).
    ///
    /// ```
    /// use otel_kit_processors::batch::BatchSettings;
    ///
    /// let settings = BatchSettings::SPAN_DEFAULTS.with_max_trace_share(25)?;
    /// assert_eq!(settings.max_spans_per_trace(), 512);
    /// assert_eq!(BatchSettings::SPAN_DEFAULTS.max_spans_per_trace(), 1024);
    /// # Ok::<(), otel_kit_processors::batch::InvalidTraceShare>(())
    /// ```
    pub fn with_max_trace_share(self, percent: u8) -> Result<Self, InvalidTraceShare> {
        if !(1..=100).contains(&percent) {
            return Err(InvalidTraceShare(percent));
        }
        Ok(BatchSettings {
            max_trace_share: percent,
            ..self
        })
    }

    /// The most spans one trace may hold in the queue: `max_trace_share` percent of
    /// the queue size, at least 1, at most the queue size.
    pub fn max_spans_per_trace(&self) -> usize {
        let queue = self.max_queue_size.max(1);
        (queue.saturating_mul(usize::from(self.max_trace_share.min(100))) / 100).clamp(1, queue)
    }

    /// The spec defaults of the span processor (`OTEL_BSP_*`).
    pub const SPAN_DEFAULTS: BatchSettings = BatchSettings {
        schedule_delay: Duration::from_millis(5000),
        export_timeout: Duration::from_millis(30000),
        max_queue_size: 2048,
        max_export_batch_size: 512,
        max_trace_share: Self::DEFAULT_MAX_TRACE_SHARE,
    };

    /// The spec defaults of the log-record processor (`OTEL_BLRP_*`).
    pub const LOG_DEFAULTS: BatchSettings = BatchSettings {
        schedule_delay: Duration::from_millis(1000),
        export_timeout: Duration::from_millis(30000),
        max_queue_size: 2048,
        max_export_batch_size: 512,
        // No guard: a request's log lines are few beside its spans.
        max_trace_share: 100,
    };

    /// These settings for the SDK's `BatchLogProcessor`, which has no export timeout of
    /// its own to set (the `logs` cargo feature).
    ///
    /// ```
    /// use opentelemetry_sdk::logs::{BatchLogProcessor, InMemoryLogExporter, SdkLoggerProvider};
    /// use otel_kit_processors::batch::BatchSettings;
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
            "[delay={}ms timeout={}ms queue={} batch={} trace-share={}%]",
            self.schedule_delay.as_millis(),
            self.export_timeout.as_millis(),
            self.max_queue_size,
            self.max_export_batch_size,
            self.max_trace_share
        )
    }
}
