//! Building the OTLP exporters from a resolved [`OtlpSignalConfig`]: ours
//! (`proto_export`, our own protobuf encoding) for gRPC and HTTP/protobuf, the upstream
//! one for HTTP/JSON. One function per signal; the settings they share are applied by
//! `Transport` (`transport.rs`): to the upstream builders by `Transport::grpc` and
//! `Transport::http`, to ours by `Transport::our_grpc` and `Transport::our_http`
//! (`ours.rs`). Each transport is a cargo feature; the configuration has already replaced a
//! protocol this build lacks (`config::otlp`), and an endpoint this build cannot reach
//! (`https://` without a TLS feature) leaves the signal unexported with a warning.

mod exporters;
#[cfg(feature = "__proto")]
mod ours;
mod transport;

use crate::InitError;
use crate::config::{OtlpProtocol, OtlpSignalConfig};
use crate::env::Warnings;
use crate::export_runtime::ExportRuntime;
#[cfg(feature = "__proto")]
use crate::proto_export::ProtoExporter;
use crate::signal::Signal;
#[cfg(feature = "logs")]
pub(crate) use exporters::OtlpLogExporter;
#[cfg(feature = "metrics")]
pub(crate) use exporters::OtlpMetricExporter;
pub(crate) use exporters::OtlpSpanExporter;
pub(crate) use transport::HttpClients;
use transport::Transport;

/// The OTLP span exporter, or `None` (with a warning) when this build cannot reach the
/// endpoint.
#[cfg_attr(not(feature = "__http"), allow(unused_variables))]
pub(crate) fn span_exporter(
    config: &OtlpSignalConfig,
    runtime: Option<&ExportRuntime>,
    clients: &mut HttpClients,
    warnings: &mut Warnings,
) -> Result<Option<OtlpSpanExporter>, InitError> {
    let t = Transport {
        config,
        signal: Signal::Traces,
    };
    if !t.reachable(warnings) {
        return Ok(None);
    }
    #[cfg(feature = "__proto")]
    let ours = |sender: Option<std::sync::Arc<crate::proto_export::Sender>>| {
        sender.map(|s| OtlpSpanExporter::Ours(ProtoExporter::new(s, "span attribute values")))
    };
    match config.protocol {
        #[cfg(feature = "grpc")]
        OtlpProtocol::Grpc => Ok(ours(t.our_grpc(
            crate::proto_export::TRACE_SERVICE,
            "spans",
            runtime,
            warnings,
        )?)),
        #[cfg(feature = "http-proto")]
        OtlpProtocol::HttpProtobuf => Ok(ours(t.our_http("spans", runtime, clients, warnings)?)),
        #[cfg(feature = "http-json")]
        OtlpProtocol::HttpJson => {
            let builder = opentelemetry_otlp::SpanExporter::builder().with_http();
            match t.http(builder, runtime, clients, warnings) {
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
#[cfg_attr(not(feature = "__http"), allow(unused_variables))]
pub(crate) fn metric_exporter(
    config: &OtlpSignalConfig,
    temporality: opentelemetry_sdk::metrics::Temporality,
    exemplars: &std::sync::Arc<otel_kit_core::sdk::exemplar::Reservoirs>,
    runtime: Option<&ExportRuntime>,
    clients: &mut HttpClients,
    warnings: &mut Warnings,
) -> Result<Option<OtlpMetricExporter>, InitError> {
    let t = Transport {
        config,
        signal: Signal::Metrics,
    };
    if !t.reachable(warnings) {
        return Ok(None);
    }
    #[cfg(feature = "__proto")]
    let ours = |sender: Option<std::sync::Arc<crate::proto_export::Sender>>| {
        sender.map(|s| {
            let exporter = ProtoExporter::new(s, "metric attribute values");
            OtlpMetricExporter::Ours(crate::proto_export::ProtoMetricExporter::new(
                exporter,
                temporality,
                std::sync::Arc::clone(exemplars),
            ))
        })
    };
    match config.protocol {
        #[cfg(feature = "grpc")]
        OtlpProtocol::Grpc => Ok(ours(t.our_grpc(
            crate::proto_export::METRICS_SERVICE,
            "data points",
            runtime,
            warnings,
        )?)),
        #[cfg(feature = "http-proto")]
        OtlpProtocol::HttpProtobuf => Ok(ours(t.our_http("data points", runtime, clients, warnings)?)),
        #[cfg(feature = "http-json")]
        OtlpProtocol::HttpJson => {
            let builder = opentelemetry_otlp::MetricExporter::builder()
                .with_temporality(temporality)
                .with_http();
            match t.http(builder, runtime, clients, warnings) {
                Some(builder) => builder
                    .build()
                    .map(|e| Some(OtlpMetricExporter::Upstream(e)))
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

/// The OTLP log exporter, or `None` (with a warning) when this build cannot reach the
/// endpoint.
#[cfg(feature = "logs")]
#[cfg_attr(not(feature = "__http"), allow(unused_variables))]
pub(crate) fn log_exporter(
    config: &OtlpSignalConfig,
    runtime: Option<&ExportRuntime>,
    clients: &mut HttpClients,
    warnings: &mut Warnings,
) -> Result<Option<OtlpLogExporter>, InitError> {
    let t = Transport {
        config,
        signal: Signal::Logs,
    };
    if !t.reachable(warnings) {
        return Ok(None);
    }
    #[cfg(feature = "__proto")]
    let ours = |sender: Option<std::sync::Arc<crate::proto_export::Sender>>| {
        sender.map(|s| OtlpLogExporter::Ours(ProtoExporter::new(s, "log values")))
    };
    match config.protocol {
        #[cfg(feature = "grpc")]
        OtlpProtocol::Grpc => Ok(ours(t.our_grpc(
            crate::proto_export::LOGS_SERVICE,
            "log records",
            runtime,
            warnings,
        )?)),
        #[cfg(feature = "http-proto")]
        OtlpProtocol::HttpProtobuf => Ok(ours(t.our_http("log records", runtime, clients, warnings)?)),
        #[cfg(feature = "http-json")]
        OtlpProtocol::HttpJson => {
            let builder = opentelemetry_otlp::LogExporter::builder().with_http();
            match t.http(builder, runtime, clients, warnings) {
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
