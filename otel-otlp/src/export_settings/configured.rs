//! The exporter of each signal as [`ExportSettings`] build it: this crate's for gRPC and
//! HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON (the `http-json` cargo feature); and
//! how each is built ([`ConfiguredExporter`]).

use opentelemetry_sdk::error::OTelSdkResult;
#[cfg(feature = "logs")]
use opentelemetry_sdk::logs::{LogBatch, LogExporter};
#[cfg(feature = "metrics")]
use opentelemetry_sdk::metrics::{Temporality, data::ResourceMetrics, exporter::PushMetricExporter};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use otel_kit_core::otlp::Signal;

use super::settings::ExportSettings;
use super::warning::{SettingsError, SettingsWarning};
use crate::ExportRuntime;

/// A signal's exporter that [`ExportSettings`] can build: [`ConfiguredSpanExporter`],
/// [`ConfiguredLogExporter`] or [`ConfiguredMetricExporter`].
pub trait ConfiguredExporter: Sized {
    /// The signal it exports.
    const SIGNAL: Signal;
    /// What only this signal's exporter takes: `()`, or the metrics'
    /// [`MetricExportOptions`].
    type Options;

    /// This crate's exporter (gRPC, HTTP/protobuf), `None` with a warning when it cannot
    /// be used.
    #[doc(hidden)]
    fn ours(
        settings: &ExportSettings,
        options: &Self::Options,
        runtime: &ExportRuntime,
        warnings: &mut Vec<SettingsWarning>,
    ) -> Result<Option<Self>, SettingsError>;

    /// opentelemetry-otlp's HTTP/JSON exporter, `None` with a warning when it cannot be
    /// used.
    #[doc(hidden)]
    fn http_json(
        settings: &ExportSettings,
        options: &Self::Options,
        runtime: &ExportRuntime,
        warnings: &mut Vec<SettingsWarning>,
    ) -> Result<Option<Self>, SettingsError>;
}

/// The same call on whichever exporter the enum holds.
macro_rules! forward {
    ($self:expr, $e:ident => $call:expr) => {
        match $self {
            #[cfg(feature = "__proto")]
            Self::Ours($e) => $call,
            #[cfg(feature = "http-json")]
            Self::HttpJson($e) => $call,
        }
    };
}

/// The [`ConfiguredExporter`] impl of a signal whose builders take nothing of their
/// own: its exporter enum, its [`Signal`], and the exporter type's name in both crates.
macro_rules! configured_exporter {
    ($enum:ident, $signal:expr, $exporter:ident) => {
        impl ConfiguredExporter for $enum {
            const SIGNAL: Signal = $signal;
            type Options = ();

            fn ours(
                settings: &ExportSettings,
                _: &(),
                runtime: &ExportRuntime,
                warnings: &mut Vec<SettingsWarning>,
            ) -> Result<Option<Self>, SettingsError> {
                #[cfg(feature = "__proto")]
                {
                    let builder =
                        super::ours::configure(settings, crate::$exporter::builder(), runtime, warnings);
                    Ok(
                        super::ours::built(settings, $signal, builder.build_lenient(), warnings)?
                            .map(Self::Ours),
                    )
                }
                #[cfg(not(feature = "__proto"))]
                {
                    let _ = runtime;
                    super::checks::not_built_in(settings, warnings);
                    Ok(None)
                }
            }

            fn http_json(
                settings: &ExportSettings,
                _: &(),
                runtime: &ExportRuntime,
                warnings: &mut Vec<SettingsWarning>,
            ) -> Result<Option<Self>, SettingsError> {
                #[cfg(feature = "http-json")]
                {
                    let builder = opentelemetry_otlp::$exporter::builder().with_http();
                    let builder = super::http_json::configure(settings, $signal, builder, runtime, warnings);
                    Ok(builder.map(|b| b.build()).transpose()?.map(Self::HttpJson))
                }
                #[cfg(not(feature = "http-json"))]
                {
                    let _ = runtime;
                    super::checks::not_built_in(settings, warnings);
                    Ok(None)
                }
            }
        }
    };
}

/// The OTLP span exporter of the configured protocol: this crate's for gRPC and
/// HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON.
#[derive(Debug)]
pub enum ConfiguredSpanExporter {
    /// gRPC or HTTP/protobuf.
    #[cfg(feature = "__proto")]
    Ours(crate::SpanExporter),
    /// HTTP/JSON.
    #[cfg(feature = "http-json")]
    HttpJson(opentelemetry_otlp::SpanExporter),
}

configured_exporter!(ConfiguredSpanExporter, Signal::Traces, SpanExporter);

impl ConfiguredSpanExporter {
    /// What the exporter sent, dropped and retried; `None` for HTTP/JSON
    /// (opentelemetry-otlp's exporter keeps no such counts).
    pub fn stats(&self) -> Option<std::sync::Arc<crate::ExportStats>> {
        match self {
            #[cfg(feature = "__proto")]
            Self::Ours(e) => Some(e.stats()),
            #[cfg(feature = "http-json")]
            Self::HttpJson(_) => None,
        }
    }
}

impl SpanExporter for ConfiguredSpanExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        forward!(self, e => e.export(batch).await)
    }

    fn shutdown_with_timeout(&self, timeout: std::time::Duration) -> OTelSdkResult {
        forward!(self, e => e.shutdown_with_timeout(timeout))
    }

    fn set_resource(&mut self, resource: &opentelemetry_sdk::Resource) {
        forward!(self, e => e.set_resource(resource))
    }
}

