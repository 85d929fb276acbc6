//! What the exporters log while the doctor exports (a collector's partial success, a
//! retry), caught by a `tracing` subscriber instead of printed.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};

/// The lines logged by the export side since the last [`clear`](Self::clear).
#[derive(Debug, Clone, Default)]
pub(crate) struct ExporterWarnings(Arc<Mutex<Vec<String>>>);

impl ExporterWarnings {
    /// Installs the catching subscriber as the global default (the exporters log from
    /// their own thread). If one is installed already, nothing is caught.
    pub(crate) fn install() -> ExporterWarnings {
        let caught = ExporterWarnings::default();
        let subscriber = tracing_subscriber::registry().with(Catch(caught.clone()));
        let _ = tracing::subscriber::set_global_default(subscriber);
        caught
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut lines) = self.0.lock() {
            lines.clear();
        }
    }

    pub(crate) fn take(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|mut lines| std::mem::take(&mut *lines))
            .unwrap_or_default()
    }
}

/// The layer: warnings and errors of the OpenTelemetry crates and the kit's exporters.
struct Catch(ExporterWarnings);

impl<S: tracing::Subscriber> Layer<S> for Catch {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let meta = event.metadata();
        let ours = meta.target().starts_with("otel_kit") || meta.target().starts_with("opentelemetry");
        if !ours || *meta.level() > tracing::Level::WARN {
            return;
        }
        let mut line = Line::default();
        event.record(&mut line);
        if let Ok(mut lines) = (self.0).0.lock()
            && lines.len() < 64
        {
            lines.push(line.0);
        }
    }
}

/// An event's message and fields on one line.
#[derive(Default)]
struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, "{}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        if field.name() == "message" {
            self.0.push_str(value);
        } else {
            let _ = write!(self.0, "{}={value}", field.name());
        }
    }
}
