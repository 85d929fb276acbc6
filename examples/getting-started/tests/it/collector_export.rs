//! The guide's axum service, unchanged, pointed at a real collector (rotel, relaying to
//! the in-process collector) by the environment alone: its traces, metrics and logs
//! arrive. Skipped, saying why, when `TEST_OTLP_COLLECTOR_BIN` is unset.

use std::time::Duration;

use otel_kit::opentelemetry::trace::SpanKind;
use otel_kit::testing::{Protocol, Rotel, TestCollector};

/// Exports leave every 100 ms (spans, logs) and 200 ms (metrics) below; a loaded CI
/// machine is slower.
const WAIT: Duration = Duration::from_secs(20);

/// The one trace a `GET /hello/ada` makes.
const TREE: &str = "
    GET /hello/{name}
      hello
        GET
          GET /greeting/{name}
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_axum_service_of_the_guide_exports_traces_metrics_and_logs_to_a_collector() {
    let Some(bin) = Rotel::binary_from_env() else {
        return;
    };
    let collector = TestCollector::start().await.expect("the in-process collector");
    let rotel = Rotel::start(&bin, &collector, Protocol::HttpProtobuf).expect("rotel");
    let endpoint = rotel.http_endpoint();
    // Section 4 of the guide: the endpoint, nothing else, and shorter export intervals
    // so the test need not wait 5 and 60 s.
    // Waits for the binary's start-up line; the collector goes on on the other worker.
    let guide = tokio::task::block_in_place(|| {
        super::start_with(
            env!("CARGO_BIN_EXE_guide-axum"),
            &[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
                ("OTEL_BSP_SCHEDULE_DELAY", "100"),
                ("OTEL_BLRP_SCHEDULE_DELAY", "100"),
                ("OTEL_METRIC_EXPORT_INTERVAL", "200"),
            ],
        )
    });
    let port = guide.port;
    let (status, body) = tokio::task::spawn_blocking(move || super::get(port, "/hello/ada"))
        .await
        .expect("the call");
    assert!(status.contains(" 200 "), "{status}");
    assert_eq!(body.trim_end().lines().last(), Some("Hello, ada!"), "{body:?}");

    let spans = collector.wait_for_spans(4, WAIT).await;
    let metrics = collector
        .wait_for_metric("http.server.request.duration", WAIT)
        .await;
    let logs = collector.wait_for_logs(1, WAIT).await;
    let output = super::stop(guide);

    spans.assert_count(4).assert_single_trace().assert_tree(TREE);
    let server = spans.span("GET /hello/{name}");
    server
        .has_kind(SpanKind::Server)
        .has_attribute("http.route", "/hello/{name}")
        .has_resource_attribute("service.name", "hello-otel");
    let hello = spans.span("hello");
    hello.has_parent(&server).has_attribute("name", "ada");
    spans.span("GET").has_kind(SpanKind::Client).has_parent(&hello);
    metrics.metric("http.server.request.duration").has_unit("s");
    logs.record("asking for a greeting")
        .has_resource_attribute("service.name", "hello-otel")
        .is_in_span(&hello);
    // Exporting, the console fallback is off: no span line on stdout.
    assert!(!output.contains("span GET /hello/{name} "), "{output}");
}
