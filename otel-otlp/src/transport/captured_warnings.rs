//! The `otel_kit_otlp` warnings logged on a test's own thread, for the unit tests that
//! count them (a subscriber of this thread only: the tests of the crate run side by
//! side in one process).

use std::sync::{Arc, Mutex, PoisonError};

use tracing_subscriber::layer::SubscriberExt as _;

/// The message of every `WARN` event with the target `otel_kit_otlp` logged on this
/// thread while the guard of [`capture`](Self::capture) lives.
#[derive(Clone, Default)]
pub(crate) struct CapturedWarnings(Arc<Mutex<Vec<String>>>);

impl CapturedWarnings {
    /// Starts keeping this thread's warnings, until the guard is dropped.
    pub(crate) fn capture() -> (Self, tracing::subscriber::DefaultGuard) {
        let warnings = CapturedWarnings::default();
        let guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(warnings.clone()));
        (warnings, guard)
    }

    /// The messages so far, oldest first.
    pub(crate) fn messages(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CapturedWarnings {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let metadata = event.metadata();
        if metadata.target() != "otel_kit_otlp" || *metadata.level() != tracing::Level::WARN {
            return;
        }
        struct Message(String);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(message.0);
    }
}
