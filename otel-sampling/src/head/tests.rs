//! The head sampling's decisions: once per span, kept or dropped before the span is
//! built, owned by the provider that took them.

use opentelemetry::trace::{Span as _, TraceContextExt as _, TraceState, Tracer as _, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use otel_kit_core::__private::head_sampling::{probe, start_span, start_span_with};

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
            let (cx, recording) = start_span_with(Some(&*head), &tracer, builder, &Context::new(), || {
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
        if let HeadDecision::Record = head.decide(&Context::new(), id, true, &SpanBuilder::from_name("x")) {
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
