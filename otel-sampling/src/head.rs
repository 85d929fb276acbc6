//! [`HeadSampling`]: a tracer provider whose sampler the kit's instrumentations ask
//! before they build a span, so that a span it drops is never built (otel-kit-core's
//! `head_sampling`).
//!
//! The provider gets a sampler and an id generator that take a decision handed to them
//! on the same thread: when an instrumentation asked first and the answer was to
//! record, the SDK's span takes that decision (and, for a root, the trace id it was
//! taken for) instead of asking the sampler again, so a sampler is asked once per span
//! and counts each root once. Spans started by anything else are sampled as before.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::trace::{Link, SpanBuilder, SpanId, SpanKind, TraceId, TracerProvider};
use opentelemetry::{Context, InstrumentationScope, KeyValue};
use opentelemetry_sdk::trace::{
    IdGenerator, RandomIdGenerator, SamplingDecision, SamplingResult, SdkTracer, SdkTracerProvider,
    ShouldSample, TracerProviderBuilder,
};
use otel_kit_core::head_sampling::{self, HeadDecision, HeadSampler};

/// A tracer provider's sampler and id generator, able to be asked before a span is
/// built: [`install`](Self::install) them in the SDK's builder, and set the provider as
/// the global through [`tracer_provider`](Self::tracer_provider), whose tracers carry
/// the head sampler to the kit's instrumentations. otel-kit-init builds its provider so.
///
/// ```
/// use opentelemetry::trace::TracerProvider as _;
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_sampling::{HeadSampling, Sampling};
///
/// let head = HeadSampling::new(Sampling::ratio(0.1).into_sampler(), None);
/// let provider = head.install(SdkTracerProvider::builder()).build();
/// opentelemetry::global::set_tracer_provider(head.tracer_provider(provider.clone()));
/// // The SDK's spans, sampled by the provider's sampler.
/// use opentelemetry::trace::{Span as _, Tracer as _};
/// let span = opentelemetry::global::tracer("example").start("work");
/// assert!(span.span_context().is_valid());
/// ```
#[derive(Clone, Debug)]
pub struct HeadSampling(Arc<Shared>);

impl HeadSampling {
    /// `sampler` and `ids` (the SDK's random ids when `None`).
    pub fn new(sampler: Box<dyn ShouldSample>, ids: Option<Box<dyn IdGenerator>>) -> Self {
        Self(Arc::new(Shared {
            sampler,
            ids: ids.unwrap_or_else(|| Box::new(RandomIdGenerator::default())),
            reads_attributes: AtomicBool::new(true),
        }))
    }

    /// This head sampling, told whether its sampler reads span attributes (it is
    /// assumed to, unless told otherwise). When it does not
    /// ([`Sampling::reads_attributes`](crate::Sampling::reads_attributes)), the kit's
    /// instrumentations make a span's attributes only once the span records.
    ///
    /// ```
    /// use otel_kit_sampling::{HeadSampling, Sampling};
    ///
    /// let sampling = Sampling::ratio(0.1);
    /// let head = HeadSampling::new(sampling.clone().into_sampler(), None)
    ///     .attributes_read(sampling.reads_attributes());
    /// # let _ = head;
    /// ```
    pub fn attributes_read(self, reads: bool) -> Self {
        self.0.reads_attributes.store(reads, Ordering::Relaxed);
        self
    }

    /// `builder` with the sampler and the id generator, in place of its `with_sampler`
    /// and `with_id_generator`.
    pub fn install(&self, builder: TracerProviderBuilder) -> TracerProviderBuilder {
        builder
            .with_sampler(DecidedSampler(Arc::clone(&self.0)))
            .with_id_generator(DecidedIds(Arc::clone(&self.0)))
    }

    /// `provider` (built with [`install`](Self::install)) as a provider whose tracers
    /// carry the head sampler: set it as the global, or give it to an instrumentation.
    pub fn tracer_provider(&self, provider: SdkTracerProvider) -> HeadSampledTracerProvider {
        HeadSampledTracerProvider {
            provider,
            head: Arc::clone(&self.0),
        }
    }
}

/// An SDK tracer provider whose tracers carry its head sampler
/// ([`HeadSampling::tracer_provider`]): making a tracer answers otel-kit-core's probe,
/// which the kit's instrumentations make once when they resolve their tracer. Spans
/// are the SDK's own.
#[derive(Clone, Debug)]
pub struct HeadSampledTracerProvider {
    provider: SdkTracerProvider,
    head: Arc<Shared>,
}

