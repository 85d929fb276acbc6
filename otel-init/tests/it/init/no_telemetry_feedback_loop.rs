//! With `RUST_LOG=debug`, the exporters' own HTTP client events must not become OTLP
//! log records: each export would produce the next one's payload, telemetry about
//! telemetry, forever, while the application does nothing. In its own process: `init()`
//! installs the globals here.

use std::collections::BTreeMap;
use std::time::Duration;

use otel_kit_testing::TestCollector;

use crate::support::env;
use crate::support::own_process::ran_in_own_process;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_path_does_not_feed_itself_under_rust_log_debug() {
    if ran_in_own_process(
        module_path!(),
        "the_export_path_does_not_feed_itself_under_rust_log_debug",
    ) {
        return;
    }
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    // Globals on: the ordinary `init()` path, with the process environment replaced.
    let t = otel_kit_init::builder()
        .environment(env(&[
            ("RUST_LOG", "debug"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_BLRP_SCHEDULE_DELAY", "100"),
        ]))
        .init()
        .expect("init");
    // The application is idle from here on.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let logs = collector.logs();
    let mut by_scope: BTreeMap<String, usize> = BTreeMap::new();
    for r in logs.as_slice() {
        *by_scope.entry(r.scope.name.clone()).or_default() += 1;
    }
    // Events emitted by the exporter's own client side (never by the collector's server).
    let self_made: usize = by_scope
        .iter()
        .filter(|(s, _)| {
            s.starts_with("reqwest") || s.starts_with("hyper_util::client") || s.starts_with("hyper::client")
        })
        .map(|(_, n)| n)
        .sum();
    let requests = collector.log_requests().len();
    drop(t);
    assert!(
        self_made == 0,
        "{requests} log export requests in 3 idle seconds; {self_made} records produced by the exporter's own HTTP client; by scope: {by_scope:?}"
    );
}
