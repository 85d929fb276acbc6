//! `meter_provider`: periodic and pull readers, their exporters and preferences,
//! cardinality limits and the exemplar filter (views are in `view`).

use std::time::Duration;

use super::common::IncludeExclude;
use super::exporter::{OtlpGrpcExporter, OtlpHttpExporter, Signal};
use super::view::View;
use crate::reader::{At, Ctx, Fields, Result, join};

/// The schema's `MeterProvider`, defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct MeterProvider {
    /// `readers`, in file order.
    pub readers: Vec<MetricReader>,
    /// `views`, in file order.
    pub views: Vec<View>,
    /// `exemplar_filter` (default trace_based).
    pub exemplar_filter: ExemplarFilter,
}

/// `exemplar_filter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExemplarFilter {
    /// `always_on`
    AlwaysOn,
    /// `always_off`
    AlwaysOff,
    /// `trace_based` (the default).
    #[default]
    TraceBased,
}

/// One of `readers`.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricReader {
    /// `periodic`
    Periodic(PeriodicMetricReader),
    /// `pull`
    Pull(PullMetricReader),
}

/// `periodic`: interval 60 s and timeout 30 s by default.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodicMetricReader {
    /// `interval`
    pub interval: Duration,
    /// `timeout` (0 is no limit).
    pub timeout: Duration,
    /// `exporter`
    pub exporter: PushMetricExporter,
    /// `cardinality_limits`
    pub cardinality_limits: CardinalityLimits,
}

/// `pull`.
#[derive(Debug, Clone, PartialEq)]
pub struct PullMetricReader {
    /// `exporter`
    pub exporter: PullMetricExporter,
    /// `cardinality_limits`
    pub cardinality_limits: CardinalityLimits,
}

/// A periodic reader's exporter (`PushMetricExporter`).
#[derive(Debug, Clone, PartialEq)]
pub enum PushMetricExporter {
    /// `otlp_http`
    OtlpHttp {
        /// The OTLP HTTP settings (default endpoint `http://localhost:4318/v1/metrics`).
        exporter: OtlpHttpExporter,
        /// `temporality_preference`, `default_histogram_aggregation`.
        preferences: MetricExporterPreferences,
    },
    /// `otlp_grpc`
    OtlpGrpc {
        /// The OTLP gRPC settings.
        exporter: OtlpGrpcExporter,
        /// `temporality_preference`, `default_histogram_aggregation`.
        preferences: MetricExporterPreferences,
    },
    /// `console`
    Console {
        /// `temporality_preference`, `default_histogram_aggregation`.
        preferences: MetricExporterPreferences,
    },
    /// An exporter the kit does not implement (one warning names it).
    Unsupported {
        /// Its key.
        name: String,
    },
}

/// A pull reader's exporter (`PullMetricExporter`).
#[derive(Debug, Clone, PartialEq)]
pub enum PullMetricExporter {
    /// `prometheus/development`
    Prometheus(PrometheusMetricExporter),
    /// An exporter the kit does not implement (one warning names it).
    Unsupported {
        /// Its key.
        name: String,
    },
}

/// `prometheus/development`, defaults filled in (file_format 1.0's `without_*` and
/// `with_resource_constant_labels` keys are read too).
#[derive(Debug, Clone, PartialEq)]
pub struct PrometheusMetricExporter {
    /// `host` (default `localhost`).
    pub host: String,
    /// `port` (default 9464).
    pub port: u16,
    /// `scope_info_enabled` (default true).
    pub scope_info_enabled: bool,
    /// `target_info_enabled/development` (default true).
    pub target_info_enabled: bool,
    /// `resource_constant_labels`: resource attributes added to every metric; `None` adds none.
    pub resource_constant_labels: Option<IncludeExclude>,
    /// `translation_strategy` (default `underscore_escaping_with_suffixes`).
    pub translation_strategy: String,
}

/// `temporality_preference` and `default_histogram_aggregation` of a metric exporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MetricExporterPreferences {
    /// `temporality_preference` (default cumulative).
    pub temporality_preference: TemporalityPreference,
    /// `default_histogram_aggregation` (default explicit_bucket_histogram).
    pub default_histogram_aggregation: HistogramAggregation,
}

/// `temporality_preference`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TemporalityPreference {
    /// `cumulative` (the default).
    #[default]
    Cumulative,
    /// `delta`
    Delta,
    /// `low_memory`
    LowMemory,
}

/// `default_histogram_aggregation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HistogramAggregation {
    /// `explicit_bucket_histogram` (the default).
    #[default]
    ExplicitBucketHistogram,
    /// `base2_exponential_bucket_histogram`
    Base2ExponentialBucketHistogram,
}

