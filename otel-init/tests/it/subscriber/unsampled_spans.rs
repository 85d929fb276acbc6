//! A `tracing` span the sampler drops is never built as an SDK span: the subscriber
//! `init()` installs asks the provider's head sampler first, as the kit's own spans do.
//! What a dropped span still is (its ids in the context, under its parent's trace, not
//! sampled) and what a kept one still gets (exported, its children with it) are checked
//! through a real OTLP export; what a dropped one allocates, against a bound. (What the
//! SDK span cost in instructions is docs/performance.md's "How cost grows with the
//! work": the SDK's dropped span allocated no more than the ids do.)

use std::time::Duration;

use opentelemetry::trace::{SpanContext, TraceContextExt as _};
use otel_kit_testing::TestCollector;
use otel_kit_testing::allocations::measure;

use crate::support::own_process::ran_in_own_process;

/// Roots, each with one child, at a 50 % ratio.
const ROOTS: usize = 200;

/// The span context current inside `span` (entered).
fn inside(span: &tracing::Span) -> SpanContext {
    span.in_scope(|| opentelemetry::Context::map_current(|cx| cx.span().span_context().clone()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_tracing_span_is_its_ids_and_a_kept_one_is_exported_with_its_children() {
    if ran_in_own_process(
        module_path!(),
        "a_dropped_tracing_span_is_its_ids_and_a_kept_one_is_exported_with_its_children",
    ) {
        return;
    }
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let telemetry = otel_kit_init::builder()
        .environment_variables([
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
            ("OTEL_BSP_SCHEDULE_DELAY", "20"),
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0.5"),
        ])
        .init()
        .expect("init");
    let mut kept = 0;
    for _ in 0..ROOTS {
        let root = tracing::info_span!("root");
        let root_cx = inside(&root);
        let child = root.in_scope(|| tracing::info_span!("child"));
        let child_cx = inside(&child);
        assert!(root_cx.is_valid() && child_cx.is_valid());
        assert_eq!(child_cx.trace_id(), root_cx.trace_id(), "one trace");
        assert_ne!(child_cx.span_id(), root_cx.span_id(), "a span id of its own");
        assert_eq!(
            child_cx.is_sampled(),
            root_cx.is_sampled(),
            "the child follows its parent"
        );
        assert!(!child_cx.is_remote());
        kept += usize::from(root_cx.is_sampled());
        drop(child);
        drop(root);
    }
    assert!((40..=160).contains(&kept), "{kept} of {ROOTS} roots kept at 50 %");
    let spans = collector.wait_for_spans(2 * kept, Duration::from_secs(10)).await;
    // Nothing of a dropped trace is exported, and every kept root comes with its child.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(collector.spans().len(), 2 * kept);
    assert_eq!(spans.named("child").len(), kept);
    tokio::task::spawn_blocking(move || telemetry.shutdown())
        .await
        .expect("join")
        .expect("shutdown");
}

/// What a `tracing` span under a dropped parent may allocate: the registry's slot, the
/// bridge's builder and its context are about 6; an SDK span built and dropped under it
/// added 3 more.
const DROPPED_SPAN_BOUND: f64 = 7.0;

#[test]
fn a_tracing_span_under_a_dropped_parent_builds_no_sdk_span() {
    if ran_in_own_process(
        module_path!(),
        "a_tracing_span_under_a_dropped_parent_builds_no_sdk_span",
    ) {
        return;
    }
    let telemetry = otel_kit_init::builder()
        .environment_variables([
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0"),
        ])
        .init()
        .expect("init");
    let root = tracing::info_span!("request");
    let _entered = root.enter();
    // Warm up: the thread's copies, the target's tracer.
    for _ in 0..10 {
        tracing::info_span!("work").in_scope(|| {});
    }
    const SPANS: usize = 1000;
    let ((), cost) = measure("dropped tracing spans", SPANS, || {
        for _ in 0..SPANS {
            tracing::info_span!("work").in_scope(|| {});
        }
    });
    let per_span = cost.allocations as f64 / SPANS as f64;
    println!("{per_span:.2} allocations per dropped tracing span");
    assert!(
        per_span <= DROPPED_SPAN_BOUND,
        "{per_span:.2} allocations per dropped span"
    );
    drop(_entered);
    drop(root);
    telemetry.shutdown().expect("shutdown");
}