impl HeadSampledTracerProvider {
    /// The SDK's provider, for what only it has (`force_flush`, `shutdown`).
    pub fn sdk(&self) -> &SdkTracerProvider {
        &self.provider
    }
}

impl TracerProvider for HeadSampledTracerProvider {
    type Tracer = SdkTracer;

    fn tracer_with_scope(&self, scope: InstrumentationScope) -> SdkTracer {
        head_sampling::answer_probe(Arc::new(Head(Arc::clone(&self.head))));
        self.provider.tracer_with_scope(scope)
    }
}

/// The provider's own sampler and id generator.
#[derive(Debug)]
struct Shared {
    sampler: Box<dyn ShouldSample>,
    ids: Box<dyn IdGenerator>,
    /// `false`: the sampler decides without attributes, so none are made for it.
    reads_attributes: AtomicBool,
}

/// A decision taken before the span was built, waiting for it.
struct Decided {
    /// Whose decision: another provider's spans on this thread never take it.
    owner: *const Shared,
    trace_id: TraceId,
    /// A root: the SDK takes `trace_id` from the id generator too.
    root: bool,
    result: SamplingResult,
}

thread_local! {
    static DECIDED: RefCell<Option<Decided>> = const { RefCell::new(None) };
}

/// The head sampler handed to the instrumentations.
struct Head(Arc<Shared>);

impl HeadSampler for Head {
    fn decide(&self, parent: &Context, trace_id: TraceId, root: bool, span: &SpanBuilder) -> HeadDecision {
        let result = self.0.sampler.should_sample(
            Some(parent),
            trace_id,
            &span.name,
            span.span_kind.as_ref().unwrap_or(&SpanKind::Internal),
            span.attributes.as_deref().unwrap_or_default(),
            span.links.as_deref().unwrap_or_default(),
        );
        if result.decision == SamplingDecision::Drop {
            return HeadDecision::Drop(result.trace_state);
        }
        let decided = Decided {
            owner: Arc::as_ptr(&self.0),
            trace_id,
            root,
            result,
        };
        // A thread being torn down keeps no decision: the SDK then asks the sampler.
        let _ = DECIDED.try_with(|slot| slot.try_borrow_mut().map(|mut slot| *slot = Some(decided)));
        HeadDecision::Record
    }

    fn forget(&self) {
        let _ = DECIDED.try_with(|slot| slot.try_borrow_mut().map(|mut slot| slot.take()));
    }

    fn new_trace_id(&self) -> TraceId {
        self.0.ids.new_trace_id()
    }

    fn new_span_id(&self) -> SpanId {
        self.0.ids.new_span_id()
    }

    fn reads_attributes(&self) -> bool {
        self.0.reads_attributes.load(Ordering::Relaxed)
    }
}

/// The provider's sampler: a decision waiting for its span, else the sampler's own.
#[derive(Clone)]
struct DecidedSampler(Arc<Shared>);

impl fmt::Debug for DecidedSampler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.sampler.fmt(f)
    }
}

impl ShouldSample for DecidedSampler {
    fn should_sample(
        &self,
        parent_context: Option<&Context>,
        trace_id: TraceId,
        name: &str,
        span_kind: &SpanKind,
        attributes: &[KeyValue],
        links: &[Link],
    ) -> SamplingResult {
        let owner = Arc::as_ptr(&self.0);
        let decided = DECIDED
            .try_with(|slot| {
                let mut slot = slot.try_borrow_mut().ok()?;
                slot.take_if(|d| d.owner == owner && d.trace_id == trace_id)
            })
            .ok()
            .flatten();
        match decided {
            Some(decided) => decided.result,
            None => {
                self.0
                    .sampler
                    .should_sample(parent_context, trace_id, name, span_kind, attributes, links)
            }
        }
    }
}

/// The provider's id generator: a root's trace id the decision was taken for, else the
/// generator's own.
struct DecidedIds(Arc<Shared>);

impl fmt::Debug for DecidedIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.ids.fmt(f)
    }
}

impl IdGenerator for DecidedIds {
    fn new_trace_id(&self) -> TraceId {
        let owner = Arc::as_ptr(&self.0);
        let decided = DECIDED
            .try_with(|slot| {
                let slot = slot.try_borrow().ok()?;
                slot.as_ref()
                    .filter(|d| d.owner == owner && d.root)
                    .map(|d| d.trace_id)
            })
            .ok()
            .flatten();
        decided.unwrap_or_else(|| self.0.ids.new_trace_id())
    }

