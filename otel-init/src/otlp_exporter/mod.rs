//! Building the OTLP exporters from a resolved [`OtlpSignalConfig`]: otel-kit-otlp's
//! (our own protobuf encoding) for gRPC and HTTP/protobuf, the upstream one for
//! HTTP/JSON. One function per signal; the settings they share are applied by
//! `Transport` (`transport.rs`): to otel-kit-otlp's builders by `Transport::ours`, to the
//! upstream ones by `Transport::http`. Each transport is a cargo feature; the
//! configuration has already replaced a protocol this build lacks (`config::otlp`), and
//! an endpoint this build cannot reach (`https://` without a TLS feature) leaves the
//! signal unexported with a warning.

mod exporters;
mod transport;

use otel_kit_otlp::ExportRuntime;

use crate::InitError;
use crate::Signal;
use crate::config::{OtlpProtocol, OtlpSignalConfig};
use crate::env::Warnings;
#[cfg(feature = "logs")]
pub(crate) use exporters::OtlpLogExporter;
#[cfg(feature = "metrics")]
pub(crate) use exporters::OtlpMetricExporter;
pub(crate) use exporters::OtlpSpanExporter;
use transport::Transport;

/// The OTLP span exporter, or `None` (with a warning) when this build cannot reach the
/// endpoint.
pub(crate) fn span_exporter(
    config: &OtlpSignalConfig,
    runtime: Option<&ExportRuntime>,
    warnings: &mut Warnings,
) -> Result<Option<OtlpSpanExporter>, InitError> {
    let t = Transport {
        config,
        signal: Signal::Traces,
    };
    let Some(runtime) = t.usable(runtime, warnings) else {
        return Ok(None);
    };
    match config.protocol {
        #[cfg(any(feature = "grpc", feature = "http-proto"))]
        OtlpProtocol::Grpc | OtlpProtocol::HttpProtobuf => {
            let builder = t.ours(otel_kit_otlp::SpanExporter::builder(), runtime, warnings);
            Ok(t.built(builder.build_lenient(), warnings)?
                .map(OtlpSpanExporter::Ours))
        }
        #[cfg(feature = "http-json")]
        OtlpProtocol::HttpJson => {
            let builder = opentelemetry_otlp::SpanExporter::builder().with_http();
            match t.http(builder, runtime, warnings) {
                Some(builder) => builder
                    .build()
                    .map(|e| Some(OtlpSpanExporter::Upstream(e)))
                    .map_err(|e| t.error(e)),
                None => Ok(None),
            }
        }
        #[allow(unreachable_patterns)]
        _ => {
            t.not_built_in(warnings);
            Ok(None)
        }
    }
}

/// The OTLP metric exporter, or `None` (with a warning) when this build cannot reach
/// the endpoint.
#[cfg(feature = "metrics")]
pub(crate) fn metric_exporter(
    config: &OtlpSignalConfig,
    temporality: opentelemetry_sdk::metrics::Temporality,
    exemplars: &std::sync::Arc<otel_kit_core::sdk::exemplar::Reservoirs>,
    runtime: Option<&ExportRuntime>,
    warnings: &mut Warnings,
) -> Result<Option<OtlpMetricExporter>, InitError> {
    let t = Transport {
        config,
        signal: Signal::Metrics,
    };
    let Some(runtime) = t.usable(runtime, warnings) else {
        return Ok(None);
    };
    match config.protocol {
        #[cfg(any(feature = "grpc", feature = "http-proto"))]
        OtlpProtocol::Grpc | OtlpProtocol::HttpProtobuf => {
            let builder = otel_kit_otlp::MetricExporter::builder()
                .with_temporality(temporality)
                .with_exemplars(std::sync::Arc::clone(exemplars));
            let builder = t.ours(builder, runtime, warnings);
            Ok(t.built(builder.build_lenient(), warnings)?
                .map(OtlpMetricExporter::Ours))
        }
        #[cfg(feature = "http-json")]
        OtlpProtocol::HttpJson => {
            let builder = opentelemetry_otlp::MetricExporter::builder()
                .with_temporality(temporality)
                .with_http();
            match t.http(builder, runtime, warnings) {
                Some(builder) => builder
                    .build()
                    .map(|e| Some(OtlpMetricExporter::Upstream(e)))
                    .map_err(|e| t.error(e)),
                None => Ok(None),
            }
        }
        #[allow(unreachable_patterns)]
        _ => {
            let _ = (temporality, exemplars);
            t.not_built_in(warnings);
            Ok(None)
        }
    }
}

/// The OTLP log exporter, or `None` (with a warning) when this build cannot reach the
/// endpoint.
#[cfg(feature = "logs")]
pub(crate) fn log_exporter(
    config: &OtlpSignalConfig,
    runtime: Option<&ExportRuntime>,
    warnings: &mut Warnings,
) -> Result<Option<OtlpLogExporter>, InitError> {
    let t = Transport {
        config,
        signal: Signal::Logs,
    };
    let Some(runtime) = t.usable(runtime, warnings) else {
        return Ok(None);
    };
    match config.protocol {
        #[cfg(any(feature = "grpc", feature = "http-proto"))]
        OtlpProtocol::Grpc | OtlpProtocol::HttpProtobuf => {
            let builder = t.ours(otel_kit_otlp::LogExporter::builder(), runtime, warnings);
            Ok(t.built(builder.build_lenient(), warnings)?
                .map(OtlpLogExporter::Ours))
        }
        #[cfg(feature = "http-json")]
        OtlpProtocol::HttpJson => {
            let builder = opentelemetry_otlp::LogExporter::builder().with_http();
            match t.http(builder, runtime, warnings) {
                Some(builder) => builder
                    .build()
                    .map(|e| Some(OtlpLogExporter::Upstream(e)))
                    .map_err(|e| t.error(e)),
                None => Ok(None),
            }
        }
        #[allow(unreachable_patterns)]
        _ => {
            t.not_built_in(warnings);
            Ok(None)
        }
    }
}
