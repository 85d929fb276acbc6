//! The exporter of each signal, as the pipelines hold it: otel-kit-otlp's for gRPC and
//! HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON.

use opentelemetry_sdk::error::OTelSdkResult;
#[cfg(feature = "logs")]
use opentelemetry_sdk::logs::{LogBatch, LogExporter};
#[cfg(feature = "metrics")]
use opentelemetry_sdk::metrics::{Temporality, data::ResourceMetrics, exporter::PushMetricExporter};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

/// The OTLP span exporter of the configured protocol: ours for gRPC and
/// HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON.
#[derive(Debug)]
pub(crate) enum OtlpSpanExporter {
    #[cfg(any(feature = "grpc", feature = "http-proto"))]
    Ours(otel_kit_otlp::SpanExporter),
    #[cfg(feature = "http-json")]
    Upstream(opentelemetry_otlp::SpanExporter),
}

impl SpanExporter for OtlpSpanExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        match self {
            #[cfg(any(feature = "grpc", feature = "http-proto"))]
            OtlpSpanExporter::Ours(e) => e.export(batch).await,
            #[cfg(feature = "http-json")]
            OtlpSpanExporter::Upstream(e) => e.export(batch).await,
        }
    }

    fn shutdown_with_timeout(&self, timeout: std::time::Duration) -> OTelSdkResult {
        match self {
            #[cfg(any(feature = "grpc", feature = "http-proto"))]
            OtlpSpanExporter::Ours(e) => e.shutdown_with_timeout(timeout),
            #[cfg(feature = "http-json")]
            OtlpSpanExporter::Upstream(e) => e.shutdown_with_timeout(timeout),
        }
    }

    fn set_resource(&mut self, resource: &opentelemetry_sdk::Resource) {
        match self {
            #[cfg(any(feature = "grpc", feature = "http-proto"))]
            OtlpSpanExporter::Ours(e) => e.set_resource(resource),
            #[cfg(feature = "http-json")]
            OtlpSpanExporter::Upstream(e) => e.set_resource(resource),
        }
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
impl LogExporter for OtlpLogExporter {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        match self {
            #[cfg(any(feature = "grpc", feature = "http-proto"))]
            OtlpLogExporter::Ours(e) => e.export(batch).await,
            #[cfg(feature = "http-json")]
            OtlpLogExporter::Upstream(e) => e.export(batch).await,
        }
    }

    fn shutdown_with_timeout(&self, timeout: std::time::Duration) -> OTelSdkResult {
        match self {
            #[cfg(any(feature = "grpc", feature = "http-proto"))]
            OtlpLogExporter::Ours(e) => e.shutdown_with_timeout(timeout),
            #[cfg(feature = "http-json")]
            OtlpLogExporter::Upstream(e) => e.shutdown_with_timeout(timeout),
        }
    }

    fn set_resource(&mut self, resource: &opentelemetry_sdk::Resource) {
        match self {
            #[cfg(any(feature = "grpc", feature = "http-proto"))]
            OtlpLogExporter::Ours(e) => e.set_resource(resource),
            #[cfg(feature = "http-json")]
            OtlpLogExporter::Upstream(e) => e.set_resource(resource),
        }
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
impl PushMetricExporter for OtlpMetricExporter {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        match self {
            #[cfg(any(feature = "grpc", feature = "http-proto"))]
            OtlpMetricExporter::Ours(e) => e.export(metrics).await,
            #[cfg(feature = "http-json")]
            OtlpMetricExporter::Upstream(e) => e.export(metrics).await,
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        match self {
            #[cfg(any(feature = "grpc", feature = "http-proto"))]
            OtlpMetricExporter::Ours(e) => e.force_flush(),
            #[cfg(feature = "http-json")]
            OtlpMetricExporter::Upstream(e) => e.force_flush(),
        }
    }

    fn shutdown_with_timeout(&self, timeout: std::time::Duration) -> OTelSdkResult {
        match self {
            #[cfg(any(feature = "grpc", feature = "http-proto"))]
            OtlpMetricExporter::Ours(e) => e.shutdown_with_timeout(timeout),
            #[cfg(feature = "http-json")]
            OtlpMetricExporter::Upstream(e) => e.shutdown_with_timeout(timeout),
        }
    }

    fn temporality(&self) -> Temporality {
        match self {
            #[cfg(any(feature = "grpc", feature = "http-proto"))]
            OtlpMetricExporter::Ours(e) => e.temporality(),
            #[cfg(feature = "http-json")]
            OtlpMetricExporter::Upstream(e) => e.temporality(),
        }
    }
}
