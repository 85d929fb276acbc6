//! The exporter of each signal, as the pipelines hold it: otel-kit-otlp's for gRPC and
//! HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON; and how each is built
//! ([`SignalExporter`]).

use opentelemetry_sdk::error::OTelSdkResult;
#[cfg(feature = "logs")]
use opentelemetry_sdk::logs::{LogBatch, LogExporter};
#[cfg(feature = "metrics")]
use opentelemetry_sdk::metrics::{Temporality, data::ResourceMetrics, exporter::PushMetricExporter};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use otel_kit_otlp::ExportRuntime;

use super::SignalExporter;

/// `stats()` of an exporter enum: our exporter's counts, none for opentelemetry-otlp's
/// (HTTP/JSON), which keeps no such counts.
macro_rules! export_stats {
    ($enum:ident) => {
        impl $enum {
            pub(crate) fn stats(&self) -> Option<std::sync::Arc<otel_kit_otlp::ExportStats>> {
                match self {
                    #[cfg(any(feature = "grpc", feature = "http-proto"))]
                    Self::Ours(e) => Some(e.stats()),
                    #[cfg(feature = "http-json")]
                    Self::Upstream(_) => None,
                }
            }
        }
    };
}

/// The same call on whichever exporter the enum holds.
macro_rules! forward {
    ($self:expr, $e:ident => $call:expr) => {
        match $self {
            #[cfg(any(feature = "grpc", feature = "http-proto"))]
            Self::Ours($e) => $call,
            #[cfg(feature = "http-json")]
            Self::Upstream($e) => $call,
        }
    };
}
use super::transport::Transport;
use crate::InitError;
use crate::Signal;
use crate::env::Warnings;

/// The [`SignalExporter`] of a signal whose builders take nothing of their own: its
/// exporter enum, its [`Signal`], and the exporter type's name in both crates.
macro_rules! signal_exporter {
    ($enum:ident, $signal:expr, $exporter:ident) => {
        impl SignalExporter for $enum {
            const SIGNAL: Signal = $signal;
            type Settings = ();

            #[cfg(any(feature = "grpc", feature = "http-proto"))]
            fn ours(
                t: &Transport<'_>,
                _: &(),
                runtime: &ExportRuntime,
                warnings: &mut Warnings,
            ) -> Result<Option<Self>, InitError> {
                let builder = t.ours(otel_kit_otlp::$exporter::builder(), runtime, warnings);
                Ok(t.built(builder.build_lenient(), warnings)?.map(Self::Ours))
            }

            #[cfg(feature = "http-json")]
            fn upstream(
                t: &Transport<'_>,
                _: &(),
                runtime: &ExportRuntime,
                warnings: &mut Warnings,
            ) -> Result<Option<Self>, InitError> {
                let builder = t.http(
                    opentelemetry_otlp::$exporter::builder().with_http(),
                    runtime,
                    warnings,
                );
                t.upstream_built(builder.map(|b| b.build()), Self::Upstream)
            }
        }
    };
}

/// The OTLP span exporter of the configured protocol: ours for gRPC and
/// HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON.
#[derive(Debug)]
pub(crate) enum OtlpSpanExporter {
    #[cfg(any(feature = "grpc", feature = "http-proto"))]
    Ours(otel_kit_otlp::SpanExporter),
    #[cfg(feature = "http-json")]
    Upstream(opentelemetry_otlp::SpanExporter),
}

signal_exporter!(OtlpSpanExporter, Signal::Traces, SpanExporter);
export_stats!(OtlpSpanExporter);

impl SpanExporter for OtlpSpanExporter {
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

/// The OTLP log exporter of the configured protocol: ours for gRPC and
/// HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON.
#[cfg(feature = "logs")]
#[derive(Debug)]
pub(crate) enum OtlpLogExporter {
    #[cfg(any(feature = "grpc", feature = "http-proto"))]
    Ours(otel_kit_otlp::LogExporter),
    #[cfg(feature = "http-json")]
    Upstream(opentelemetry_otlp::LogExporter),
}

#[cfg(feature = "logs")]
signal_exporter!(OtlpLogExporter, Signal::Logs, LogExporter);
#[cfg(feature = "logs")]
export_stats!(OtlpLogExporter);

#[cfg(feature = "logs")]
impl LogExporter for OtlpLogExporter {
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

/// The OTLP metric exporter of the configured protocol: ours for gRPC and
/// HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON.
#[cfg(feature = "metrics")]
#[derive(Debug)]
pub(crate) enum OtlpMetricExporter {
    #[cfg(any(feature = "grpc", feature = "http-proto"))]
    Ours(otel_kit_otlp::MetricExporter),
    #[cfg(feature = "http-json")]
    Upstream(opentelemetry_otlp::MetricExporter),
}

#[cfg(feature = "metrics")]
export_stats!(OtlpMetricExporter);

/// The metric exporter's own settings: the temporality it asks of the SDK, and the
/// reservoirs its histogram, sum and gauge points take their exemplars from
/// (otel-kit-otlp's only).
#[cfg(feature = "metrics")]
pub(crate) type MetricSettings = (
    Temporality,
    std::sync::Arc<otel_kit_core::sdk::exemplar::Reservoirs>,
);

#[cfg(feature = "metrics")]
impl SignalExporter for OtlpMetricExporter {
    const SIGNAL: Signal = Signal::Metrics;
    type Settings = MetricSettings;

    #[cfg(any(feature = "grpc", feature = "http-proto"))]
    fn ours(
        t: &Transport<'_>,
        (temporality, exemplars): &MetricSettings,
        runtime: &ExportRuntime,
        warnings: &mut Warnings,
    ) -> Result<Option<Self>, InitError> {
        let builder = otel_kit_otlp::MetricExporter::builder()
            .with_temporality(*temporality)
            .with_exemplars(std::sync::Arc::clone(exemplars));
        let builder = t.ours(builder, runtime, warnings);
        Ok(t.built(builder.build_lenient(), warnings)?.map(Self::Ours))
    }

    #[cfg(feature = "http-json")]
    fn upstream(
        t: &Transport<'_>,
        (temporality, _): &MetricSettings,
        runtime: &ExportRuntime,
        warnings: &mut Warnings,
    ) -> Result<Option<Self>, InitError> {
        let builder = opentelemetry_otlp::MetricExporter::builder()
            .with_temporality(*temporality)
            .with_http();
        let builder = t.http(builder, runtime, warnings);
        t.upstream_built(builder.map(|b| b.build()), Self::Upstream)
    }
}

#[cfg(feature = "metrics")]
impl PushMetricExporter for OtlpMetricExporter {
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
