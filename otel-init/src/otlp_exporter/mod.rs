//! Building the OTLP exporters from a resolved [`OtlpSignalConfig`]: ours
//! (`proto_export`, our own protobuf encoding) for gRPC and HTTP/protobuf, the upstream
//! one for HTTP/JSON. One function per signal; the settings they share are applied by
//! `Transport` (`transport.rs`): to the upstream builders by `Transport::grpc` and
//! `Transport::http`, to ours by `Transport::our_grpc` and `Transport::our_http`
//! (`ours.rs`). Each transport is a cargo feature; the configuration has already replaced a
//! protocol this build lacks (`config::otlp`), and an endpoint this build cannot reach
//! (`https://` without a TLS feature) leaves the signal unexported with a warning.

#[cfg(feature = "__proto")]
mod ours;
mod transport;

use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use crate::InitError;
use crate::config::{OtlpProtocol, OtlpSignalConfig};
use crate::env::Warnings;
use crate::export_runtime::ExportRuntime;
#[cfg(feature = "__proto")]
use crate::proto_export::ProtoSpanExporter;
use crate::signal::Signal;
pub(crate) use transport::HttpClients;
use transport::Transport;
#[cfg(all(feature = "grpc", any(feature = "metrics", feature = "logs")))]
use transport::on_runtime;

/// The OTLP span exporter of the configured protocol: ours for gRPC and
/// HTTP/protobuf, opentelemetry-otlp's for HTTP/JSON.
#[derive(Debug)]
pub(crate) enum OtlpSpanExporter {
    #[cfg(feature = "__proto")]
    Ours(ProtoSpanExporter),
    #[cfg(feature = "http-json")]
    Upstream(opentelemetry_otlp::SpanExporter),
}

impl SpanExporter for OtlpSpanExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        match self {
            #[cfg(feature = "__proto")]
            OtlpSpanExporter::Ours(e) => e.export(batch).await,
            #[cfg(feature = "http-json")]
            OtlpSpanExporter::Upstream(e) => e.export(batch).await,
        }
    }

    fn shutdown_with_timeout(&self, timeout: std::time::Duration) -> OTelSdkResult {
        match self {
            #[cfg(feature = "__proto")]
            OtlpSpanExporter::Ours(e) => e.shutdown_with_timeout(timeout),
            #[cfg(feature = "http-json")]
            OtlpSpanExporter::Upstream(e) => e.shutdown_with_timeout(timeout),
        }
    }

    fn set_resource(&mut self, resource: &opentelemetry_sdk::Resource) {
        match self {
            #[cfg(feature = "__proto")]
            OtlpSpanExporter::Ours(e) => e.set_resource(resource),
            #[cfg(feature = "http-json")]
            OtlpSpanExporter::Upstream(e) => e.set_resource(resource),
        }
    }
}

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
        sender.map(|s| OtlpSpanExporter::Ours(ProtoSpanExporter::new(s)))
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
    runtime: Option<&ExportRuntime>,
    clients: &mut HttpClients,
    warnings: &mut Warnings,
) -> Result<Option<opentelemetry_otlp::MetricExporter>, InitError> {
    use opentelemetry_otlp::MetricExporter;
    let t = Transport {
        config,
        signal: Signal::Metrics,
    };
    if !t.reachable(warnings) {
        return Ok(None);
    }
    let builder = MetricExporter::builder().with_temporality(temporality);
    let built = match config.protocol {
        #[cfg(feature = "grpc")]
        OtlpProtocol::Grpc => {
            let builder = t.grpc(builder.with_tonic(), warnings);
            on_runtime(runtime, || builder.build())
        }
        #[cfg(feature = "__http")]
        OtlpProtocol::HttpProtobuf | OtlpProtocol::HttpJson => {
            match t.http(builder.with_http(), runtime, clients, warnings) {
                Some(builder) => builder.build(),
                None => return Ok(None),
            }
        }
        #[allow(unreachable_patterns)]
        _ => {
            t.not_built_in(warnings);
            return Ok(None);
        }
    };
    built.map(Some).map_err(|e| t.error(e))
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
) -> Result<Option<opentelemetry_otlp::LogExporter>, InitError> {
    use opentelemetry_otlp::LogExporter;
    let t = Transport {
        config,
        signal: Signal::Logs,
    };
    if !t.reachable(warnings) {
        return Ok(None);
    }
    let built = match config.protocol {
        #[cfg(feature = "grpc")]
        OtlpProtocol::Grpc => {
            let builder = t.grpc(LogExporter::builder().with_tonic(), warnings);
            on_runtime(runtime, || builder.build())
        }
        #[cfg(feature = "__http")]
        OtlpProtocol::HttpProtobuf | OtlpProtocol::HttpJson => {
            match t.http(LogExporter::builder().with_http(), runtime, clients, warnings) {
                Some(builder) => builder.build(),
                None => return Ok(None),
            }
        }
        #[allow(unreachable_patterns)]
        _ => {
            t.not_built_in(warnings);
            return Ok(None);
        }
    };
    built.map(Some).map_err(|e| t.error(e))
}
