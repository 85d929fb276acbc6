//! [`ServerSpan`]: the SERVER span of the request being served, reachable from any code
//! that runs for it, however deep in `#[tracing::instrument]`ed functions.
//!
//! The server layers (otel-kit-http's and otel-kit-grpc's) make the server span's
//! context current while the handler runs. Inside a `tracing` span, though,
//! `Context::current().span()` is that span (tracing-opentelemetry makes each span's
//! context current when it is entered), not the server span. So when a call starts, the
//! layer also stores the server span in the call's context under a key of its own
//! ([`ServerSpan::stored_in`]): a child context keeps its parent's values
//! (`Context::with_span` copies them, and tracing-opentelemetry builds a span's context
//! from `Context::current()`), so the key is still there in every `tracing` span below,
//! in futures carried with `.in_current_span()` or `.with_current_context()`, and for
//! the OpenTelemetry API.
//!
//! ```
//! use opentelemetry::trace::{TraceContextExt as _, Tracer as _, TracerProvider as _};
//! use opentelemetry::{Context, KeyValue};
//! use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
//! use otel_kit_core::ServerSpan;
//!
//! let exporter = InMemorySpanExporter::default();
//! let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
//! let tracer = provider.tracer("example");
//!
//! // What a server layer does when a request starts...
//! let server = Context::new().with_span(tracer.start("GET /orders/{id}"));
//! let server = ServerSpan::stored_in(server);
//! {
//!     let _request = server.clone().attach();
//!     // ...and what a handler's child span (an `#[instrument]`ed function) looks like.
//!     let child = Context::current().with_span(tracer.start("load_order"));
//!     let _child = child.attach();
//!     ServerSpan::current().set_attribute(KeyValue::new("order.id", 42));
//!     Context::current().span().end();
//! }
//! server.span().end();
//!
//! let spans = exporter.get_finished_spans().unwrap();
//! let on_server = &spans.iter().find(|s| s.name == "GET /orders/{id}").unwrap().attributes;
//! assert!(on_server.contains(&KeyValue::new("order.id", 42)));
//! // Outside a request it records nothing.
//! assert!(!ServerSpan::current().is_recording());
//! ```

use std::borrow::Cow;
use std::fmt;

use opentelemetry::trace::{SpanBuilder, SpanContext, SpanRef, TraceContextExt as _, Tracer};
use opentelemetry::{Context, KeyValue};

use crate::request_path::head_sampling::HeadSampler;

/// The SERVER span of the request being served, for code running for it: see the
/// [module docs](self).
///
/// [`ServerSpan::current()`] finds it from the current OpenTelemetry context; outside a
/// request, or when the request's span is not recorded (sampled out), it is a span
/// that records nothing. The layers store recorded spans only, so a sampled-out request
/// pays nothing for this.
#[derive(Clone, Default)]
pub struct ServerSpan {
    /// The server span's context (the span and the caller's baggage).
    cx: Context,
}

impl ServerSpan {
    /// The server span of the request being served, found in
    /// [`Context::current()`]; a span that records nothing outside a request.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    ///
    /// #[tracing::instrument]
    /// async fn place_order(id: u64) {
    ///     // Lands on the request's SERVER span, not on `place_order`'s span.
    ///     otel_kit_core::ServerSpan::current().set_attribute(KeyValue::new("order.id", id as i64));
    /// }
    /// # let _ = place_order(1);
    /// ```
    pub fn current() -> Self {
        Context::map_current(Self::from_context)
    }

    /// The server span stored in `cx` (a context taken inside a request, carried
    /// elsewhere); a span that records nothing when there is none.
    ///
    /// ```
    /// let span = otel_kit_core::ServerSpan::from_context(&opentelemetry::Context::new());
    /// assert!(!span.span_context().is_valid());
    /// ```
    pub fn from_context(cx: &Context) -> Self {
        cx.get::<ServerSpan>().cloned().unwrap_or_default()
    }

    /// `cx` (the context of a server span a layer just started) with its span stored
    /// as the server span. For instrumentations, which call it for a recording span
    /// only: storing costs three small allocations, and a span that records nothing
    /// would gain nothing from it.
    pub fn stored_in(cx: Context) -> Context {
        let server = ServerSpan { cx: cx.clone() };
        cx.with_value(server)
    }

