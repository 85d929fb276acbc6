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
//!
//! Given its provider's head sampler ([`BridgeTracer::with_head_sampler`]), it asks the
//! sampler before building, as the kit's own spans do: a `tracing` span the sampler drops
//! is its ids ([`BridgeSpan`] holds them), never an SDK span, and its target's tracer is
//! not looked up.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::SystemTime;

use opentelemetry::trace::{SpanBuilder, SpanContext, Status, Tracer, TracerProvider};
use opentelemetry::{Context, InstrumentationScope, KeyValue};

use crate::request_path::head_sampling::{self, HeadSampler};

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
/// use otel_kit_core::__private::BridgeTracer;
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
pub struct BridgeTracer<T> {
    // Shared, so the span bridge's downcast copy uses the same tracer without `T: Clone`.
    inner: Arc<T>,
    per_target: Option<Arc<PerTarget<T>>>,
    head: Option<Arc<dyn HeadSampler>>,
}

impl<T> Clone for BridgeTracer<T> {
    fn clone(&self) -> Self {
        BridgeTracer {
            inner: Arc::clone(&self.inner),
            per_target: self.per_target.clone(),
            head: self.head.clone(),
        }
    }
}

impl<T> std::fmt::Debug for BridgeTracer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BridgeTracer")
            .field("per_target", &self.per_target.is_some())
            .field("head_sampler", &self.head.is_some())
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
            inner: Arc::new(inner),
            per_target: None,
            head: None,
        }
    }

    /// Asks `head` (the head sampler of the provider behind this tracer, from
    /// [`head_sampling::probe`]; `None` for none) before each span is built: a span it
    /// drops is never built.
    ///
    /// ```
    /// use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
    /// use opentelemetry_sdk::trace::SdkTracerProvider;
    /// use otel_kit_core::__private::BridgeTracer;
    ///
    /// let provider = SdkTracerProvider::default();
    /// let (tracer, head) = otel_kit_core::__private::head_sampling::probe(|| provider.tracer("app"));
    /// let tracer = BridgeTracer::new(tracer).with_head_sampler(head);
    /// assert!(tracer.start("work").is_recording(), "a provider built by hand has none: the SDK decides");
    /// ```
    pub fn with_head_sampler(mut self, head: Option<Arc<dyn HeadSampler>>) -> Self {
        self.head = head;
        self
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
    /// use otel_kit_core::__private::BridgeTracer;
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
            inner: Arc::new(default),
            per_target: Some(Arc::new(PerTarget {
                make: Box::new(make),
                tracers: RwLock::new(HashMap::new()),
            })),
            head: None,
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
        let mut target = None;
        if let Some(attributes) = &mut builder.attributes {
            keep_registered(attributes);
            if self.per_target.is_some()
                && let Some(at) = attributes.iter().position(|kv| kv.key.as_str() == TARGET)
            {
                target = Some(attributes.remove(at).value);
            }
        }
        if let Some(events) = &mut builder.events {
            for event in events {
                keep_registered(&mut event.attributes);
            }
        }
        // The SDK starts an invalid span in a suppressed context; it decides that case.
        let head = self
            .head
            .as_deref()
            .filter(|_| !parent_cx.is_telemetry_suppressed());
        if let Some(head) = head
            && let Some(span) = head_sampling::dropped(head, parent_cx, &builder)
        {
            return BridgeSpan {
                inner: Built::Dropped(span),
            };
        }
        let by_target = target
            .zip(self.per_target.as_ref())
            .and_then(|(target, per_target)| per_target.tracer(target.as_str().as_ref()));
        let span = match &by_target {
            Some(tracer) => tracer.build_with_context(builder, parent_cx),
            None => self.inner.build_with_context(builder, parent_cx),
        };
        if let Some(head) = head {
            head.forget();
        }
        BridgeSpan {
            inner: Built::Span(span),
        }
    }
}

/// A span built by a [`BridgeTracer`]: events added while it is open (with context
/// activation, the bridge starts spans eagerly) lose `code.module.name` too. A span the
/// head sampler dropped is only its ids: it records nothing.
#[derive(Debug)]
pub struct BridgeSpan<S> {
    inner: Built<S>,
}

/// What a [`BridgeSpan`] is.
#[derive(Debug)]
enum Built<S> {
    /// The provider's span.
    Span(S),
    /// Dropped by the head sampler before it was built.
    Dropped(SpanContext),
}

impl<S: opentelemetry::trace::Span> opentelemetry::trace::Span for BridgeSpan<S> {
    fn add_event_with_timestamp<N>(&mut self, name: N, timestamp: SystemTime, mut attributes: Vec<KeyValue>)
    where
        N: Into<Cow<'static, str>>,
    {
        if let Built::Span(inner) = &mut self.inner {
            keep_registered(&mut attributes);
            inner.add_event_with_timestamp(name, timestamp, attributes);
        }
    }

