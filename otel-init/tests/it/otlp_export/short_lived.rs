//! docs/compatibility.md's recipe for a short-lived process (a Lambda invocation): with
//! the batch schedule far away, `force_flush` at the end of each invocation is what
//! delivers its spans, and they are at the collector when it returns.

use std::time::Duration;

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit_init::Telemetry;

use super::{WAIT, directly, through_rotel};
use crate::support::env;

/// Spans per invocation.
const SPANS: usize = 5;

fn init(endpoint: &str, protocol: &str) -> Telemetry {
    otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment(env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
            // Ten minutes: only the flush can deliver within the test.
            ("OTEL_BSP_SCHEDULE_DELAY", "600000"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
            ("OTEL_SERVICE_NAME", "lambda"),
        ]))
        .shutdown_timeout(Duration::from_secs(5))
        .init()
        .expect("init")
}

/// One invocation: its spans, then the flush the recipe ends it with (blocking, as in
/// a handler).
fn invoke(telemetry: &Telemetry, invocation: usize) {
    let tracer = telemetry.tracer_provider().tracer("handler");
    for i in 0..SPANS {
        tracer.in_span(format!("invocation {invocation} step {i}"), |_| {});
    }
    tokio::task::block_in_place(|| telemetry.force_flush()).expect("flushed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_invocations_spans_are_at_the_collector_when_its_flush_returns() {
    directly(async |collector, endpoint, protocol| {
        let telemetry = init(endpoint, protocol);
        for invocation in 1..=3 {
            invoke(&telemetry, invocation);
            // No waiting: the collector has answered the export before the flush returned.
            assert_eq!(
                collector.spans().len(),
                invocation * SPANS,
                "{protocol}, invocation {invocation}"
            );
        }
        tokio::task::block_in_place(|| telemetry.shutdown()).expect("shutdown");
    })
    .await;
}

/// Through rotel, a real collector: rotel has taken each invocation's spans when the
/// flush returns, and relays them at once, not ten minutes later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_a_real_collector_each_invocation_arrives_without_the_batch_schedule() {
    through_rotel(async |collector, endpoint, protocol| {
        let telemetry = init(endpoint, protocol);
        for invocation in 1..=2 {
            invoke(&telemetry, invocation);
            collector.wait_for_spans(invocation * SPANS, WAIT).await;
        }
        tokio::task::block_in_place(|| telemetry.shutdown()).expect("shutdown");
    })
    .await;
}
