//! The span queue's explosion guard as `init()` sets it up: one trace holds at most half
//! the queue (`OTEL_KIT_BSP_MAX_TRACE_SHARE`'s default), its excess is dropped and counted
//! by `Telemetry::dropped_spans_over_trace_share` and reported as
//! `otel.sdk.processor.span.processed` with `error.type = trace_share_exceeded`, and an
//! ordinary trace's spans still reach the collector.

use std::time::Duration;

use opentelemetry::trace::{TraceContextExt as _, Tracer as _, TracerProvider as _};
use otel_kit_testing::TestCollector;

use crate::support::env;

/// The queue's capacity (`OTEL_BSP_MAX_QUEUE_SIZE`): one trace may hold half of it.
const QUEUE: usize = 64;
/// The runaway request's children: far more than half the queue.
const RUNAWAY_CHILDREN: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runaway_trace_is_cut_at_its_share_counted_and_ordinary_spans_arrive() {
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let queue = QUEUE.to_string();
    let t = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .shutdown_timeout(Duration::from_secs(2))
        .environment(env(&[
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_LOGS_EXPORTER", "none"),
            ("OTEL_BSP_MAX_QUEUE_SIZE", &queue),
            ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", &queue),
            // Nothing leaves the queue before the flush below: the runaway trace meets
            // its share, not an exporter that keeps up.
            ("OTEL_BSP_SCHEDULE_DELAY", "60000"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "60000"),
        ]))
        .init()
        .expect("init");

    let tracer = t.tracer_provider().tracer("app");
    let runaway = tracer.in_span("runaway request", |cx| {
        for _ in 0..RUNAWAY_CHILDREN {
            tracer.in_span("runaway child", |_| {});
        }
        cx.span().span_context().trace_id().to_string()
    });
    let ordinary = tracer.in_span("ordinary request", |cx| {
        tracer.in_span("query", |_| {});
        tracer.in_span("render", |_| {});
        cx.span().span_context().trace_id().to_string()
    });
    let t = tokio::task::spawn_blocking(move || {
        t.force_flush().expect("flush");
        t
    })
    .await
    .expect("join");

    let spans = collector.spans();
    let of = |trace: &str| spans.iter().filter(|s| s.trace_id == trace).count();
    assert_eq!(of(&ordinary), 3, "every span of the ordinary request arrives");
    let runaway_total = RUNAWAY_CHILDREN + 1;
    let runaway_received = of(&runaway);
    assert_eq!(
        runaway_received,
        QUEUE / 2,
        "the runaway trace holds half the queue, no more"
    );
    let over_share = t.dropped_spans_over_trace_share();
    assert!(
        over_share > 0,
        "nothing counted over a trace's share ({} dropped in all)",
        t.dropped_spans()
    );
    assert_eq!(
        over_share,
        (runaway_total - runaway_received) as u64,
        "every span of the runaway trace that did not arrive is counted over its share"
    );
    assert_eq!(t.dropped_spans(), over_share, "none dropped for a full queue");

    // The meter provider flushed last: the counts are reported under their own reasons.
    let metrics = collector.metrics();
    let processed = metrics.metric("otel.sdk.processor.span.processed");
    processed
        .point(&[("error.type", "trace_share_exceeded".into())])
        .has_value(over_share as i64);
    processed
        .point(&[("error.type", "queue_full".into())])
        .has_value(0);

    let _ = tokio::task::spawn_blocking(move || t.shutdown()).await;
}
