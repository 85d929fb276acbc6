//! [`HeadSampling`]: a tracer provider whose sampler the kit's instrumentations ask
//! before they build a span, so that a span it drops is never built (otel-kit-core's
//! `head_sampling`).
//!
//! The provider gets a sampler and an id generator that take a decision handed to them
//! on the same thread: when an instrumentation asked first and the answer was to
//! record, the SDK's span takes that decision (and, for a root, the trace id it was
//! taken for) instead of asking the sampler again, so a sampler is asked at most once
//! per span and counts each root once; a span under a local parent is not asked about
//! at all when the preset follows the parent ([`HeadSampling::described_by`]). Spans
//! started by anything else are sampled as before.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use opentelemetry::trace::{
    Link, SpanBuilder, SpanId, SpanKind, TraceContextExt as _, TraceId, TracerProvider,
};
use opentelemetry::{Context, InstrumentationScope, KeyValue};
use opentelemetry_sdk::trace::{
    IdGenerator, RandomIdGenerator, SamplingDecision, SamplingResult, SdkTracer, SdkTracerProvider,
    ShouldSample, TracerProviderBuilder,
};
use otel_kit_core::__private::head_sampling::{self, HeadDecision, HeadSampler};

use crate::arithmetic::RatioArithmetic;
use crate::parent_state::Outcome;
use crate::preset::Sampling;
use crate::runtime::{Parent, parent_flags};

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
            local_children: AtomicU8::new(ASK),
        }))
    }

    /// This head sampling, told that its sampler is `sampling`'s
    /// ([`Sampling::into_sampler`] or [`Sampling::into_observed_sampler`]): whether it
    /// reads span attributes (as [`attributes_read`](Self::attributes_read)), and
    /// whether it decides a span with a local parent by the parent's flag alone
    /// (`parentbased_always_on`, `parentbased_always_off`, `parentbased_traceidratio`
    /// and `parentbased_ratelimited`, with no excluded route). Such a span, when an
    /// instrumentation asks first, is then decided here, with the trace state the
    /// sampler would give it, without asking the sampler: the usual client and database
    /// spans under a server span. Give it the very `Sampling` the sampler was built
    /// from: for another one, its rule replaces the sampler's for those spans.
    ///
    /// ```
    /// use otel_kit_sampling::{HeadSampling, Sampling};
    ///
    /// let sampling = Sampling::ratio(0.1);
    /// let head = HeadSampling::new(sampling.clone().into_sampler(), None).described_by(&sampling);
    /// # let _ = head;
    /// ```
    pub fn described_by(self, sampling: &Sampling) -> Self {
        let rule = match sampling.local_child_arithmetic() {
            None => ASK,
            Some(RatioArithmetic::Consistent) => FOLLOW_CONSISTENT,
            Some(RatioArithmetic::Legacy) => FOLLOW_LEGACY,
        };
        self.0.local_children.store(rule, Ordering::Relaxed);
        self.attributes_read(sampling.reads_attributes())
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
    /// How a span with a local parent is decided: [`ASK`] the sampler, or follow the
    /// parent under one arithmetic ([`HeadSampling::described_by`]). Atomic, as
    /// `reads_attributes`: set through a `HeadSampling` whose clones (and the installed
    /// sampler) already share it.
    local_children: AtomicU8,
}

const ASK: u8 = 0;
const FOLLOW_CONSISTENT: u8 = 1;
const FOLLOW_LEGACY: u8 = 2;

impl Shared {
    /// The decision on a span under a local `parent`, when the sampler is known to
    /// follow it: as `RuntimeSampler` takes it, through the same [`Outcome`].
    fn follow_local_parent(&self, parent: &Context, trace_id: TraceId) -> Option<SamplingResult> {
        let arithmetic = match self.local_children.load(Ordering::Relaxed) {
            FOLLOW_CONSISTENT => RatioArithmetic::Consistent,
            FOLLOW_LEGACY => RatioArithmetic::Legacy,
            _ => return None,
        };
        // A parent read as the preset's sampler reads it: an invalid one is none.
        let Some(Parent {
            remote: false,
            sampled,
        }) = parent_flags(parent)
        else {
            return None;
        };
        let span = parent.span();
        let outcome = Outcome::from_flag(sampled, None);
        Some(outcome.into_result(arithmetic, span.span_context().trace_state(), trace_id))
    }
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
        let followed = if root {
            None
        } else {
            self.0.follow_local_parent(parent, trace_id)
        };
        let result = followed.unwrap_or_else(|| {
            self.0.sampler.should_sample(
                Some(parent),
                trace_id,
                &span.name,
                span.span_kind.as_ref().unwrap_or(&SpanKind::Internal),
                span.attributes.as_deref().unwrap_or_default(),
                span.links.as_deref().unwrap_or_default(),
            )
        });
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
mod tests;
