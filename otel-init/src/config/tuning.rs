//! SDK tuning variables: batch processors, metric export, temporality, exemplars and
//! the span and log-record limits.

use std::fmt;
use std::time::Duration;

use crate::env::Env;

/// `OTEL_BSP_*` or `OTEL_BLRP_*`: a batch processor's queue and schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchConfig {
    /// Delay between two exports.
    pub schedule_delay: Duration,
    /// Longest an export may take.
    pub export_timeout: Duration,
    /// Items queued before new ones are dropped (the memory bound).
    pub max_queue_size: usize,
    /// Items per export; never more than the queue size.
    pub max_export_batch_size: usize,
}

impl BatchConfig {
    /// The spec defaults of the span processor (`OTEL_BSP_*`).
    pub const SPAN_DEFAULTS: BatchConfig = BatchConfig {
        schedule_delay: Duration::from_millis(5000),
        export_timeout: Duration::from_millis(30000),
        max_queue_size: 2048,
        max_export_batch_size: 512,
    };

    /// The spec defaults of the log-record processor (`OTEL_BLRP_*`).
    pub const LOG_DEFAULTS: BatchConfig = BatchConfig {
        schedule_delay: Duration::from_millis(1000),
        export_timeout: Duration::from_millis(30000),
        max_queue_size: 2048,
        max_export_batch_size: 512,
    };

    pub(crate) fn read(env: &mut Env<'_>, prefix: &str, defaults: BatchConfig) -> Self {
        let mut c = BatchConfig {
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

impl fmt::Display for BatchConfig {
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

/// `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemporalityPreference {
    /// Every instrument cumulative (the default).
    Cumulative,
    /// Counters and histograms delta; up-down counters cumulative.
    Delta,
    /// Synchronous counters and histograms delta; the rest cumulative.
    LowMemory,
}

impl TemporalityPreference {
    pub(crate) fn read(env: &mut Env<'_>) -> Self {
        env.choice(
            "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
            &[
                ("cumulative", TemporalityPreference::Cumulative),
                ("delta", TemporalityPreference::Delta),
                ("lowmemory", TemporalityPreference::LowMemory),
            ],
            TemporalityPreference::Cumulative,
        )
    }
}

/// `OTEL_METRICS_EXEMPLAR_FILTER`. Note: the 0.33 Rust SDK records no exemplars at all,
/// so every value currently behaves like `always_off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExemplarFilter {
    /// Exemplars from sampled spans (the default).
    TraceBased,
    /// Every measurement may become an exemplar.
    AlwaysOn,
    /// No exemplars.
    AlwaysOff,
}

impl ExemplarFilter {
    pub(crate) fn read(env: &mut Env<'_>) -> Self {
        env.choice(
            "OTEL_METRICS_EXEMPLAR_FILTER",
            &[
                ("trace_based", ExemplarFilter::TraceBased),
                ("always_on", ExemplarFilter::AlwaysOn),
                ("always_off", ExemplarFilter::AlwaysOff),
            ],
            ExemplarFilter::TraceBased,
        )
    }
}

/// Span limits: the span-specific variables win over the general attribute ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanLimitsConfig {
    /// Attributes per span (default 128).
    pub attribute_count: usize,
    /// Longest string attribute value in characters; `None` is unlimited (the default).
    pub attribute_value_length: Option<usize>,
    /// Events per span (default 128).
    pub event_count: usize,
    /// Links per span (default 128).
    pub link_count: usize,
    /// Attributes per event (default 128).
    pub event_attribute_count: usize,
    /// Attributes per link (default 128).
    pub link_attribute_count: usize,
}

/// `OTEL_ATTRIBUTE_COUNT_LIMIT` and `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`, read once and
/// shared by the span and log-record limits (so a bad value warns once).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GeneralLimits {
    count: usize,
    length: Option<usize>,
}

impl GeneralLimits {
    pub(crate) fn read(env: &mut Env<'_>) -> Self {
        GeneralLimits {
            count: env.usize("OTEL_ATTRIBUTE_COUNT_LIMIT", 128),
            length: env.optional_usize("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "(no limit)"),
        }
    }
}

impl SpanLimitsConfig {
    pub(crate) fn read(env: &mut Env<'_>, general: GeneralLimits) -> Self {
        let (general_count, general_length) = (general.count, general.length);
        SpanLimitsConfig {
            attribute_count: env.usize("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", general_count),
            attribute_value_length: env
                .optional_usize(
                    "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
                    "(OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, else no limit)",
                )
                .or(general_length),
            event_count: env.usize("OTEL_SPAN_EVENT_COUNT_LIMIT", 128),
            link_count: env.usize("OTEL_SPAN_LINK_COUNT_LIMIT", 128),
            event_attribute_count: env.usize("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", 128),
            link_attribute_count: env.usize("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", 128),
        }
    }
}

/// Log-record limits: the log-specific variables win over the general attribute ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogRecordLimits {
    /// Attributes per log record (default 128).
    pub attribute_count: usize,
    /// Longest string attribute value; `None` is unlimited (the default).
    pub attribute_value_length: Option<usize>,
}

impl LogRecordLimits {
    pub(crate) fn read(env: &mut Env<'_>, general: GeneralLimits) -> Self {
        let (general_count, general_length) = (general.count, general.length);
        LogRecordLimits {
            attribute_count: env.usize("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", general_count),
            attribute_value_length: env
                .optional_usize(
                    "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT",
                    "(OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, else no limit)",
                )
                .or(general_length),
        }
    }
}