/// `cardinality_limits`: `default` 2000, each instrument kind `default` unless given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardinalityLimits {
    /// `default`
    pub default: u64,
    /// `counter`
    pub counter: u64,
    /// `gauge`
    pub gauge: u64,
    /// `histogram`
    pub histogram: u64,
    /// `observable_counter`
    pub observable_counter: u64,
    /// `observable_gauge`
    pub observable_gauge: u64,
    /// `observable_up_down_counter`
    pub observable_up_down_counter: u64,
    /// `up_down_counter`
    pub up_down_counter: u64,
}

impl Default for CardinalityLimits {
    fn default() -> Self {
        let all = 2000;
        Self {
            default: all,
            counter: all,
            gauge: all,
            histogram: all,
            observable_counter: all,
            observable_gauge: all,
            observable_up_down_counter: all,
            up_down_counter: all,
        }
    }
}

impl MeterProvider {
    pub(crate) fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let fields = at.fields(
            &[
                "readers",
                "views",
                "exemplar_filter",
                "meter_configurator/development",
            ],
            ctx,
        )?;
        let mut readers = Vec::new();
        for (path, node) in fields.required("readers")?.at().items()? {
            readers.push(MetricReader::read(At { node, path: &path }, ctx)?);
        }
        let mut views = Vec::new();
        if let Some(list) = fields.get("views") {
            for (path, node) in list.at().items()? {
                views.push(View::read(At { node, path: &path }, ctx)?);
            }
        }
        let exemplar_filter =
            match fields.choice("exemplar_filter", &["always_on", "always_off", "trace_based"])? {
                Some(0) => ExemplarFilter::AlwaysOn,
                Some(1) => ExemplarFilter::AlwaysOff,
                _ => ExemplarFilter::TraceBased,
            };
        if let Some(field) = fields.get_even_null("meter_configurator/development") {
            ctx.unsupported("meter_configurator/development", &field.path, field.node.line);
        }
        Ok(Self {
            readers,
            views,
            exemplar_filter,
        })
    }
}

impl MetricReader {
    fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let (key, node) = at.component()?;
        let path = join(at.path, &key.name);
        let inner = At { node, path: &path };
        match key.name.as_str() {
            "periodic" => {
                let known = [
                    "interval",
                    "timeout",
                    "exporter",
                    "producers",
                    "cardinality_limits",
                    "max_export_batch_size/development",
                ];
                let fields = inner.fields(&known, ctx)?;
                unsupported_extras(&fields, ctx)?;
                Ok(MetricReader::Periodic(PeriodicMetricReader {
                    interval: fields.millis("interval", 60_000, false, ctx)?,
                    timeout: fields.millis("timeout", 30_000, true, ctx)?,
                    exporter: PushMetricExporter::read(fields.required("exporter")?.at(), ctx)?,
                    cardinality_limits: CardinalityLimits::read(&fields, ctx)?,
                }))
            }
            "pull" => {
                let fields = inner.fields(&["exporter", "producers", "cardinality_limits"], ctx)?;
                unsupported_extras(&fields, ctx)?;
                Ok(MetricReader::Pull(PullMetricReader {
                    exporter: PullMetricExporter::read(fields.required("exporter")?.at(), ctx)?,
                    cardinality_limits: CardinalityLimits::read(&fields, ctx)?,
                }))
            }
            _ => Err(at.error(crate::error::ConfigFileErrorKind::Value, "`periodic` or `pull`")),
        }
    }
}

/// `producers` and `max_export_batch_size/development`: the kit builds neither.
fn unsupported_extras(fields: &Fields<'_>, ctx: &mut Ctx) -> Result<()> {
    if let Some(list) = fields.get("producers") {
        for (path, node) in list.at().items()? {
            let (key, _) = At { node, path: &path }.component()?;
            ctx.unsupported(&key.name, &join(&path, &key.name), key.line);
        }
    }
    if let Some(field) = fields.get("max_export_batch_size/development") {
        ctx.unsupported("max_export_batch_size/development", &field.path, field.node.line);
    }
    Ok(())
}

