//! `HeadSampling::described_by`: a span under a local parent is decided without asking
//! the sampler when the preset follows the parent, with the decision and the trace state
//! the sampler would have given; every other span still asks it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use opentelemetry::trace::{
    Link, SpanBuilder, SpanContext, SpanId, SpanKind, TraceContextExt as _, TraceFlags, TraceId, TraceState,
    TracerProvider as _,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{SamplingResult, SdkTracer, SdkTracerProvider, ShouldSample};
use otel_kit_core::__private::head_sampling::{HeadSampler, probe, start_span};
use otel_kit_sampling::{HeadSampling, RatioArithmetic, Sampling, from_env_values};

/// A sampler that counts how often it is asked.
#[derive(Clone, Debug)]
struct Counted(Box<dyn ShouldSample>, Arc<AtomicUsize>);

impl ShouldSample for Counted {
    fn should_sample(
        &self,
        parent: Option<&Context>,
        trace_id: TraceId,
        name: &str,
        kind: &SpanKind,
        attributes: &[KeyValue],
        links: &[Link],
    ) -> SamplingResult {
        self.1.fetch_add(1, Ordering::Relaxed);
        self.0
            .should_sample(parent, trace_id, name, kind, attributes, links)
    }
}

/// A tracer of a provider over `sampling`'s sampler, its head sampler, and how often
/// the sampler was asked; `described`: told what the sampler is.
struct Built {
    tracer: SdkTracer,
    head: Arc<dyn HeadSampler>,
    asked: Arc<AtomicUsize>,
    _provider: SdkTracerProvider,
}

fn build(sampling: &Sampling, described: bool) -> Built {
    let asked = Arc::new(AtomicUsize::new(0));
    let sampler = Counted(sampling.clone().into_sampler(), Arc::clone(&asked));
    let head = HeadSampling::new(Box::new(sampler), None);
    let head = if described {
        head.described_by(sampling)
    } else {
        head.attributes_read(sampling.reads_attributes())
    };
    let provider = head.install(SdkTracerProvider::builder()).build();
    let (tracer, found) = probe(|| head.tracer_provider(provider.clone()).tracer("test"));
    Built {
        tracer,
        head: found.expect("a head-sampled provider answers the probe"),
        asked,
        _provider: provider,
    }
}

fn parent(trace_id: TraceId, sampled: bool, remote: bool, trace_state: &str) -> Context {
    let flags = if sampled {
        TraceFlags::SAMPLED
    } else {
        TraceFlags::default()
    };
    let state: TraceState = trace_state.parse().expect("a valid trace state");
    Context::new().with_remote_span_context(SpanContext::new(trace_id, SpanId::from(7), flags, remote, state))
}

/// What a child under `parent` became: recorded, sampled, its trace state.
fn child(built: &Built, parent: &Context) -> (bool, bool, String) {
    let builder = SpanBuilder::from_name("child").with_kind(SpanKind::Client);
    let (cx, recording) = start_span(Some(&*built.head), &built.tracer, builder, parent);
    let span = cx.span();
    let context = span.span_context();
    (recording, context.is_sampled(), context.trace_state().header())
}

const TRACE_STATES: [&str; 6] = [
    "",
    "ot=th:8",
    "ot=th:0",
    "ot=th:zz",
    "v=1,ot=rv:ffffffffffffff;th:c;k:x",
    "ot=rv:00000000000001;th:8",
];

