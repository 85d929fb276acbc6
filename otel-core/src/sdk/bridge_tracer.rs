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
//!
//! Made with [`BridgeTracer::per_target`], it also gives each `tracing` target its own
//! instrumentation scope, as the log bridge does for log records: `sqlx::query` spans
//! under the scope `sqlx::query`, the application's under its module path.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::SystemTime;

use opentelemetry::trace::{SpanBuilder, SpanContext, Status, Tracer, TracerProvider};
use opentelemetry::{Context, InstrumentationScope, KeyValue};

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
#[derive(Clone)]
pub struct BridgeTracer<T> {
    inner: T,
    per_target: Option<Arc<PerTarget<T>>>,
}

impl<T> std::fmt::Debug for BridgeTracer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BridgeTracer")
            .field("per_target", &self.per_target.is_some())
            .finish_non_exhaustive()
    }
}

/// The most targets given a scope of their own; spans of further targets go to the
/// default tracer (targets are module paths, so a program has a bounded number).
const MAX_TARGETS: usize = 1024;

/// The attribute tracing-opentelemetry's `with_target(true)` puts on each span.
const TARGET: &str = "target";

/// A tracer per `tracing` target, made by the provider the first time a target is seen.
struct PerTarget<T> {
    make: Box<dyn Fn(&str) -> T + Send + Sync>,
    tracers: RwLock<HashMap<Box<str>, Arc<T>>>,
}

impl<T> PerTarget<T> {
    fn tracer(&self, target: &str) -> Option<Arc<T>> {
        if let Some(tracer) = self
            .tracers
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(target)
        {
            return Some(Arc::clone(tracer));
        }
        let mut tracers = self.tracers.write().unwrap_or_else(PoisonError::into_inner);
        if tracers.len() >= MAX_TARGETS && !tracers.contains_key(target) {
            return None;
        }
        let tracer = tracers
            .entry(target.into())
            .or_insert_with(|| Arc::new((self.make)(target)));
        Some(Arc::clone(tracer))
    }
}

impl<T: Tracer> BridgeTracer<T> {
    /// Wraps `inner`: every span under its scope.
    pub fn new(inner: T) -> Self {
        BridgeTracer {
            inner,
            per_target: None,
        }
    }

    /// Each span under a scope named after its `tracing` target, from `provider`
    /// (spans without a target, and those of targets beyond the first 1024, under
    /// `default`'s). The `tracing` bridge must put the target on the span
    /// (`tracing_opentelemetry::layer().with_target(true)`); this removes it again.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    /// use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
    /// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
    /// use otel_kit_core::sdk::BridgeTracer;
    ///
    /// let exporter = InMemorySpanExporter::default();
    /// let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
    /// let tracer = BridgeTracer::per_target(provider.clone(), provider.tracer("app"));
    /// tracer.span_builder("query").with_attributes([KeyValue::new("target", "sqlx::query")]).start(&tracer).end();
    /// let spans = exporter.get_finished_spans()?;
    /// assert_eq!(spans[0].instrumentation_scope.name(), "sqlx::query");
    /// assert!(spans[0].attributes.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn per_target<P>(provider: P, default: T) -> Self
    where
        P: TracerProvider<Tracer = T> + Send + Sync + 'static,
    {
        let make = move |target: &str| {
            provider.tracer_with_scope(InstrumentationScope::builder(target.to_owned()).build())
        };
        BridgeTracer {
            inner: default,
            per_target: Some(Arc::new(PerTarget {
                make: Box::new(make),
                tracers: RwLock::new(HashMap::new()),
            })),
        }
    }

    /// Whether spans must carry their target (made with [`per_target`](Self::per_target)).
    pub fn wants_target(&self) -> bool {
        self.per_target.is_some()
    }
}

impl<T: Tracer> Tracer for BridgeTracer<T> {
    type Span = BridgeSpan<T::Span>;

    fn build_with_context(&self, mut builder: SpanBuilder, parent_cx: &Context) -> Self::Span {
        let mut by_target = None;
        if let Some(attributes) = &mut builder.attributes {
            keep_registered(attributes);
            if let Some(per_target) = &self.per_target
                && let Some(at) = attributes.iter().position(|kv| kv.key.as_str() == TARGET)
            {
                let target = attributes.remove(at).value;
                by_target = per_target.tracer(target.as_str().as_ref());
            }
        }
        if let Some(events) = &mut builder.events {
            for event in events {
                keep_registered(&mut event.attributes);
            }
        }
        BridgeSpan {
            inner: match &by_target {
                Some(tracer) => tracer.build_with_context(builder, parent_cx),
                None => self.inner.build_with_context(builder, parent_cx),
            },
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
