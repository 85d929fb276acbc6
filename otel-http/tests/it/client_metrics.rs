//! ClientMiddleware: `http.client.request.duration`.

use otel_kit_http::conventions::HTTP_RPC_DURATION_BUCKETS;
use otel_kit_semconv as semconv;
use otel_kit_testing::TestTelemetry;

use crate::support::client::{client, closed_port, start_server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_duration_histogram() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;
    let port = i64::from(addr.port());

    for path in ["/a", "/b", "/status/500"] {
        client()
            .get(format!("http://{addr}{path}"))
            .send()
            .await
            .expect("send");
    }

    let metrics = t.metrics();
    let metric = metrics.metric(semconv::metric::HTTP_CLIENT_REQUEST_DURATION);
    let metric = metric
        .has_unit("s")
        .has_scope_name("otel-kit-http")
        .is_histogram()
        .has_point_count(2);
    let ok = metric.histogram_point(&[
        ("http.request.method", "GET".into()),
        ("server.address", "127.0.0.1".into()),
        ("server.port", port.into()),
        ("http.response.status_code", 200.into()),
        ("network.protocol.version", "1.1".into()),
    ]);
    let ok = ok
        .has_count(2)
        .has_bucket_boundaries(&HTTP_RPC_DURATION_BUCKETS)
        .has_sum_in(0.0..=5.0);
    assert!(
        !ok.record().attributes.iter().any(|(k, _)| k == "error.type"),
        "a 200 has no error.type: {:?}",
        ok.record().attributes
    );
    // Only the low-cardinality attributes: never the URL.
    assert!(!ok.record().attributes.iter().any(|(k, _)| k.starts_with("url.")));

    metrics
        .metric(semconv::metric::HTTP_CLIENT_REQUEST_DURATION)
        .histogram_point(&[
            ("http.response.status_code", 500.into()),
            ("error.type", "500".into()),
        ])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transport_errors_are_measured_with_error_type() {
    let t = TestTelemetry::new().install_global();
    let port = closed_port().await;

    client()
        .get(format!("http://127.0.0.1:{port}/"))
        .send()
        .await
        .expect_err("refused");

    let metrics = t.metrics();
    let point = metrics
        .metric(semconv::metric::HTTP_CLIENT_REQUEST_DURATION)
        .histogram_point(&[
            ("http.request.method", "GET".into()),
            ("server.port", i64::from(port).into()),
            ("error.type", "connect".into()),
        ]);
    point.has_count(1);
    assert!(
        !point
            .record()
            .attributes
            .iter()
            .any(|(k, _)| k == "http.response.status_code")
    );
}

/// Requests repeated to each of two hosts: each host's successes are one point, counted
/// whole (after the first, through the histogram bound to the set), and the last
/// request's exemplar is in its own span.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_target_host_counts_its_repeated_requests() {
    let t = TestTelemetry::new().install_global();
    let addr = start_server().await;
    for host in ["127.0.0.1", "localhost"] {
        for _ in 0..4 {
            client()
                .get(format!("http://{host}:{}/a", addr.port()))
                .send()
                .await
                .expect("send");
        }
    }
    let spans = t.spans();
    let metrics = t.metrics();
    let duration = metrics
        .metric(semconv::metric::HTTP_CLIENT_REQUEST_DURATION)
        .has_point_count(2);
    for host in ["127.0.0.1", "localhost"] {
        let last = spans
            .iter()
            .rfind(|s| {
                s.name == "GET"
                    && s.attributes
                        .iter()
                        .any(|(k, v)| k == "server.address" && v.as_str() == Some(host))
            })
            .expect("a client span");
        duration
            .histogram_point(&[
                ("server.address", host.into()),
                ("http.response.status_code", 200.into()),
            ])
            .has_count(4)
            .has_exemplar_in(last);
    }
}
