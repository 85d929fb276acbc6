//! Sending one export request: on the export runtime (its timers and connections live
//! there; the batch worker that awaits the result has no runtime), retried as
//! opentelemetry-otlp retries, within the export timeout, and the collector's partial
//! success read from its answer.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use otel_kit_core::otlp::Compression;
use prost::bytes::Bytes;

#[cfg(feature = "grpc")]
use super::grpc::GrpcSender;
#[cfg(feature = "http-proto")]
use super::http::HttpSender;
use super::response::check_partial_success;
use super::retry::{Failure, with_retries};
use crate::report_gate::ReportGate;
use crate::transport::export_runtime::ExportRuntime;

/// How one signal's exporter sends: gRPC or HTTP.
#[derive(Debug)]
pub(crate) enum Via {
    #[cfg(feature = "grpc")]
    Grpc(GrpcSender),
    #[cfg(feature = "http-proto")]
    Http(HttpSender),
}

impl Via {
    async fn attempt(&self, body: Bytes) -> Result<Bytes, Failure> {
        match self {
            #[cfg(feature = "grpc")]
            Via::Grpc(grpc) => grpc.attempt(body).await,
            #[cfg(feature = "http-proto")]
            Via::Http(http) => http.attempt(body).await,
        }
    }

    /// After an attempt cut off at the deadline: gRPC drops its channel, whose
    /// connection may be to a peer that vanished without a reset (HTTP/1 needs nothing:
    /// hyper closes a connection whose request was given up).
    fn after_timeout(&self) {
        match self {
            #[cfg(feature = "grpc")]
            Via::Grpc(grpc) => grpc.reconnect(),
            #[cfg(feature = "http-proto")]
            Via::Http(_) => {}
        }
    }
}

/// What one signal's exporter sends with.
#[derive(Debug)]
pub(crate) struct Sender {
    via: Via,
    timeout: Duration,
    runtime: tokio::runtime::Handle,
    /// What the signal's requests carry, for the partial-success warning: "spans", ...
    items: &'static str,
    partial_reports: ReportGate,
    /// The runtime of an exporter built without a shared one: it lives as long as this.
    _owned_runtime: Option<ExportRuntime>,
}

impl Sender {
    pub(crate) fn new(
        via: Via,
        timeout: Duration,
        runtime: tokio::runtime::Handle,
        items: &'static str,
        owned_runtime: Option<ExportRuntime>,
    ) -> Arc<Self> {
        Arc::new(Sender {
            via,
            timeout,
            runtime,
            items,
            partial_reports: ReportGate::new(),
            _owned_runtime: owned_runtime,
        })
    }

    /// How the exporter is to compress the body itself (OTLP/HTTP; tonic compresses
    /// gRPC messages on its own).
    pub(super) fn body_compression(&self) -> Option<Compression> {
        match &self.via {
            #[cfg(feature = "grpc")]
            Via::Grpc(_) => None,
            #[cfg(feature = "http-proto")]
            Via::Http(http) => http.compression(),
        }
    }

    /// Sends `body` and returns the outcome, and the body back (the exporter reuses
    /// its buffer once the transport has let go of it).
    pub(super) async fn send(self: &Arc<Self>, body: Bytes) -> (OTelSdkResult, Bytes) {
        let sender = Arc::clone(self);
        let lent = body.clone();
        let outcome = match self
            .runtime
            .spawn(async move { sender.send_with_retries(lent).await })
            .await
        {
            Ok(outcome) => outcome,
            // Stopped (after shutdown) or panicked: either way, not sent.
            Err(e) if e.is_cancelled() => Err("the export runtime has stopped".to_owned()),
            Err(e) => Err(format!("the export failed inside the export runtime ({e})")),
        };
        (outcome.map_err(OTelSdkError::InternalFailure), body)
    }

    async fn send_with_retries(&self, body: Bytes) -> Result<(), String> {
        let response = with_retries(self.timeout, || self.via.attempt(body.clone()))
            .await
            .map_err(|failure| {
                if failure.timed_out {
                    self.via.after_timeout();
                }
                failure.message
            })?;
        check_partial_success(&response, self.items, &self.partial_reports);
        Ok(())
    }
}
