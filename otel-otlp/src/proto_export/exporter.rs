//! What our exporters of every signal do with a batch: encode it into the kept buffer
//! on the caller's thread, send it, take the buffer back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};

use super::body::BodyBuffers;
use super::sender::Sender;
use super::services::SignalInfo;
use super::transport::sender;
use crate::ExportSettings;
use crate::error::{BuildError, BuildWarning};
use crate::export_stats::ExportStats;
use crate::report_gate::ReportGate;
use crate::transport::export_runtime::RuntimeRef;

/// One signal's encoder, as the exporter drives it.
pub(crate) trait Encoder: Default + Send + std::fmt::Debug {
    /// The values it may leave out, for the warning: "span attribute values", ...
    const VALUES: &'static str;
    fn set_resource(&mut self, resource: &Resource);
    /// How many values, in all, were left out for having no OTLP form.
    fn dropped_values(&self) -> u64;
}

/// An exporter over our encoding: `E` writes the requests, `Sender` sends them.
#[derive(Debug)]
pub(crate) struct ProtoExporter<E> {
    state: Mutex<State<E>>,
    sender: Arc<Sender>,
    shut_down: AtomicBool,
    dropped_reports: ReportGate,
    stats: Arc<ExportStats>,
}

#[derive(Debug, Default)]
struct State<E> {
    encoder: E,
    buffers: BodyBuffers,
}

/// A lenient build of one signal's exporter: ours over its sender, made the public
/// exporter by `wrap`, and what the build left out.
pub(super) fn lenient<E: Encoder, X>(
    settings: ExportSettings,
    runtime: Option<RuntimeRef>,
    signal: &SignalInfo,
    wrap: impl FnOnce(ProtoExporter<E>) -> X,
) -> Result<(X, Vec<BuildWarning>), BuildError> {
    let (sender, warnings) = sender(settings, runtime, signal)?;
    Ok((wrap(ProtoExporter::new(sender)), warnings))
}

/// A strict build refuses what a lenient one leaves out.
pub(super) fn strict<X>((exporter, warnings): (X, Vec<BuildWarning>)) -> Result<X, BuildError> {
    match warnings.into_iter().next() {
        Some(w) => Err(BuildError::Certificate {
            setting: w.setting,
            why: w.why,
        }),
        None => Ok(exporter),
    }
}

impl<E: Encoder> ProtoExporter<E> {
    fn new(sender: Arc<Sender>) -> Self {
        ProtoExporter {
            state: Mutex::new(State::default()),
            sender,
            shut_down: AtomicBool::new(false),
            dropped_reports: ReportGate::new(),
            stats: Arc::default(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State<E>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn stats(&self) -> Arc<ExportStats> {
        Arc::clone(&self.stats)
    }

    /// Encodes with `encode` (before anything is awaited: the batch is not held across
    /// the send), then sends, and counts the `items` sent or lost.
    pub(super) async fn export_with(
        &self,
        items: u64,
        encode: impl FnOnce(&mut E, &mut Vec<u8>),
    ) -> OTelSdkResult {
        if self.shut_down.load(Ordering::Relaxed) {
            return Err(OTelSdkError::AlreadyShutdown);
        }
        let compression = self.sender.body_compression();
        let body = {
            let mut state = self.state();
            let State { encoder, buffers } = &mut *state;
            let dropped_before = encoder.dropped_values();
            encode(encoder, buffers.encoded());
            let dropped = encoder.dropped_values() - dropped_before;
            if dropped > 0 && self.dropped_reports.pass() {
                tracing::warn!(
                    target: "otel_kit_otlp",
                    "{dropped} {} had no OTLP form and were left out (attributes are counted in their dropped counts)",
                    E::VALUES
                );
            }
            buffers.lend(compression).map_err(|e| {
                let name = compression.map_or("none", |c| c.as_str());
                OTelSdkError::InternalFailure(format!("{name} compression failed: {e}"))
            })?
        };
        let (outcome, body) = self.sender.send(body).await;
        self.state().buffers.take_back(body, compression);
        self.stats.record(items, outcome.is_ok());
        outcome
    }

    pub(super) fn stop(&self) -> OTelSdkResult {
        if self.shut_down.swap(true, Ordering::Relaxed) {
            return Err(OTelSdkError::AlreadyShutdown);
        }
        Ok(())
    }

    pub(super) fn use_resource(&mut self, resource: &Resource) {
        self.state().encoder.set_resource(resource);
    }
}
