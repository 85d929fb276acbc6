//! `untraced`: a background loop's idle polls make no spans (an OpenTelemetry tracer's
//! or a `tracing` span's) and no exported log records (the SDK drops records made while
//! telemetry is suppressed), while their metrics are still recorded; the work a poll
//! finds is traced as a root of its own, and what is logged outside `untraced` is kept.

use opentelemetry::global;
use opentelemetry::trace::Tracer as _;
use otel_kit_propagators::untraced;
use otel_kit_testing::TestTelemetry;
use tracing::Instrument as _;

/// One poll: a query span as an instrumentation starts it (on the current context), a
/// `tracing` span, a counter and a log line; `Some` job on the third poll.
async fn poll(n: u32) -> Option<u32> {
    global::tracer("db").in_span("SELECT jobs", |_| {});
    let found = tracing::info_span!("claim next job").in_scope(|| (n == 3).then_some(n));
    global::meter("worker")
        .u64_counter("worker.polls")
        .build()
        .add(1, &[]);
    tracing::info!(n, "polled");
    tokio::task::yield_now().await;
    found
}

#[tokio::test]
async fn idle_polls_make_no_spans_and_found_work_is_traced() {
    let t = TestTelemetry::new().install_global();
    let mut done = Vec::new();
    for n in 1..=4 {
        if let Some(job) = untraced(poll(n)).await {
            async {
                global::tracer("worker").in_span("write result", |_| {});
                tracing::info!("done");
            }
            .instrument(tracing::info_span!("run job", job))
            .await;
            done.push(job);
        }
    }
    assert_eq!(done, [3]);
    let spans = t.spans();
    spans.assert_count(2).assert_tree("run job\n  write result");
    spans.span("run job").is_root();
    // This test's own records: in global mode the harness also receives what other tests
    // of the binary log without a harness of their own (a propagator's warning).
    let bodies = |t: &TestTelemetry| -> Vec<String> {
        t.logs()
            .as_slice()
            .iter()
            .filter_map(|r| r.body.as_str().map(str::to_owned))
            .filter(|body| body == "polled" || body == "done")
            .collect()
    };
    // The job's log line is kept; the polls' are not exported; their metrics are.
    assert_eq!(bodies(&t), ["done"]);
    t.metrics().metric("worker.polls").point(&[]).has_value(4_u64);
    // Outside `untraced`, the same poll is traced.
    t.reset();
    poll(1).await;
    assert_eq!(t.spans().len(), 2);
    assert_eq!(bodies(&t), ["polled"]);
}