/// Children of every kind of local parent (sampled or not, with a consistent,
/// inconsistent, malformed or foreign trace state) under `asked` and `described`: each
/// decided alike, trace state included, and `described`'s sampler never asked. Returns
/// how many sampled children kept a threshold and how many had theirs erased.
fn compare_local_children(sampling: &Sampling, asked: &Built, described: &Built) -> (usize, usize) {
    let (mut kept, mut erased) = (0, 0);
    let before = (
        asked.asked.load(Ordering::Relaxed),
        described.asked.load(Ordering::Relaxed),
    );
    let mut children = 0;
    for trace_state in TRACE_STATES {
        for sampled in [true, false] {
            for n in 1..=32u128 {
                // Trace ids spread over the randomness range: `th:8` holds for about half.
                let trace_id = TraceId::from(n.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835));
                let local = parent(trace_id, sampled, false, trace_state);
                let decided = child(described, &local);
                assert_eq!(
                    decided,
                    child(asked, &local),
                    "{sampling}: a local parent, sampled {sampled}, tracestate {trace_state:?}"
                );
                if sampled && trace_state == "ot=th:8" {
                    if decided.2.contains("th:8") {
                        kept += 1
                    } else {
                        erased += 1
                    }
                }
                children += 1;
            }
        }
    }
    assert_eq!(
        asked.asked.load(Ordering::Relaxed) - before.0,
        children,
        "{sampling}"
    );
    assert_eq!(
        described.asked.load(Ordering::Relaxed),
        before.1,
        "{sampling}: the sampler is not asked about a local parent's child"
    );
    (kept, erased)
}

/// For each preset that follows a local parent (both arithmetics, a controlled copy whose
/// sampler reads its state's), a local parent's child is decided as the sampler decides
/// it without asking it; a remote parent still asks it, and under the trace-everything
/// override, which takes an unsampled remote parent but never a local one, likewise.
#[test]
fn a_local_child_is_decided_as_its_sampler_would_without_asking_it() {
    let (controlled, _control) = Sampling::ratio(0.25).controlled();
    let presets = [
        Sampling::default(),
        from_env_values(Some("parentbased_always_off"), None).0,
        Sampling::ratio(0.5),
        Sampling::ratio(0.5).with_arithmetic(RatioArithmetic::Legacy),
        Sampling::ratio(0.0),
        Sampling::rate_limited(1e6),
        // Its sampler reads the state's arithmetic (consistent), not the copy's.
        controlled.clone().with_arithmetic(RatioArithmetic::Legacy),
        controlled,
    ];
    for sampling in presets {
        let (asked, described) = (build(&sampling, false), build(&sampling, true));
        let (kept, erased) = compare_local_children(&sampling, &asked, &described);
        if sampling.arithmetic() == RatioArithmetic::Consistent {
            assert!(kept > 0 && erased > 0, "{sampling}: {kept} kept, {erased} erased");
        }
        let remote = parent(TraceId::from(3), true, true, "ot=th:8");
        assert_eq!(child(&described, &remote), child(&asked, &remote), "{sampling}");
        assert_eq!(
            described.asked.load(Ordering::Relaxed),
            1,
            "{sampling}: a remote parent asks"
        );
    }

    let (sampling, control) = Sampling::ratio(0.0).controlled();
    control.trace_everything_until(Instant::now() + Duration::from_secs(60));
    let (asked, described) = (build(&sampling, false), build(&sampling, true));
    compare_local_children(&sampling, &asked, &described);
    let remote = parent(TraceId::from(3), false, true, "");
    let overruled = child(&described, &remote);
    assert_eq!(overruled, child(&asked, &remote));
    assert!(
        overruled.1,
        "the override samples an unsampled remote parent's child"
    );
}

/// Where the preset does not follow a local parent by its flag alone (excluded routes,
/// a sampler that is not parent-based, a custom one), the sampler is still asked.
#[test]
fn a_sampler_that_reads_more_than_the_flag_is_asked() {
    for sampling in [
        Sampling::ratio(0.5).excluding_routes(["/health"]),
        Sampling::trace_id_ratio(0.5),
        Sampling::always_on(),
        Sampling::parent_based(Sampling::always_on(), Default::default()),
        Sampling::custom(
            "follows its parent",
            opentelemetry_sdk::trace::Sampler::ParentBased(Box::new(
                opentelemetry_sdk::trace::Sampler::AlwaysOn,
            )),
        ),
    ] {
        let described = build(&sampling, true);
        child(&described, &parent(TraceId::from(5), false, false, ""));
        assert_eq!(described.asked.load(Ordering::Relaxed), 1, "{sampling}");
    }
}
