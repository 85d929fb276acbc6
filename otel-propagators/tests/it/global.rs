//! The global-propagator helpers and continuing a trace from a producer to a consumer.
//!
//! Every test installs the harness globally and then its own propagator inside that
//! guard, each in its own process, so the global `tracing` dispatcher sees no other
//! tests' data.

use std::collections::HashMap;

use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::logs::Severity;
use opentelemetry::trace::TraceContextExt as _;
use opentelemetry::{Context, KeyValue};
use otel_kit_propagators::{
    MessageHeaders, MessageHeadersMut, PropagatorName, Propagators, continue_trace, extract, extract_from,
    inject, inject_into, spawn_in_context,
};
use otel_kit_testing::TestTelemetry;
use tracing::Instrument as _;

use crate::support::own_process::ran_in_own_process;

/// Runs `f` inside a fresh `tracing` span exported as `name`.
fn in_span<T>(name: &'static str, f: impl FnOnce() -> T) -> T {
    tracing::info_span!("span", otel.name = name).in_scope(f)
}

#[test]
fn hash_maps_go_through_the_global_propagator() {
    if ran_in_own_process(module_path!(), "hash_maps_go_through_the_global_propagator") {
        return;
    }
    let t = TestTelemetry::new().install_global();
    Propagators::new([PropagatorName::B3]).install_global();

    let mut map = HashMap::new();
    in_span("produce", || inject(&Context::current(), &mut map));
    assert_eq!(
        map.keys().collect::<Vec<_>>(),
        ["b3"],
        "the installed propagator wrote"
    );

    let cx = extract(&map);
    let spans = t.spans();
    let produce = spans.span("produce");
    assert_eq!(
        cx.span().span_context().trace_id().to_string(),
        produce.record().trace_id
    );
    assert_eq!(
        cx.span().span_context().span_id().to_string(),
        produce.record().span_id
    );

    // Switching the global propagator switches what the helpers use.
    Propagators::none().install_global();
    let mut map = HashMap::new();
    in_span("silent", || inject(&Context::current(), &mut map));
    assert!(map.is_empty());
}

#[test]
fn extract_matches_keys_in_any_case() {
    if ran_in_own_process(module_path!(), "extract_matches_keys_in_any_case") {
        return;
    }
    let t = TestTelemetry::new().install_global();
    Propagators::default().install_global();

    let mut map = HashMap::new();
    in_span("produce", || {
        inject(
            &Context::current().with_baggage([KeyValue::new("k", "v")]),
            &mut map,
        )
    });
    // Written by hand elsewhere, in other cases.
    let shouted: HashMap<String, String> = map.into_iter().map(|(k, v)| (k.to_uppercase(), v)).collect();
    assert!(shouted.contains_key("TRACEPARENT"));

    let cx = extract(&shouted);
    assert_eq!(
        cx.span().span_context().span_id().to_string(),
        t.spans().span("produce").record().span_id
    );
    assert_eq!(cx.baggage().get("k").map(|v| v.as_str()), Some("v"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_task_spawned_in_context_is_a_child_of_the_producer() {
    if ran_in_own_process(
        module_path!(),
        "a_consumer_task_spawned_in_context_is_a_child_of_the_producer",
    ) {
        return;
    }
    let t = TestTelemetry::new().install_global();
    Propagators::default().install_global();

    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    in_span("produce", || {
        let cx = Context::current().with_baggage([KeyValue::new("order", "42")]);
        inject_into(&cx, &mut MessageHeadersMut::new(&mut headers));
    });

    let cx = extract_from(&MessageHeaders::new(&headers));
    let seen = spawn_in_context(cx, async {
        // After a yield the task may resume on another worker: the context is attached
        // on every poll, not only the first.
        tokio::task::yield_now().await;
        in_span("consume", || {
            Context::current().baggage().get("order").map(|v| v.to_string())
        })
    })
    .await
    .expect("consumer panicked");
    assert_eq!(seen.as_deref(), Some("42"));

    let spans = t.spans();
    spans.span("consume").has_parent(&spans.span("produce"));
    spans.assert_single_trace();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn continue_trace_makes_the_consumer_span_a_child_of_the_producer() {
    if ran_in_own_process(
        module_path!(),
        "continue_trace_makes_the_consumer_span_a_child_of_the_producer",
    ) {
        return;
    }
    let t = TestTelemetry::new().install_global();
    Propagators::new([PropagatorName::TraceContext, PropagatorName::B3Multi]).install_global();

    let mut headers = HashMap::new();
    in_span("produce", || inject(&Context::current(), &mut headers));

    let span = continue_trace(extract(&headers), tracing::info_span!("consume"));
    let handled = async {
        tokio::task::yield_now().await;
        tracing::info!("handled");
    };
    tokio::spawn(handled.instrument(span))
        .await
        .expect("consumer panicked");

    let spans = t.spans();
    let consume = spans.span("consume");
    consume.has_parent(&spans.span("produce"));
    t.logs().record("handled").is_in_span(&consume);
}

#[test]
fn continue_trace_too_late_leaves_the_span_alone_and_warns() {
    if ran_in_own_process(
        module_path!(),
        "continue_trace_too_late_leaves_the_span_alone_and_warns",
    ) {
        return;
    }
    let t = TestTelemetry::new().install_global();
    Propagators::default().install_global();

    let mut headers = HashMap::new();
    in_span("produce", || inject(&Context::current(), &mut headers));

    let span = tracing::info_span!("consume");
    span.in_scope(|| {});
    drop(continue_trace(extract(&headers), span));

    let spans = t.spans();
    spans.span("consume").is_root();
    t.logs()
        .record_where("the too-late warning", |r| {
            r.body_str().is_some_and(|b| b.contains("already started"))
        })
        .has_severity(Severity::Warn);
}

#[test]
fn without_trace_headers_the_consumer_span_stays_under_the_current_span() {
    if ran_in_own_process(
        module_path!(),
        "without_trace_headers_the_consumer_span_stays_under_the_current_span",
    ) {
        return;
    }
    let t = TestTelemetry::new().install_global();
    Propagators::default().install_global();

    // `extract` starts from the current context, so with no headers the consumer's
    // span is a child of whatever span is current (here a polling loop's).
    in_span("poll", || {
        drop(continue_trace(
            extract(&HashMap::new()),
            tracing::info_span!("consume"),
        ))
    });
    let spans = t.spans();
    spans.span("consume").has_parent(&spans.span("poll"));

    // With a context that holds no span, the consumer's span is a root.
    t.reset();
    in_span("poll", || {
        drop(continue_trace(Context::new(), tracing::info_span!("consume")))
    });
    t.spans().span("consume").is_root();
}
