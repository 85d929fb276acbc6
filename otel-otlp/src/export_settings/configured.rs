//! The exporter of each signal as [`ExportSettings`] build it ([`ConfiguredSignalExporter`]):
//! this crate's for gRPC and HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON (the
//! `http-json` cargo feature); and how each is built ([`ConfiguredExporter`]).

use std::sync::Arc;

use opentelemetry_sdk::error::OTelSdkResult;
#[cfg(feature = "logs")]
use opentelemetry_sdk::logs::{LogBatch, LogExporter};
#[cfg(feature = "metrics")]
use opentelemetry_sdk::metrics::{Temporality, data::ResourceMetrics, exporter::PushMetricExporter};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use otel_kit_core::otlp::Signal;

use super::settings::ExportSettings;
use super::warning::{SettingsError, SettingsWarning};
use crate::{ExportRuntime, ExportStats};

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

/// A signal's two exporters, of which a [`ConfiguredSignalExporter`] holds one:
/// [`SpanSignal`], [`LogSignal`] and [`MetricSignal`] (implemented for these only).
pub trait SignalExporters {
    /// This crate's exporter (gRPC, HTTP/protobuf).
    #[cfg(feature = "__proto")]
    type Ours;
    /// opentelemetry-otlp's exporter (HTTP/JSON).
    #[cfg(feature = "http-json")]
    type HttpJson;

    /// What this crate's exporter sent, dropped and retried.
    #[doc(hidden)]
    #[cfg(feature = "__proto")]
    fn stats(ours: &Self::Ours) -> Arc<ExportStats>;
}

/// The spans' [`SignalExporters`]: [`ConfiguredSpanExporter`].
#[derive(Debug, Clone, Copy)]
pub struct SpanSignal;

/// The logs' [`SignalExporters`]: [`ConfiguredLogExporter`].
#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
#[derive(Debug, Clone, Copy)]
pub struct LogSignal;

/// The metrics' [`SignalExporters`]: [`ConfiguredMetricExporter`].
#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
#[derive(Debug, Clone, Copy)]
pub struct MetricSignal;

/// The OTLP exporter of signal `S`, of the configured protocol: this crate's for gRPC and
/// HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON. Each signal's has its name:
/// [`ConfiguredSpanExporter`], [`ConfiguredLogExporter`], [`ConfiguredMetricExporter`].
#[derive(Debug)]
pub enum ConfiguredSignalExporter<S: SignalExporters> {
    /// gRPC or HTTP/protobuf.
    #[cfg(feature = "__proto")]
    Ours(S::Ours),
    /// HTTP/JSON.
    #[cfg(feature = "http-json")]
    HttpJson(S::HttpJson),
}

impl<S: SignalExporters> ConfiguredSignalExporter<S> {
    /// What the exporter sent, dropped and retried; `None` for HTTP/JSON
    /// (opentelemetry-otlp's exporter keeps no such counts).
    pub fn stats(&self) -> Option<Arc<ExportStats>> {
        match self {
            #[cfg(feature = "__proto")]
            Self::Ours(e) => Some(S::stats(e)),
            #[cfg(feature = "http-json")]
            Self::HttpJson(_) => None,
        }
    }
}

/// The OTLP span exporter of the configured protocol: this crate's for gRPC and
/// HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON.
pub type ConfiguredSpanExporter = ConfiguredSignalExporter<SpanSignal>;

/// The OTLP log exporter of the configured protocol: this crate's for gRPC and
/// HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON.
#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
pub type ConfiguredLogExporter = ConfiguredSignalExporter<LogSignal>;

/// The OTLP metric exporter of the configured protocol: this crate's for gRPC and
/// HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON.
#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
pub type ConfiguredMetricExporter = ConfiguredSignalExporter<MetricSignal>;

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

/// A signal's [`SignalExporters`] and [`ConfiguredExporter`] impls: its marker, its
/// [`Signal`], the exporter type's name in both crates, its options (`$o`), and what
/// each builder (`$b`) takes from them: this crate's (`$ours`), opentelemetry-otlp's
/// (`$json`).
macro_rules! configured_exporter {
    (
        $marker:ident, $signal:expr, $exporter:ident, $o:ident: $options:ty,
        ours: |$ob:ident| $ours:expr,
        json: |$jb:ident| $json:expr $(,)?
    ) => {
        impl SignalExporters for $marker {
            #[cfg(feature = "__proto")]
            type Ours = crate::$exporter;
            #[cfg(feature = "http-json")]
            type HttpJson = opentelemetry_otlp::$exporter;

            #[cfg(feature = "__proto")]
            fn stats(ours: &crate::$exporter) -> Arc<ExportStats> {
                ours.stats()
            }
        }

        impl ConfiguredExporter for ConfiguredSignalExporter<$marker> {
            const SIGNAL: Signal = $signal;
            type Options = $options;

            fn ours(
                settings: &ExportSettings,
                $o: &$options,
                runtime: &ExportRuntime,
                warnings: &mut Vec<SettingsWarning>,
            ) -> Result<Option<Self>, SettingsError> {
                #[cfg(feature = "__proto")]
                {
                    let $ob = crate::$exporter::builder();
                    let builder = super::ours::configure(settings, $ours, runtime, warnings);
                    Ok(
                        super::ours::built(settings, $signal, builder.build_lenient(), warnings)?
                            .map(Self::Ours),
                    )
                }
                #[cfg(not(feature = "__proto"))]
                {
                    let _ = ($o, runtime);
                    super::checks::not_built_in(settings, warnings);
                    Ok(None)
                }
            }

            fn http_json(
                settings: &ExportSettings,
                $o: &$options,
                runtime: &ExportRuntime,
                warnings: &mut Vec<SettingsWarning>,
            ) -> Result<Option<Self>, SettingsError> {
                #[cfg(feature = "http-json")]
                {
                    let $jb = opentelemetry_otlp::$exporter::builder();
                    let builder = $json.with_http();
                    let builder = super::http_json::configure(settings, $signal, builder, runtime, warnings);
                    Ok(builder.map(|b| b.build()).transpose()?.map(Self::HttpJson))
                }
                #[cfg(not(feature = "http-json"))]
                {
                    let _ = ($o, runtime);
                    super::checks::not_built_in(settings, warnings);
                    Ok(None)
                }
            }
        }
    };
}

configured_exporter!(SpanSignal, Signal::Traces, SpanExporter, _options: (), ours: |b| b, json: |b| b);

impl SpanExporter for ConfiguredSignalExporter<SpanSignal> {
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

#[cfg(feature = "logs")]
configured_exporter!(LogSignal, Signal::Logs, LogExporter, _options: (), ours: |b| b, json: |b| b);

#[cfg(feature = "logs")]
impl LogExporter for ConfiguredSignalExporter<LogSignal> {
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
    pub exemplars: Arc<otel_kit_core::__private::exemplar::Reservoirs>,
}

#[cfg(feature = "metrics")]
configured_exporter!(
    MetricSignal, Signal::Metrics, MetricExporter, options: MetricExportOptions,
    ours: |b| b.with_temporality(options.temporality).with_exemplars(Arc::clone(&options.exemplars)),
    json: |b| b.with_temporality(options.temporality),
);

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