/// The OTLP log exporter of the configured protocol: this crate's for gRPC and
/// HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON.
#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
#[derive(Debug)]
pub enum ConfiguredLogExporter {
    /// gRPC or HTTP/protobuf.
    #[cfg(feature = "__proto")]
    Ours(crate::LogExporter),
    /// HTTP/JSON.
    #[cfg(feature = "http-json")]
    HttpJson(opentelemetry_otlp::LogExporter),
}

#[cfg(feature = "logs")]
configured_exporter!(ConfiguredLogExporter, Signal::Logs, LogExporter);
#[cfg(feature = "logs")]
impl ConfiguredLogExporter {
    /// What the exporter sent, dropped and retried; `None` for HTTP/JSON
    /// (opentelemetry-otlp's exporter keeps no such counts).
    pub fn stats(&self) -> Option<std::sync::Arc<crate::ExportStats>> {
        match self {
            #[cfg(feature = "__proto")]
            Self::Ours(e) => Some(e.stats()),
            #[cfg(feature = "http-json")]
            Self::HttpJson(_) => None,
        }
    }
}

#[cfg(feature = "logs")]
impl LogExporter for ConfiguredLogExporter {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        forward!(self, e => e.export(batch).await)
    }

    fn shutdown_with_timeout(&self, timeout: std::time::Duration) -> OTelSdkResult {
        forward!(self, e => e.shutdown_with_timeout(timeout))
    }

    fn set_resource(&mut self, resource: &opentelemetry_sdk::Resource) {
        forward!(self, e => e.set_resource(resource))
    }
}

/// The OTLP metric exporter of the configured protocol: this crate's for gRPC and
/// HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON.
#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
#[derive(Debug)]
pub enum ConfiguredMetricExporter {
    /// gRPC or HTTP/protobuf.
    #[cfg(feature = "__proto")]
    Ours(crate::MetricExporter),
    /// HTTP/JSON.
    #[cfg(feature = "http-json")]
    HttpJson(opentelemetry_otlp::MetricExporter),
}

#[cfg(feature = "metrics")]
impl ConfiguredMetricExporter {
    /// What the exporter sent, dropped and retried; `None` for HTTP/JSON
    /// (opentelemetry-otlp's exporter keeps no such counts).
    pub fn stats(&self) -> Option<std::sync::Arc<crate::ExportStats>> {
        match self {
            #[cfg(feature = "__proto")]
            Self::Ours(e) => Some(e.stats()),
            #[cfg(feature = "http-json")]
            Self::HttpJson(_) => None,
        }
    }
}

/// What only the metric exporter takes: the temporality it asks of the SDK, and the
/// reservoirs its histogram, sum and gauge points take their exemplars from (this
/// crate's exporter only).
///
/// ```
/// use std::sync::Arc;
///
/// use opentelemetry_sdk::metrics::Temporality;
/// use otel_kit_otlp::MetricExportOptions;
/// use otel_kit_otlp::exemplar::{ExemplarFilter, Reservoirs};
///
/// let options = MetricExportOptions {
///     temporality: Temporality::Delta,
///     exemplars: Arc::new(Reservoirs::new(ExemplarFilter::default())),
/// };
/// # drop(options);
/// ```
#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
#[derive(Debug, Clone)]
pub struct MetricExportOptions {
    /// The temporality asked of the SDK.
    pub temporality: Temporality,
    /// The exemplar reservoirs.
    pub exemplars: std::sync::Arc<otel_kit_core::sdk::exemplar::Reservoirs>,
}

#[cfg(feature = "metrics")]
impl ConfiguredExporter for ConfiguredMetricExporter {
    const SIGNAL: Signal = Signal::Metrics;
    type Options = MetricExportOptions;

    fn ours(
        settings: &ExportSettings,
        options: &MetricExportOptions,
        runtime: &ExportRuntime,
        warnings: &mut Vec<SettingsWarning>,
    ) -> Result<Option<Self>, SettingsError> {
        #[cfg(feature = "__proto")]
        {
            let builder = crate::MetricExporter::builder()
                .with_temporality(options.temporality)
                .with_exemplars(std::sync::Arc::clone(&options.exemplars));
            let builder = super::ours::configure(settings, builder, runtime, warnings);
            Ok(
                super::ours::built(settings, Signal::Metrics, builder.build_lenient(), warnings)?
                    .map(Self::Ours),
            )
        }
        #[cfg(not(feature = "__proto"))]
        {
            let _ = (options, runtime);
            super::checks::not_built_in(settings, warnings);
            Ok(None)
        }
    }

    fn http_json(
        settings: &ExportSettings,
        options: &MetricExportOptions,
        runtime: &ExportRuntime,
        warnings: &mut Vec<SettingsWarning>,
    ) -> Result<Option<Self>, SettingsError> {
        #[cfg(feature = "http-json")]
        {
            let builder = opentelemetry_otlp::MetricExporter::builder()
                .with_temporality(options.temporality)
                .with_http();
            let builder = super::http_json::configure(settings, Signal::Metrics, builder, runtime, warnings);
            Ok(builder.map(|b| b.build()).transpose()?.map(Self::HttpJson))
        }
        #[cfg(not(feature = "http-json"))]
        {
            let _ = (options, runtime);
            super::checks::not_built_in(settings, warnings);
            Ok(None)
        }
    }
}

#[cfg(feature = "metrics")]
impl PushMetricExporter for ConfiguredMetricExporter {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        forward!(self, e => e.export(metrics).await)
    }

    fn force_flush(&self) -> OTelSdkResult {
        forward!(self, e => e.force_flush())
    }

    fn shutdown_with_timeout(&self, timeout: std::time::Duration) -> OTelSdkResult {
        forward!(self, e => e.shutdown_with_timeout(timeout))
    }

    fn temporality(&self) -> Temporality {
        forward!(self, e => e.temporality())
    }
}
