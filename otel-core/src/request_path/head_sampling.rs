//! Sampling decided before a span is built, so that a span the sampler drops costs its
//! ids and a non-recording context, and nothing a recorded span needs.
//!
//! The OpenTelemetry SDK decides inside `Tracer::build_with_context`, after the caller
//! has built every attribute, and even a dropped span is a boxed SDK span holding its
//! tracer, in a context that boxes it again. A [`HeadSampler`] asks the tracer
//! provider's own sampler first:
//!
//! | the sampler says | [`start_span`] returns |
//! | --- | --- |
//! | drop | the parent's context with a non-recording span of the ids the provider's generator made: no SDK span, one allocation |
//! | record (and sample) | the SDK's span, built with the decision already taken: the sampler is not asked twice |
//!
//! Only a tracer provider that answers the probe has one: otel-kit-init's, whose sampler
//! and id generator take a decision handed to them on the same thread
//! ([`HeadSampler::decide`]) instead of taking their own. Any other tracer (the SDK's by
//! hand, a test's, a no-op) is used as before. The provider answers the probe
//! ([`probe`]) while it makes the tracer, so a head sampler always belongs to the
//! provider behind the very tracer it is used with, whoever set the globals in whatever
//! order.

use std::cell::RefCell;
use std::sync::Arc;

use opentelemetry::trace::{
    SpanBuilder, SpanContext, SpanId, TraceContextExt as _, TraceId, TraceState, Tracer,
};
use opentelemetry::{Context, KeyValue};

/// A tracer provider's sampler and id generator, asked before a span is built.
///
/// Implemented by otel-kit-init for the providers it builds; instrumentations only call
/// [`start_span`].
pub trait HeadSampler: Send + Sync + 'static {
    /// Asks the provider's sampler about a span of `trace_id` (the parent's, or a new
    /// one from [`new_trace_id`](Self::new_trace_id) for a root). On
    /// [`HeadDecision::Record`] the decision is kept on this thread for the provider's
    /// next span of `trace_id`, so the span built next takes it (and, for a root, that
    /// trace id) instead of sampling again; [`forget`](Self::forget) drops it.
    /// The sampler sees `span`'s name, kind, attributes and links.
    fn decide(&self, parent: &Context, trace_id: TraceId, root: bool, span: &SpanBuilder) -> HeadDecision;

    /// Drops a decision [`decide`](Self::decide) kept on this thread and no span took
    /// (the provider was shut down, or the context suppresses telemetry).
    fn forget(&self);

    /// A trace id from the provider's id generator.
    fn new_trace_id(&self) -> TraceId;

    /// A span id from the provider's id generator.
    fn new_span_id(&self) -> SpanId;

    /// Whether the sampler reads a span's attributes. When it does not (the ratio and
    /// parent-based presets), [`start_span_with`] makes a span's attributes only once the
    /// span records. The default, `true`, is always correct.
    fn reads_attributes(&self) -> bool {
        true
    }
}

/// What the sampler decided, as [`HeadSampler::decide`] answers it.
#[derive(Debug)]
pub enum HeadDecision {
    /// Build the span: the decision waits for it on this thread.
    Record,
    /// Not recorded: the trace state the sampler gave the dropped span.
    Drop(TraceState),
}

thread_local! {
    /// Set while [`probe`] makes a tracer: a provider with a head sampler answers here.
    static PROBE: RefCell<Option<Option<Arc<dyn HeadSampler>>>> = const { RefCell::new(None) };
}

/// A tracer provider making a tracer, answering [`probe`]: `head` is the head sampler
/// for that tracer's spans. Nothing when no probe is under way.
pub fn answer_probe(head: Arc<dyn HeadSampler>) {
    let _ = PROBE.try_with(|probe| {
        if let Ok(mut probe) = probe.try_borrow_mut()
            && let Some(answer) = probe.as_mut()
        {
            *answer = Some(head);
        }
    });
}

/// Makes a tracer with `make` (from the globals or a provider given), and finds
/// whether its provider has a head sampler: a provider that has one answers while it
/// makes the tracer ([`answer_probe`]). Making a tracer exports nothing, so any provider
/// can be probed. Call it when resolving a tracer, not per span.
pub fn probe<T>(make: impl FnOnce() -> T) -> (T, Option<Arc<dyn HeadSampler>>) {
    let started = PROBE
        .try_with(|probe| {
            probe
                .try_borrow_mut()
                .ok()
                .filter(|probe| probe.is_none())
                .map(|mut probe| *probe = Some(None))
                .is_some()
        })
        .unwrap_or(false);
    let tracer = make();
    if !started {
        return (tracer, None);
    }
    let head = PROBE
        .try_with(|probe| {
            probe
                .try_borrow_mut()
                .ok()
                .and_then(|mut probe| probe.take().flatten())
        })
        .ok()
        .flatten();
    (tracer, head)
}