    /// Starts a server layer's SERVER span from `builder` with `tracer` (and its provider's
    /// `head` sampler, see [`head_sampling`](crate::request_path::head_sampling)), as a child of
    /// `parent`: the context the handler runs in, the span stored in it as the
    /// [`ServerSpan`] when it records (see [`stored_in`](Self::stored_in)), and whether
    /// it records. What the HTTP and gRPC server layers do once they have named the
    /// span and gathered its attributes.
    ///
    /// ```
    /// use opentelemetry::Context;
    /// use opentelemetry::trace::{SpanBuilder, SpanKind, TracerProvider as _};
    /// use opentelemetry_sdk::trace::SdkTracerProvider;
    /// use otel_kit_core::ServerSpan;
    ///
    /// let tracer = SdkTracerProvider::default().tracer("example");
    /// let builder = SpanBuilder::from_name("GET /users/{id}").with_kind(SpanKind::Server);
    /// let (cx, recording) = ServerSpan::start(None, &tracer, builder, &Context::new());
    /// assert!(recording);
    /// assert!(ServerSpan::from_context(&cx).is_recording());
    /// ```
    // Always inlined: a call would move the (large) builder once more, on every request.
    #[inline(always)]
    pub fn start<T: Tracer>(
        head: Option<&dyn HeadSampler>,
        tracer: &T,
        builder: SpanBuilder,
        parent: &Context,
    ) -> (Context, bool)
    where
        T::Span: Send + Sync + 'static,
    {
        Self::start_with(head, tracer, builder, parent, Vec::new)
    }

    /// [`start`](Self::start), with `attributes` made only when needed: see
    /// [`head_sampling::start_span_with`](crate::request_path::head_sampling::start_span_with).
    ///
    /// ```
    /// use opentelemetry::{Context, KeyValue};
    /// use opentelemetry::trace::{SpanBuilder, SpanKind, TracerProvider as _};
    /// use opentelemetry_sdk::trace::SdkTracerProvider;
    /// use otel_kit_core::ServerSpan;
    ///
    /// let tracer = SdkTracerProvider::default().tracer("example");
    /// let builder = SpanBuilder::from_name("GET /users/{id}").with_kind(SpanKind::Server);
    /// let (cx, recording) = ServerSpan::start_with(None, &tracer, builder, &Context::new(), || {
    ///     vec![KeyValue::new("url.path", "/users/7")]
    /// });
    /// assert!(recording);
    /// ```
    #[inline(always)]
    pub fn start_with<T: Tracer>(
        head: Option<&dyn HeadSampler>,
        tracer: &T,
        builder: SpanBuilder,
        parent: &Context,
        attributes: impl FnOnce() -> Vec<KeyValue>,
    ) -> (Context, bool)
    where
        T::Span: Send + Sync + 'static,
    {
        let (cx, recording) =
            crate::request_path::head_sampling::start_span_with(head, tracer, builder, parent, attributes);
        // Handler code inside its own `tracing` spans reaches the server span through this.
        let cx = if recording { Self::stored_in(cx) } else { cx };
        (cx, recording)
    }

    /// Whether attributes and events set through this value are recorded.
    pub fn is_recording(&self) -> bool {
        self.cx.span().is_recording()
    }

    /// Sets `attribute` on the server span.
    pub fn set_attribute(&self, attribute: KeyValue) {
        self.cx.span().set_attribute(attribute);
    }

    /// Sets each of `attributes` on the server span.
    pub fn set_attributes(&self, attributes: impl IntoIterator<Item = KeyValue>) {
        self.cx.span().set_attributes(attributes);
    }

    /// Adds an event to the server span.
    pub fn add_event(&self, name: impl Into<Cow<'static, str>>, attributes: Vec<KeyValue>) {
        self.cx.span().add_event(name, attributes);
    }

    /// The server span's identity (invalid when there is none).
    pub fn span_context(&self) -> SpanContext {
        self.cx.span().span_context().clone()
    }

    /// The server span itself, for the rest of the OpenTelemetry span API.
    pub fn span(&self) -> SpanRef<'_> {
        self.cx.span()
    }

    /// The server span's context: to start spans under it, or to carry it elsewhere.
    pub fn context(&self) -> &Context {
        &self.cx
    }
}

impl fmt::Debug for ServerSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerSpan")
            .field("span_context", &self.span_context())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::trace::{SpanId, TraceFlags, TraceId, TraceState};

    #[test]
    fn a_stored_span_is_found_in_its_context_and_its_children() {
        let remote = SpanContext::new(
            TraceId::from(1),
            SpanId::from(2),
            TraceFlags::SAMPLED,
            true,
            TraceState::default(),
        );
        let cx = ServerSpan::stored_in(Context::new().with_remote_span_context(remote.clone()));
        let child = cx.with_remote_span_context(SpanContext::empty_context());
        assert_eq!(ServerSpan::from_context(&child).span_context(), remote);
        assert!(
            !ServerSpan::from_context(&Context::new())
                .span_context()
                .is_valid()
        );
    }
}
