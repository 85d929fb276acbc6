//! `init()` behind a real HTTP proxy (tinyproxy, `TEST_TINYPROXY`; skipped without it),
//! from the environment alone, as curl reads it: every signal arrives through the proxy
//! over OTLP/HTTP and OTLP/gRPC, and the proxy's log shows the requests; `NO_PROXY`
//! sends direct; the builder's proxy wins over the variables; the start-up summary names
//! the proxy without its credentials.

use std::time::Duration;

use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use otel_kit_init::{Proxy, Telemetry};
use otel_kit_testing::{TestCollector, Tinyproxy};

use crate::support::env;

const WAIT: Duration = Duration::from_secs(10);

/// One span, one log record and one counter point.
fn emit(t: &Telemetry) {
    t.tracer_provider().tracer("app").in_span("GET /orders", |_| {});
    let logger = t.logger_provider().logger("app");
    let mut record = logger.create_log_record();
    record.set_body("order shown".into());
    logger.emit(record);
    t.meter_provider()
        .meter("app")
        .u64_counter("orders.shown")
        .build()
        .add(1, &[]);
}

fn emit_and_flush(t: Telemetry) {
    emit(&t);
    t.force_flush().expect("flush");
    t.shutdown().expect("shutdown");
}

async fn run(builder: otel_kit_init::Builder) -> String {
    let t = builder.without_globals().init().expect("init");
    let summary = t.effective_config().to_string();
    tokio::task::spawn_blocking(move || emit_and_flush(t))
        .await
        .expect("join");
    summary
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_signal_goes_through_the_proxy_the_environment_names() {
    let Some(bin) = Tinyproxy::binary_from_env() else {
        return;
    };
    for (protocol, variable) in [
        ("http/protobuf", "HTTP_PROXY"),
        ("grpc", "http_proxy"),
        ("grpc", "ALL_PROXY"),
    ] {
        let collector = TestCollector::start().await.expect("collector");
        let proxy = Tinyproxy::start(&bin, Some(("otel", "pr0xy-s3cret"))).expect("tinyproxy");
        let endpoint = collector.endpoint();
        let proxy_url = proxy.url_with_credentials();
        let summary = run(otel_kit_init::builder().environment(env(&[
            ("OTEL_SERVICE_NAME", "behind-a-proxy"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
            (variable, &proxy_url),
        ])))
        .await;
        collector.wait_for_spans(1, WAIT).await.span("GET /orders");
        collector.wait_for_logs(1, WAIT).await.record("order shown");
        collector.wait_for_metric("orders.shown", WAIT).await;
        let target = format!("127.0.0.1:{}", collector.addr().port());
        let requests = proxy.requests_to(&target);
        assert!(
            requests.len() >= 3 || protocol == "grpc" && !requests.is_empty(),
            "{protocol} via {variable}: the proxy's log shows {} requests:\n{}",
            requests.len(),
            proxy.log()
        );
        assert!(
            summary.contains(&format!(
                "otlp.proxy=[http={}",
                proxy.url().replace("http://", "http://***@")
            )),
            "{summary}"
        );
        assert!(!summary.contains("pr0xy-s3cret"), "{summary}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_proxy_and_the_builder_decide_which_exports_skip_the_proxy() {
    let Some(bin) = Tinyproxy::binary_from_env() else {
        return;
    };
    let proxy = Tinyproxy::start(&bin, None).expect("tinyproxy");
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let proxy_url = proxy.url();
    let vars = |no_proxy: &'static str| {
        [
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.clone()),
            ("HTTP_PROXY", proxy_url.clone()),
            ("NO_PROXY", no_proxy.to_owned()),
        ]
    };
    let environment = |no_proxy: &'static str| {
        let map: std::collections::HashMap<&str, String> = vars(no_proxy).into_iter().collect();
        move |k: &str| map.get(k).cloned()
    };
    run(otel_kit_init::builder().environment(environment("localhost,127.0.0.1"))).await;
    run(otel_kit_init::builder()
        .environment(environment(""))
        .without_proxy())
    .await;
    collector.wait_for_logs(2, WAIT).await;
    assert!(
        !proxy.log().contains("Request (file descriptor"),
        "exports went through the proxy:\n{}",
        proxy.log()
    );
    // The builder's proxy wins over a variable that names no proxy at all.
    let other = Tinyproxy::start(&bin, None).expect("tinyproxy");
    run(otel_kit_init::builder()
        .environment(environment("*"))
        .proxy(Proxy::new(&other.url()).expect("proxy")))
    .await;
    collector.wait_for_logs(3, WAIT).await;
    assert!(
        !other.requests_to(&endpoint.replace("http://", "")).is_empty(),
        "{}",
        other.log()
    );
}

/// A proxy that refuses (wrong credentials) costs the service nothing and every signal's
/// loss is counted: `Telemetry::export_stats` per signal, the span queue's failed count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusing_proxy_loses_every_signal_counted() {
    let Some(bin) = Tinyproxy::binary_from_env() else {
        return;
    };
    let collector = TestCollector::start().await.expect("collector");
    let proxy = Tinyproxy::start(&bin, Some(("otel", "the-right-one"))).expect("tinyproxy");
    let wrong = format!("http://otel:wr0ng@127.0.0.1:{}", proxy.port());
    let endpoint = collector.endpoint();
    for protocol in ["http/protobuf", "grpc"] {
        let t = otel_kit_init::builder()
            .environment(env(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
                ("OTEL_EXPORTER_OTLP_TIMEOUT", "2000"),
                ("HTTP_PROXY", &wrong),
            ]))
            .without_globals()
            .init()
            .expect("init");
        let t = tokio::task::spawn_blocking(move || {
            emit(&t);
            // The exports fail: flushing says so, and returns.
            let _ = t.force_flush();
            t
        })
        .await
        .expect("join");
        for signal in [
            otel_kit_init::Signal::Traces,
            otel_kit_init::Signal::Logs,
            otel_kit_init::Signal::Metrics,
        ] {
            let stats = t.export_stats(signal).expect("our OTLP exporter");
            assert!(
                stats.exported_items() == 0 && stats.failed_items() >= 1 && stats.failed_batches() >= 1,
                "{protocol}, {signal:?}: {stats:?}"
            );
        }
        let queue = t.span_queue_stats().expect("the span queue");
        assert_eq!((queue.exported(), queue.failed()), (0, 1), "{protocol}");
        let _ = tokio::task::spawn_blocking(move || t.shutdown()).await;
    }
    assert!(collector.spans().as_slice().is_empty() && collector.logs().as_slice().is_empty());
    assert!(
        !proxy
            .requests_to(&format!("127.0.0.1:{}", collector.addr().port()))
            .is_empty(),
        "the proxy was asked:\n{}",
        proxy.log()
    );
}