impl MetricExporterPreferences {
    /// Reads the two keys of the exporter's mapping (its other keys, and unknown keys,
    /// are the exporter's to read and warn about).
    fn read(at: At<'_>) -> Result<Self> {
        let fields = at.fields(&[], &mut Ctx::default())?;
        let temporality_preference =
            match fields.choice("temporality_preference", &["cumulative", "delta", "low_memory"])? {
                Some(1) => TemporalityPreference::Delta,
                Some(2) => TemporalityPreference::LowMemory,
                _ => TemporalityPreference::Cumulative,
            };
        let names = ["explicit_bucket_histogram", "base2_exponential_bucket_histogram"];
        let default_histogram_aggregation = match fields.choice("default_histogram_aggregation", &names)? {
            Some(1) => HistogramAggregation::Base2ExponentialBucketHistogram,
            _ => HistogramAggregation::ExplicitBucketHistogram,
        };
        Ok(Self {
            temporality_preference,
            default_histogram_aggregation,
        })
    }
}

impl PushMetricExporter {
    fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let (key, node) = at.component()?;
        let path = join(at.path, &key.name);
        let inner = At { node, path: &path };
        Ok(match key.name.as_str() {
            "otlp_http" => PushMetricExporter::OtlpHttp {
                exporter: OtlpHttpExporter::read(inner, Signal::Metrics, ctx)?,
                preferences: MetricExporterPreferences::read(inner)?,
            },
            "otlp_grpc" => PushMetricExporter::OtlpGrpc {
                exporter: OtlpGrpcExporter::read(inner, Signal::Metrics, ctx)?,
                preferences: MetricExporterPreferences::read(inner)?,
            },
            "console" => {
                inner.fields(super::exporter::METRIC_KEYS, ctx)?;
                PushMetricExporter::Console {
                    preferences: MetricExporterPreferences::read(inner)?,
                }
            }
            other => {
                ctx.unsupported(other, &path, key.line);
                PushMetricExporter::Unsupported {
                    name: other.to_owned(),
                }
            }
        })
    }
}

impl PullMetricExporter {
    fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let (key, node) = at.component()?;
        let path = join(at.path, &key.name);
        if key.name != "prometheus/development" {
            ctx.unsupported(&key.name, &path, key.line);
            return Ok(PullMetricExporter::Unsupported {
                name: key.name.clone(),
            });
        }
        let known = [
            "host",
            "port",
            "scope_info_enabled",
            "target_info_enabled/development",
            "resource_constant_labels",
            "translation_strategy",
            "without_scope_info",
            "without_target_info/development",
            "with_resource_constant_labels",
        ];
        let fields = At { node, path: &path }.fields(&known, ctx)?;
        let port = match fields.get("port") {
            Some(field) => u16::try_from(field.at().u64()?).map_err(|_| {
                field
                    .at()
                    .error(crate::error::ConfigFileErrorKind::Value, "a port from 0 to 65535")
            })?,
            None => 9464,
        };
        let labels = fields
            .get("resource_constant_labels")
            .or_else(|| fields.get("with_resource_constant_labels"));
        let strategies = [
            "underscore_escaping_with_suffixes",
            "underscore_escaping_without_suffixes/development",
            "no_utf8_escaping_with_suffixes/development",
            "no_translation/development",
        ];
        let translation_strategy = fields.choice("translation_strategy", &strategies)?.unwrap_or(0);
        Ok(PullMetricExporter::Prometheus(PrometheusMetricExporter {
            host: fields.string("host")?.unwrap_or_else(|| "localhost".to_owned()),
            port,
            scope_info_enabled: fields
                .bool("scope_info_enabled", !fields.bool("without_scope_info", false)?)?,
            target_info_enabled: fields.bool(
                "target_info_enabled/development",
                !fields.bool("without_target_info/development", false)?,
            )?,
            resource_constant_labels: labels
                .map(|field| IncludeExclude::read(field.at(), ctx))
                .transpose()?,
            translation_strategy: strategies[translation_strategy].to_owned(),
        }))
    }
}

impl CardinalityLimits {
    fn read(reader: &Fields<'_>, ctx: &mut Ctx) -> Result<Self> {
        let Some(field) = reader.get("cardinality_limits") else {
            return Ok(Self::default());
        };
        // `default` and one limit per instrument type.
        let mut known = vec!["default"];
        known.extend(super::view::INSTRUMENT_TYPES);
        let fields = field.at().fields(&known, ctx)?;
        let default = fields.positive("default", 2000)?;
        Ok(Self {
            default,
            counter: fields.positive("counter", default)?,
            gauge: fields.positive("gauge", default)?,
            histogram: fields.positive("histogram", default)?,
            observable_counter: fields.positive("observable_counter", default)?,
            observable_gauge: fields.positive("observable_gauge", default)?,
            observable_up_down_counter: fields.positive("observable_up_down_counter", default)?,
            up_down_counter: fields.positive("up_down_counter", default)?,
        })
    }
}
