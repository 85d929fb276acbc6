//! `Telemetry::force_flush` against a hung collector: one flush at a time, so calls
//! that time out do not leave a growing number of blocked threads behind. In its own
//! process, so the flush threads it counts are its own.

use std::time::Duration;

use opentelemetry::trace::{Tracer as _, TracerProvider as _};

use crate::support::env;
use crate::support::own_process::ran_in_own_process;

fn threads_named(name: &str) -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("procfs")
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|c| c.trim() == name)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_force_flush_against_a_hung_collector_does_not_pile_up_threads() {
    if ran_in_own_process(
        module_path!(),
        "repeated_force_flush_against_a_hung_collector_does_not_pile_up_threads",
    ) {
        return;
    }
    let hole = otel_kit_testing::BlackHole::start().await.expect("black hole");
    let t = otel_kit_init::builder()
        .without_globals()
        .shutdown_timeout(Duration::from_millis(100))
        .environment(env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &hole.endpoint()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
        ]))
        .init()
        .expect("init");
    let t = std::sync::Arc::new(t);
    // A handler that flushes at the end of every request (the serverless pattern).
    for _ in 0..30 {
        t.tracer_provider().tracer("app").in_span("request", |_| {});
        let t2 = std::sync::Arc::clone(&t);
        let r = tokio::task::spawn_blocking(move || t2.force_flush())
            .await
            .expect("join");
        assert!(r.is_err(), "the collector is hung");
    }
    let alive = threads_named("otel-shutdown");
    drop(hole);
    assert!(
        alive <= 2,
        "{alive} flush threads still blocked after 30 bounded force_flush calls"
    );
    std::mem::forget(t); // do not wait for shutdown here
}