    fn span_context(&self) -> &SpanContext {
        match &self.inner {
            Built::Span(inner) => inner.span_context(),
            Built::Dropped(span_context) => span_context,
        }
    }

    fn is_recording(&self) -> bool {
        match &self.inner {
            Built::Span(inner) => inner.is_recording(),
            Built::Dropped(_) => false,
        }
    }

    fn set_attribute(&mut self, attribute: KeyValue) {
        if let Built::Span(inner) = &mut self.inner
            && attribute.key.as_str() != UNREGISTERED
        {
            inner.set_attribute(attribute);
        }
    }

    fn set_status(&mut self, status: Status) {
        if let Built::Span(inner) = &mut self.inner {
            inner.set_status(status);
        }
    }

    fn update_name<N>(&mut self, new_name: N)
    where
        N: Into<Cow<'static, str>>,
    {
        if let Built::Span(inner) = &mut self.inner {
            inner.update_name(new_name);
        }
    }

    fn add_link(&mut self, span_context: SpanContext, attributes: Vec<KeyValue>) {
        if let Built::Span(inner) = &mut self.inner {
            inner.add_link(span_context, attributes);
        }
    }

    fn end_with_timestamp(&mut self, timestamp: SystemTime) {
        if let Built::Span(inner) = &mut self.inner {
            inner.end_with_timestamp(timestamp);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use opentelemetry::trace::{
        Span as _, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState, Tracer as _,
        TracerProvider as _,
    };
    use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};

    use super::*;
    use crate::request_path::head_sampling::HeadDecision;

    /// Drops spans named `drop`, keeps the rest; counts what it is asked.
    #[derive(Default)]
    struct ByName {
        decided: AtomicUsize,
        forgotten: AtomicUsize,
    }

    impl HeadSampler for ByName {
        fn decide(&self, _: &Context, _: TraceId, _: bool, span: &SpanBuilder) -> HeadDecision {
            self.decided.fetch_add(1, Ordering::Relaxed);
            if span.name == "drop" {
                HeadDecision::Drop(TraceState::from_key_value([("k", "v")]).expect("a state"))
            } else {
                HeadDecision::Record
            }
        }
        fn forget(&self) {
            self.forgotten.fetch_add(1, Ordering::Relaxed);
        }
        fn new_trace_id(&self) -> TraceId {
            TraceId::from(5)
        }
        fn new_span_id(&self) -> SpanId {
            SpanId::from(9)
        }
    }

    #[test]
    fn a_span_the_head_sampler_drops_is_its_ids_and_no_sdk_span() {
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let head = Arc::new(ByName::default());
        let tracer = BridgeTracer::per_target(provider.clone(), provider.tracer("unit"))
            .with_head_sampler(Some(Arc::clone(&head) as Arc<dyn HeadSampler>));
        let parent = Context::new().with_remote_span_context(SpanContext::new(
            TraceId::from(1),
            SpanId::from(2),
            // Sampled, so that the SDK's own (parent-based) sampler keeps what the head keeps.
            TraceFlags::SAMPLED,
            true,
            TraceState::default(),
        ));

        let mut dropped = tracer.build_with_context(
            SpanBuilder::from_name("drop").with_attributes([KeyValue::new("target", "app::jobs")]),
            &parent,
        );
        assert!(!dropped.is_recording());
        let ids = dropped.span_context().clone();
        assert_eq!(
            (ids.trace_id(), ids.span_id()),
            (TraceId::from(1), SpanId::from(9))
        );
        assert!(!ids.is_sampled() && !ids.is_remote());
        assert_eq!(ids.trace_state().get("k"), Some("v"), "the sampler's trace state");
        dropped.set_attribute(KeyValue::new("app.kept", true));
        dropped.end();

        let mut kept = tracer.build_with_context(
            SpanBuilder::from_name("keep").with_attributes([KeyValue::new("target", "app::jobs")]),
            &parent,
        );
        assert!(kept.is_recording());
        kept.end();

        assert_eq!(head.decided.load(Ordering::Relaxed), 2, "asked once per span");
        assert_eq!(
            head.forgotten.load(Ordering::Relaxed),
            1,
            "the kept decision let go once built"
        );
        let spans = exporter.get_finished_spans().expect("spans");
        let names: Vec<&str> = spans.iter().map(|span| span.name.as_ref()).collect();
        assert_eq!(names, ["keep"], "no SDK span for the dropped one");
        assert_eq!(spans[0].instrumentation_scope.name(), "app::jobs");
    }

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
