//! Our exporters' transports (`proto_export`), from the same settings the upstream
//! builders get: gRPC through a tonic channel of our own, HTTP/protobuf through the
//! shared HTTP client.

use std::sync::Arc;

#[cfg(feature = "grpc")]
use opentelemetry_otlp::ExporterBuildError;

use super::transport::Transport;
use crate::InitError;
use crate::env::Warnings;
use crate::export_runtime::ExportRuntime;
#[cfg(feature = "http-proto")]
use crate::otlp_exporter::HttpClients;
#[cfg(feature = "http-proto")]
use crate::proto_export::HttpSender;
#[cfg(feature = "grpc")]
use crate::proto_export::{GrpcSender, GrpcService};
use crate::proto_export::{Sender, Via};

impl Transport<'_> {
    /// The export runtime, or `None` with a warning (it is started for every OTLP
    /// exporter, `builder::start`, so this is a last guard).
    fn runtime<'r>(
        &self,
        runtime: Option<&'r ExportRuntime>,
        warnings: &mut Warnings,
    ) -> Option<&'r ExportRuntime> {
        if runtime.is_none() {
            warnings.push(
                self.signal_var("ENDPOINT"),
                self.config.endpoint.clone(),
                format!(
                    "has no export runtime to send from; {} are not exported",
                    self.signal.as_str()
                ),
            );
        }
        runtime
    }

    /// OTLP/gRPC to the configured endpoint: its metadata (after our `User-Agent`, which
    /// a configured one replaces), timeout, compression and TLS, as `Transport::grpc`
    /// gives the upstream builder.
    #[cfg(feature = "grpc")]
    pub(super) fn our_grpc(
        &self,
        service: GrpcService,
        items: &'static str,
        runtime: Option<&ExportRuntime>,
        warnings: &mut Warnings,
    ) -> Result<Option<Arc<Sender>>, InitError> {
        let Some(runtime) = self.runtime(runtime, warnings) else {
            return Ok(None);
        };
        let invalid = |what: &str, e: &(dyn std::error::Error + 'static)| {
            self.error(ExporterBuildError::InvalidConfiguration(format!(
                "{what} '{}': {}",
                self.config.endpoint,
                crate::error_chain::chain(e)
            )))
        };
        let endpoint = tonic::transport::Endpoint::from_shared(self.config.endpoint.clone())
            .map_err(|e| invalid("invalid endpoint", &e))?;
        #[cfg(feature = "__tls")]
        let endpoint = match self.tonic_tls(warnings) {
            Some(tls) => endpoint
                .tls_config(tls)
                .map_err(|e| invalid("TLS could not be set up for", &e))?,
            None => endpoint,
        };
        // tonic spawns the channel's connection tasks on the current runtime.
        let channel = runtime.enter(|| endpoint.timeout(self.config.timeout).connect_lazy());
        let mut metadata = tonic::metadata::MetadataMap::new();
        metadata.insert(
            "user-agent",
            tonic::metadata::MetadataValue::from_static(crate::proto_export::USER_AGENT),
        );
        let mut headers = metadata.into_headers();
        headers.extend(self.metadata().into_headers());
        let metadata = tonic::metadata::MetadataMap::from_headers(headers);
        #[cfg(feature = "gzip")]
        let compression = self
            .compression(warnings)
            .map(|_| tonic::codec::CompressionEncoding::Gzip);
        // Without the feature, `compression` has warned and answers `None`.
        #[cfg(not(feature = "gzip"))]
        let compression = self.compression(warnings).and(None);
        let sender = GrpcSender::new(channel, service, metadata, compression);
        Ok(Some(Sender::new(
            Via::Grpc(sender),
            self.config.timeout,
            runtime.handle().clone(),
            items,
        )))
    }

    /// OTLP/HTTP with protobuf bodies to the configured endpoint, with its headers,
    /// timeout, compression and the shared client, as `Transport::http` gives the
    /// upstream builder.
    #[cfg(feature = "http-proto")]
    pub(super) fn our_http(
        &self,
        items: &'static str,
        runtime: Option<&ExportRuntime>,
        clients: &mut HttpClients,
        warnings: &mut Warnings,
    ) -> Result<Option<Arc<Sender>>, InitError> {
        let Some(client) = self.http_client(runtime, clients, warnings) else {
            return Ok(None);
        };
        let Some(runtime) = self.runtime(runtime, warnings) else {
            return Ok(None);
        };
        let endpoint = self.config.endpoint.parse::<http::Uri>().map_err(|e| {
            self.error(opentelemetry_otlp::ExporterBuildError::InvalidConfiguration(
                format!("invalid endpoint '{}': {e}", self.config.endpoint),
            ))
        })?;
        let gzip = self.compression(warnings).is_some();
        let sender = HttpSender::new(client, endpoint, &self.config.headers, gzip);
        Ok(Some(Sender::new(
            Via::Http(sender),
            self.config.timeout,
            runtime.handle().clone(),
            items,
        )))
    }
}