    fn new_span_id(&self) -> SpanId {
        self.0.ids.new_span_id()
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::trace::{
        Span as _, TraceContextExt as _, TraceState, Tracer as _, TracerProvider as _,
    };
    use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
    use otel_kit_core::head_sampling::{probe, start_span, start_span_with};

    use super::*;
    use crate::Sampling;

    /// Counts the sampler's decisions, and samples every other root by trace id parity.
    #[derive(Clone, Debug, Default)]
    struct Counting(Arc<std::sync::atomic::AtomicUsize>);

    impl ShouldSample for Counting {
        fn should_sample(
            &self,
            _: Option<&Context>,
            trace_id: TraceId,
            _: &str,
            _: &SpanKind,
            _: &[KeyValue],
            _: &[Link],
        ) -> SamplingResult {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let keep = u128::from_be_bytes(trace_id.to_bytes()).is_multiple_of(2);
            SamplingResult {
                decision: if keep {
                    SamplingDecision::RecordAndSample
                } else {
                    SamplingDecision::Drop
                },
                attributes: vec![KeyValue::new("sampler.kept", true)],
                trace_state: TraceState::from_key_value([("ot", "th:8")]).unwrap(),
            }
        }
    }

    /// Each root is decided once, before it is built; a kept one is built with the trace
    /// id and the decision (its attributes, its trace state) the sampler was asked about,
    /// a dropped one never reaches the SDK: nothing is exported for it.
    #[test]
    fn a_root_is_sampled_once_and_built_only_when_kept() {
        let sampler = Counting::default();
        let spans = InMemorySpanExporter::default();
        let head = HeadSampling::new(Box::new(sampler.clone()), None);
        let provider = head
            .install(SdkTracerProvider::builder().with_simple_exporter(spans.clone()))
            .build();
        let (tracer, head) = probe(|| head.tracer_provider(provider.clone()).tracer("test"));
        let head = head.expect("a head-sampled provider answers the probe");
        let mut kept = Vec::new();
        for _ in 0..200 {
            let builder = SpanBuilder::from_name("root").with_kind(SpanKind::Server);
            let (cx, recording) = start_span(Some(&*head), &tracer, builder, &Context::new());
            let span = cx.span();
            let context = span.span_context();
            assert!(context.is_valid());
            assert_eq!(context.trace_state().get("ot"), Some("th:8"));
            let even = u128::from_be_bytes(context.trace_id().to_bytes()).is_multiple_of(2);
            assert_eq!(
                recording, even,
                "recorded exactly when the sampler said so for its trace id"
            );
            assert_eq!(context.is_sampled(), even);
            if recording {
                kept.push(context.trace_id());
            }
            span.end();
        }
        assert_eq!(
            sampler.0.load(std::sync::atomic::Ordering::Relaxed),
            200,
            "one decision per span"
        );
        let exported = spans.get_finished_spans().unwrap();
        assert_eq!(
            exported
                .iter()
                .map(|s| s.span_context.trace_id())
                .collect::<Vec<_>>(),
            kept
        );
        assert!(
            exported
                .iter()
                .all(|s| s.attributes.contains(&KeyValue::new("sampler.kept", true)))
        );
        assert!(kept.len() > 50 && kept.len() < 150, "{}", kept.len());
    }

    /// A child of a dropped parent under the parent-based default is dropped without the
    /// SDK, keeps the parent's trace, gets a span id of its own, and is not sampled.
    #[test]
    fn a_child_of_an_unsampled_parent_is_ids_only() {
        let spans = InMemorySpanExporter::default();
        let head = HeadSampling::new(Sampling::ratio(0.0).into_sampler(), None);
        let provider = head
            .install(SdkTracerProvider::builder().with_simple_exporter(spans.clone()))
            .build();
        let (tracer, head) = probe(|| head.tracer_provider(provider.clone()).tracer("test"));
        let head = head.expect("head sampler");
        let (root, recording) = start_span(
            Some(&*head),
            &tracer,
            SpanBuilder::from_name("root"),
            &Context::new(),
        );
        assert!(!recording);
        let (child, recording) = start_span(Some(&*head), &tracer, SpanBuilder::from_name("child"), &root);
        assert!(!recording);
        let (root, child) = (
            root.span().span_context().clone(),
            child.span().span_context().clone(),
        );
        assert!(root.is_valid() && child.is_valid());
        assert_eq!(child.trace_id(), root.trace_id());
        assert_ne!(child.span_id(), root.span_id());
        assert!(!child.is_sampled() && !child.is_remote());
        assert!(spans.get_finished_spans().unwrap().is_empty());
    }

    /// A sampler that decides without attributes (the ratio presets) is asked before
    /// they are made: a dropped span never makes them, a kept one carries them. One that
    /// reads them (a custom sampler, excluded routes) sees them before it decides.
    #[test]
    fn attributes_are_made_first_only_for_a_sampler_that_reads_them() {
        for (sampling, reads) in [
            (Sampling::ratio(0.5), false),
            (Sampling::ratio(0.5).excluding_routes(["/health"]), true),
        ] {
            assert_eq!(sampling.reads_attributes(), reads);
            let spans = InMemorySpanExporter::default();
            let head = HeadSampling::new(sampling.clone().into_sampler(), None).attributes_read(reads);
            let provider = head
                .install(SdkTracerProvider::builder().with_simple_exporter(spans.clone()))
                .build();
            let (tracer, head) = probe(|| head.tracer_provider(provider.clone()).tracer("test"));
            let head = head.expect("head sampler");
            let (mut made, mut kept) = (0, 0);
            for i in 0..200 {
                // Every tenth one is a health check: excluded where routes are.
                let route = if i % 10 == 0 { "/health" } else { "/users/{id}" };
                let builder = SpanBuilder::from_name("GET").with_kind(SpanKind::Server);
                let (cx, recording) =
                    start_span_with(Some(&*head), &tracer, builder, &Context::new(), || {
                        made += 1;
                        vec![KeyValue::new("http.route", route)]
                    });
                kept += usize::from(recording);
                cx.span().end();
            }
            let exported = spans.get_finished_spans().unwrap();
            assert_eq!(exported.len(), kept);
            assert!(
                exported
                    .iter()
                    .all(|s| s.attributes.iter().any(|kv| kv.key.as_str() == "http.route"))
            );
            if reads {
                assert_eq!(made, 200, "made for every decision");
                assert!(
                    exported
                        .iter()
                        .all(|s| !s.attributes.contains(&KeyValue::new("http.route", "/health"))),
                    "the sampler saw the route"
                );
            } else {
                assert_eq!(made, kept, "made only for the spans kept");
                assert!(kept > 50 && kept < 150, "{kept}");
            }
        }
    }

    /// A decision is only taken by the span it was made for: a span another tracer
    /// provider builds next on the thread, or one built after `forget`, samples anew.
    #[test]
    fn a_decision_waits_only_for_its_own_span() {
        let first = Counting::default();
        let second = Counting::default();
        let heads = [first.clone(), second.clone()].map(|s| HeadSampling::new(Box::new(s), None));
        let a = heads[0].install(SdkTracerProvider::builder()).build();
        let b = heads[1].install(SdkTracerProvider::builder()).build();
        let head = probe(|| heads[0].tracer_provider(a.clone()).tracer("a"))
            .1
            .expect("head sampler");
        // Decide until the sampler says record: the decision then waits on this thread.
        let parent = loop {
            let id = head.new_trace_id();
            if let HeadDecision::Record = head.decide(&Context::new(), id, true, &SpanBuilder::from_name("x"))
            {
                break id;
            }
        };
        let other = b.tracer("b").start("other");
        assert_eq!(
            second.0.load(std::sync::atomic::Ordering::Relaxed),
            1,
            "the other provider sampled its own span"
        );
        assert_ne!(
            other.span_context().trace_id(),
            parent,
            "and took none of the waiting decision's ids"
        );
        head.forget();
        let asked = first.0.load(std::sync::atomic::Ordering::Relaxed);
        drop(a.tracer("a").start("after"));
        assert_eq!(
            first.0.load(std::sync::atomic::Ordering::Relaxed),
            asked + 1,
            "forgotten: sampled anew"
        );
    }

    /// The SDK's provider built by hand has no head sampler: its sampler decides, as
    /// before. Nor has a head-sampled provider's SDK provider itself: only the wrapper
    /// that carries the head sampler answers. Probing exports nothing.
    #[test]
    fn a_plain_provider_answers_no_probe_and_probing_exports_nothing() {
        let spans = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(spans.clone())
            .build();
        assert!(probe(|| provider.tracer("plain")).1.is_none());
        let head = HeadSampling::new(Sampling::default().into_sampler(), None);
        let sdk = head
            .install(SdkTracerProvider::builder().with_simple_exporter(spans.clone()))
            .build();
        assert!(probe(|| sdk.tracer("sdk")).1.is_none());
        assert!(
            probe(|| head.tracer_provider(sdk.clone()).tracer("kit"))
                .1
                .is_some()
        );
        assert!(spans.get_finished_spans().unwrap().is_empty());
    }
}
