//! SDK tuning variables: metric export temporality, exemplars and the span and
//! log-record limits. (The batch processors' own are read by [`crate::batch`].)

pub use otel_kit_core::__private::exemplar::ExemplarFilter;

use crate::env::Env;

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

/// The name of the exemplar filter's variable.
pub(crate) const EXEMPLAR_FILTER_VARIABLE: &str = "OTEL_METRICS_EXEMPLAR_FILTER";

/// `OTEL_METRICS_EXEMPLAR_FILTER`: which measurements the kit keeps as
/// exemplars (`otel_kit_core::__private::exemplar`; the 0.33 SDK keeps none itself).
pub(crate) fn read_exemplar_filter(env: &mut Env<'_>) -> ExemplarFilter {
    env.choice(
        EXEMPLAR_FILTER_VARIABLE,
        &[
            ("trace_based", ExemplarFilter::TraceBased),
            ("always_on", ExemplarFilter::AlwaysOn),
            ("always_off", ExemplarFilter::AlwaysOff),
        ],
        ExemplarFilter::TraceBased,
    )
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
