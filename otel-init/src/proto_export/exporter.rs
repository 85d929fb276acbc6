//! The span exporter: each batch encoded by `TraceEncoder` into the kept buffer, then
//! sent.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use super::body::BodyBuffers;
use super::sender::Sender;
use crate::otlp_encoding::TraceEncoder;
use crate::report_gate::ReportGate;

/// OTLP/gRPC and OTLP/HTTP-protobuf span exports, encoded by us.
#[derive(Debug)]
pub(crate) struct ProtoSpanExporter {
    state: Mutex<State>,
    sender: Arc<Sender>,
    shut_down: AtomicBool,
    dropped_reports: ReportGate,
}

#[derive(Debug, Default)]
struct State {
    encoder: TraceEncoder,
    buffers: BodyBuffers,
}

impl ProtoSpanExporter {
    pub(crate) fn new(sender: Arc<Sender>) -> Self {
        ProtoSpanExporter {
            state: Mutex::new(State::default()),
            sender,
            shut_down: AtomicBool::new(false),
            dropped_reports: ReportGate::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl SpanExporter for ProtoSpanExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        if self.shut_down.load(Ordering::Relaxed) {
            return Err(OTelSdkError::AlreadyShutdown);
        }
        let gzip = self.sender.gzip();
        let body = {
            let mut state = self.state();
            let State { encoder, buffers } = &mut *state;
            let dropped_before = encoder.dropped_values();
            encoder.encode(&batch, buffers.encoded());
            let dropped = encoder.dropped_values() - dropped_before;
            if dropped > 0 && self.dropped_reports.pass() {
                tracing::warn!(
                    target: "otel_kit_init",
                    "{dropped} span attribute values had no OTLP form and were left out (counted in the dropped attribute counts)"
                );
            }
            buffers
                .lend(gzip)
                .map_err(|e| OTelSdkError::InternalFailure(format!("gzip failed: {e}")))?
        };
        // The spans are written: free them before waiting on the network.
        drop(batch);
        let (outcome, body) = self.sender.send(body).await;
        self.state().buffers.take_back(body, gzip);
        outcome
    }

    fn shutdown_with_timeout(&self, _timeout: std::time::Duration) -> OTelSdkResult {
        if self.shut_down.swap(true, Ordering::Relaxed) {
            return Err(OTelSdkError::AlreadyShutdown);
        }
        Ok(())
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.state().encoder.set_resource(resource);
    }
}
