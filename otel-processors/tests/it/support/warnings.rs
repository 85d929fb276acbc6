//! The messages of the `otel_kit_otlp` warnings a test's process logged, for the tests
//! that install a global `tracing` subscriber in a process of their own.

use std::sync::{Arc, Mutex};

/// Collects the message of every `WARN` event with the target `otel_kit_otlp`.
#[derive(Clone, Default)]
pub(crate) struct Warnings(pub(crate) Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Warnings {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "otel_kit_otlp" && *event.metadata().level() == tracing::Level::WARN {
            struct Message(String);
            impl tracing::field::Visit for Message {
                fn record_debug(&mut self, _: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                    self.0 = format!("{value:?}");
                }
            }
            let mut m = Message(String::new());
            event.record(&mut m);
            self.0.lock().expect("test lock").push(m.0);
        }
    }
}
