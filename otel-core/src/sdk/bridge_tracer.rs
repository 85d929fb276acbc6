//! [`BridgeTracer`]: the tracer to give the `tracing` span bridge
//! (`tracing-opentelemetry`), so the spans it makes carry only registered attributes.
//!
//! With locations on (its default), `tracing-opentelemetry` 0.34 puts `code.file.path`,
//! `code.line.number` and `code.module.name` on every span and every span event.
//! `code.module.name` is not in the semantic-conventions registry (1.44 has
//! `code.function.name`, `code.file.path`, `code.line.number`, `code.column.number`,
//! `code.stacktrace`), so a registry check flags it on every span. The module path adds
//! nothing the file path does not already say, so it is left out here, where the spans
//! are built, whichever provider they go to.

use std::borrow::Cow;
use std::time::SystemTime;

use opentelemetry::trace::{SpanBuilder, SpanContext, Status, Tracer};
use opentelemetry::{Context, KeyValue};

/// The attribute `tracing-opentelemetry` adds that the registry does not define.
const UNREGISTERED: &str = "code.module.name";

fn keep_registered(attributes: &mut Vec<KeyValue>) {
    attributes.retain(|kv| kv.key.as_str() != UNREGISTERED);
}

/// Wraps the tracer the `tracing` bridge builds spans with, and leaves out
/// `code.module.name` from the spans and span events it builds.
///
/// ```
/// use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
/// use opentelemetry::KeyValue;
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
/// use otel_kit_core::sdk::BridgeTracer;
///
/// let exporter = InMemorySpanExporter::default();
/// let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
/// let tracer = BridgeTracer::new(provider.tracer("app"));
/// // What tracing-opentelemetry does for a `tracing` span, with locations on.
/// let builder = tracer.span_builder("work").with_attributes([
///     KeyValue::new("code.file.path", "src/main.rs"),
///     KeyValue::new("code.module.name", "app::work"),
///     KeyValue::new("code.line.number", 7),
/// ]);
/// builder.start(&tracer).end();
/// let spans = exporter.get_finished_spans()?;
/// let keys: Vec<&str> = spans[0].attributes.iter().map(|kv| kv.key.as_str()).collect();
/// assert_eq!(keys, ["code.file.path", "code.line.number"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct BridgeTracer<T> {
    inner: T,
}

impl<T: Tracer> BridgeTracer<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> Self {
        BridgeTracer { inner }
    }
}

impl<T: Tracer> Tracer for BridgeTracer<T> {
    type Span = BridgeSpan<T::Span>;

    fn build_with_context(&self, mut builder: SpanBuilder, parent_cx: &Context) -> Self::Span {
        if let Some(attributes) = &mut builder.attributes {
            keep_registered(attributes);
        }
        if let Some(events) = &mut builder.events {
            for event in events {
                keep_registered(&mut event.attributes);
            }
        }
        BridgeSpan {
            inner: self.inner.build_with_context(builder, parent_cx),
        }
    }
}

/// A span built by a [`BridgeTracer`]: events added while it is open (with context
/// activation, the bridge starts spans eagerly) lose `code.module.name` too.
#[derive(Debug)]
pub struct BridgeSpan<S> {
    inner: S,
}

impl<S: opentelemetry::trace::Span> opentelemetry::trace::Span for BridgeSpan<S> {
    fn add_event_with_timestamp<N>(&mut self, name: N, timestamp: SystemTime, mut attributes: Vec<KeyValue>)
    where
        N: Into<Cow<'static, str>>,
    {
        keep_registered(&mut attributes);
        self.inner.add_event_with_timestamp(name, timestamp, attributes);
    }

    fn span_context(&self) -> &SpanContext {
        self.inner.span_context()
    }

    fn is_recording(&self) -> bool {
        self.inner.is_recording()
    }

    fn set_attribute(&mut self, attribute: KeyValue) {
        if attribute.key.as_str() != UNREGISTERED {
            self.inner.set_attribute(attribute);
        }
    }

    fn set_status(&mut self, status: Status) {
        self.inner.set_status(status);
    }

    fn update_name<N>(&mut self, new_name: N)
    where
        N: Into<Cow<'static, str>>,
    {
        self.inner.update_name(new_name);
    }

    fn add_link(&mut self, span_context: SpanContext, attributes: Vec<KeyValue>) {
        self.inner.add_link(span_context, attributes);
    }

    fn end_with_timestamp(&mut self, timestamp: SystemTime) {
        self.inner.end_with_timestamp(timestamp);
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
    use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};

    use super::*;

    #[test]
    fn events_of_an_open_span_lose_the_module_too() {
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let tracer = BridgeTracer::new(provider.tracer("unit"));
        let mut span = tracer.start("open");
        span.add_event(
            "inside",
            vec![
                KeyValue::new("code.module.name", "app"),
                KeyValue::new("code.line.number", 3),
            ],
        );
        span.set_attribute(KeyValue::new("code.module.name", "app"));
        span.set_attribute(KeyValue::new("app.kept", true));
        span.end();
        let spans = exporter.get_finished_spans().expect("spans");
        let keys = |attributes: &[KeyValue]| -> Vec<String> {
            attributes.iter().map(|kv| kv.key.to_string()).collect()
        };
        assert_eq!(keys(&spans[0].attributes), ["app.kept"]);
        assert_eq!(keys(&spans[0].events.events[0].attributes), ["code.line.number"]);
    }
}
