//! Consistent sampling through `init()`: a ratio set at run time and the
//! trace-everything override write matching thresholds (`th:0` during the override),
//! and a service called over HTTP keeps its caller's threshold on its own span.

use std::time::Duration;

use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::{Span as _, TraceContextExt as _, Tracer as _, TracerProvider as _};
use otel_kit_init::sampling::{ParentDelegates, Sampling, Threshold};

use super::service::running;

/// The `ot` entry of a new root span's trace state, or `None` when it was not sampled.
fn root_ot(telemetry: &otel_kit_init::Telemetry) -> Option<String> {
    let tracer = telemetry.tracer_provider().tracer("thresholds");
    let mut span = tracer.start("root");
    let context = span.span_context().clone();
    span.end();
    context
        .is_sampled()
        .then(|| context.trace_state().get("ot").unwrap_or_default().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_ratio_and_the_override_write_matching_thresholds() {
    for sampling in [
        Sampling::default(),
        Sampling::parent_based(Sampling::always_on(), ParentDelegates::default()),
    ] {
        let service = running(|b| b.without_globals().sampling(sampling.clone())).await;
        let control = service.telemetry.control();
        let roots = |n| {
            (0..n)
                .filter_map(|_| root_ot(&service.telemetry))
                .collect::<Vec<_>>()
        };
        assert!(
            roots(20).iter().all(String::is_empty),
            "{sampling}: always on writes no threshold"
        );

        control.set_sampling_ratio(0.25).expect("a valid ratio");
        let sampled = roots(400);
        assert!(
            !sampled.is_empty() && sampled.len() < 200,
            "{sampling}: {} of 400 at 0.25",
            sampled.len()
        );
        assert!(sampled.iter().all(|ot| ot == "th:c"), "{sampling}: {sampled:?}");

        control
            .trace_everything_for(Duration::from_secs(60))
            .expect("a valid duration");
        let during = roots(50);
        assert_eq!(during.len(), 50, "{sampling}: every root during the override");
        assert!(during.iter().all(|ot| ot == "th:0"), "{sampling}: {during:?}");

        assert!(control.cancel_trace_everything());
        let after = roots(400);
        assert!(
            after.len() < 200 && after.iter().all(|ot| ot == "th:c"),
            "{sampling}: {after:?}"
        );

        control.set_sampling_ratio(1.0).expect("a valid ratio");
        assert!(
            roots(20).iter().all(|ot| ot == "th:0"),
            "{sampling}: the ratio 1 is a probability"
        );
        service.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_called_over_http_keeps_its_callers_threshold() {
    // The caller: a second telemetry sampling a tenth of its roots.
    let caller = otel_kit_init::builder()
        .environment(crate::support::env(&[
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
        ]))
        .without_globals()
        .without_tracing_subscriber()
        .sampling(Sampling::ratio(0.1))
        .init()
        .expect("init");
    let tracer = caller.tracer_provider().tracer("caller");
    let span = (0..1000)
        .map(|_| tracer.start("client"))
        .find(|span| span.span_context().is_sampled())
        .expect("one root in 1000 at 10%");
    let cx = opentelemetry::Context::new().with_span(span);
    let mut headers = std::collections::HashMap::new();
    caller.propagators().inject_context(&cx, &mut headers);
    let threshold = Threshold::from_probability(0.1).expect("a probability");
    assert_eq!(
        headers.get("tracestate").map(String::as_str),
        Some(format!("ot=th:{threshold}").as_str())
    );

    // The service samples nothing of its own: its span exists only by following the caller.
    let service = running(|b| b.without_globals().sampling(Sampling::ratio(0.0))).await;
    let header_pairs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    service.get_with("/work", "from-caller", &header_pairs).await;
    // And a caller whose threshold contradicts its trace id (R < T yet sampled).
    let contradicting = "00-4bf92f3577b34da6a3000000000000ff-00f067aa0ba902b7-01";
    service
        .get_with(
            "/work",
            "contradicting",
            &[("traceparent", contradicting), ("tracestate", "ot=th:8;k:v,x=y")],
        )
        .await;
    service.flush();
    let span = service.span_of("from-caller");
    assert_eq!(
        span.trace_state,
        format!("ot=th:{threshold}"),
        "the child keeps th"
    );
    let span = service.span_of("contradicting");
    assert_eq!(
        span.trace_state, "ot=k:v,x=y",
        "an inconsistent th is erased, the rest kept"
    );
    cx.span().end();
    tokio::task::block_in_place(|| caller.shutdown()).expect("shutdown");
    service.finish().await;
}