/// Starts a span from `builder` as a child of `parent` with `tracer`: the context the
/// span is current in, and whether it records. With a head sampler a span its sampler
/// drops is never built (see the [module docs](self)).
///
/// ```
/// use opentelemetry::Context;
/// use opentelemetry::trace::{SpanBuilder, SpanKind, TracerProvider as _};
/// use opentelemetry_sdk::trace::SdkTracerProvider;
///
/// let provider = SdkTracerProvider::default();
/// let (tracer, head) = otel_kit_core::__private::head_sampling::probe(|| provider.tracer("example"));
/// assert!(head.is_none(), "a provider built by hand has none: the SDK decides");
/// let builder = SpanBuilder::from_name("GET").with_kind(SpanKind::Client);
/// let (cx, recording) = otel_kit_core::__private::head_sampling::start_span(head.as_deref(), &tracer, builder, &Context::new());
/// assert!(recording);
/// ```
// Always inlined: a call would move the (large) builder once more, on every request.
#[inline(always)]
pub fn start_span<T: Tracer>(
    head: Option<&dyn HeadSampler>,
    tracer: &T,
    builder: SpanBuilder,
    parent: &Context,
) -> (Context, bool)
where
    T::Span: Send + Sync + 'static,
{
    start_span_with(head, tracer, builder, parent, Vec::new)
}

/// [`start_span`], with `attributes` added to the builder's: made before the decision
/// when the sampler reads attributes (or there is no head sampler), else only for a
/// span that records. A span the sampler drops then costs no attribute at all.
///
/// ```
/// use opentelemetry::{Context, KeyValue};
/// use opentelemetry::trace::{SpanBuilder, SpanKind, TracerProvider as _};
/// use opentelemetry_sdk::trace::SdkTracerProvider;
///
/// let provider = SdkTracerProvider::default();
/// let (tracer, head) = otel_kit_core::__private::head_sampling::probe(|| provider.tracer("example"));
/// let builder = SpanBuilder::from_name("GET").with_kind(SpanKind::Client);
/// let (cx, recording) = otel_kit_core::__private::head_sampling::start_span_with(
///     head.as_deref(),
///     &tracer,
///     builder,
///     &Context::new(),
///     || vec![KeyValue::new("url.full", "http://example.com/")],
/// );
/// assert!(recording);
/// ```
#[inline(always)]
pub fn start_span_with<T: Tracer>(
    head: Option<&dyn HeadSampler>,
    tracer: &T,
    mut builder: SpanBuilder,
    parent: &Context,
    attributes: impl FnOnce() -> Vec<KeyValue>,
) -> (Context, bool)
where
    T::Span: Send + Sync + 'static,
{
    // The SDK starts an invalid span in a suppressed context; it decides that case.
    let head = head.filter(|_| !parent.is_telemetry_suppressed());
    let mut attributes = Some(attributes);
    if head.is_none_or(|head| head.reads_attributes()) {
        add_attributes(&mut builder, attributes.take());
    }
    if let Some(head) = head
        && let Some(span) = dropped(head, parent, &builder)
    {
        return (parent.with_remote_span_context(span), false);
    }
    // Kept (the decision waits for this span), or no head sampler: the SDK builds it.
    add_attributes(&mut builder, attributes);
    let span = tracer.build_with_context(builder, parent);
    if let Some(head) = head {
        head.forget();
    }
    // Asked of the span itself: once in the context, each question takes a lock.
    let recording = opentelemetry::trace::Span::is_recording(&span);
    (parent.with_span(span), recording)
}

/// Asks `head` about a span of `builder` under `parent` (not a suppressed context: the
/// SDK decides that one): the ids of a span its sampler drops, which is then never built;
/// `None` when it records, and the decision waits on this thread for the span the
/// provider builds next: build it, then call [`HeadSampler::forget`].
///
/// ```
/// use opentelemetry::Context;
/// use opentelemetry::trace::{SpanBuilder, SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
/// use otel_kit_core::__private::head_sampling::{HeadDecision, HeadSampler, dropped};
///
/// /// Drops every span, as `always_off` would.
/// struct Off;
/// impl HeadSampler for Off {
///     fn decide(&self, _: &Context, _: TraceId, _: bool, _: &SpanBuilder) -> HeadDecision {
///         HeadDecision::Drop(TraceState::default())
///     }
///     fn forget(&self) {}
///     fn new_trace_id(&self) -> TraceId { TraceId::from(7) }
///     fn new_span_id(&self) -> SpanId { SpanId::from(9) }
/// }
///
/// let parent = Context::new().with_remote_span_context(SpanContext::new(
///     TraceId::from(1), SpanId::from(2), TraceFlags::default(), true, TraceState::default(),
/// ));
/// let span = dropped(&Off, &parent, &SpanBuilder::from_name("work")).expect("dropped");
/// assert_eq!((span.trace_id(), span.span_id()), (TraceId::from(1), SpanId::from(9)));
/// assert!(!span.is_sampled() && !span.is_remote());
/// ```
#[inline]
pub fn dropped(head: &dyn HeadSampler, parent: &Context, builder: &SpanBuilder) -> Option<SpanContext> {
    let parent_span = parent.span();
    let parent_context = parent_span.span_context();
    let root = !parent_context.is_valid();
    let trace_id = if root {
        head.new_trace_id()
    } else {
        parent_context.trace_id()
    };
    match head.decide(parent, trace_id, root, builder) {
        HeadDecision::Drop(trace_state) => Some(SpanContext::new(
            trace_id,
            head.new_span_id(),
            Default::default(),
            false,
            trace_state,
        )),
        HeadDecision::Record => None,
    }
}

/// `builder`'s attributes, then what `attributes` makes (when still to be made).
#[inline(always)]
fn add_attributes(builder: &mut SpanBuilder, attributes: Option<impl FnOnce() -> Vec<KeyValue>>) {
    let Some(attributes) = attributes else {
        return;
    };
    let made = attributes();
    match &mut builder.attributes {
        Some(existing) => existing.extend(made),
        None if made.is_empty() => {}
        None => builder.attributes = Some(made),
    }
}
