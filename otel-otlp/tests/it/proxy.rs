//! Exports through a real HTTP proxy (tinyproxy, `TEST_TINYPROXY`; skipped without it):
//! every span, log record and metric arrives over OTLP/HTTP and OTLP/gRPC, plain and
//! TLS, and the proxy's log shows each connection (absolute form for plain OTLP/HTTP,
//! `CONNECT` for the rest); `NO_PROXY` hosts go direct; the proxy's credentials work and
//! never appear in a log line; a proxy that refuses or is down costs the application
//! nothing, and the failed exports are counted.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry_sdk::logs::{SdkLoggerProvider, SimpleLogProcessor};
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use otel_kit_otlp::{ExportStats, LogExporter, MetricExporter, Protocol, Proxy, SpanExporter};
use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};
use otel_kit_testing::{CollectorTls, TestCollector, Tinyproxy};

const WAIT: Duration = Duration::from_secs(10);

/// A collector serving TLS with a fresh self-signed certificate for 127.0.0.1, and the
/// certificate (PEM) to trust.
async fn tls_collector() -> (TestCollector, String) {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("certificate");
    let pem = certified.cert.pem();
    let collector = TestCollector::builder()
        .tls(CollectorTls::new(
            pem.clone(),
            certified.signing_key.serialize_pem(),
        ))
        .start()
        .await
        .expect("collector");
    (collector, pem)
}

/// The three exporters of one signal set, built the same way.
struct Exporters {
    protocol: Protocol,
    base: String,
    proxy: Proxy,
    ca: Option<String>,
}

impl Exporters {
    fn endpoint(&self, path: &str) -> String {
        match self.protocol {
            Protocol::Grpc => self.base.clone(),
            Protocol::HttpProtobuf | Protocol::HttpJson => format!("{}{path}", self.base),
        }
    }

    /// Sends one span, one log record and one metric through the exporters, flushing
    /// each provider; returns the span queue's counts (exported, failed).
    /// One span, one log record and one metric point through the proxy; what each
    /// signal's counters say of them.
    fn send_one_of_each(&self) -> Sent {
        macro_rules! configured {
            ($builder:expr, $path:literal) => {{
                let builder = $builder
                    .with_protocol(self.protocol)
                    .with_endpoint(self.endpoint($path))
                    .with_timeout(Duration::from_secs(3))
                    .with_proxy(self.proxy.clone());
                match &self.ca {
                    Some(ca) => builder.with_ca_certificate(ca.clone()),
                    None => builder,
                }
                .build()
                .expect("exporter")
            }};
        }
        let processor = SpanQueueProcessor::new(
            configured!(SpanExporter::builder(), "/v1/traces"),
            BatchSettings {
                schedule_delay: Duration::from_millis(50),
                ..BatchSettings::SPAN_DEFAULTS
            },
        );
        let stats = processor.stats();
        let tracer_provider = SdkTracerProvider::builder()
            .with_span_processor(processor)
            .build();
        tracer_provider.tracer("orders").in_span("place order", |_| {});
        let log_exporter = configured!(LogExporter::builder(), "/v1/logs");
        let log_stats = log_exporter.stats();
        let logger_provider = SdkLoggerProvider::builder()
            .with_log_processor(SimpleLogProcessor::new(log_exporter))
            .build();
        let logger = logger_provider.logger("orders");
        let mut record = logger.create_log_record();
        record.set_body("order placed".into());
        logger.emit(record);
        let metric_exporter = configured!(MetricExporter::builder(), "/v1/metrics");
        let metric_stats = metric_exporter.stats();
        let reader = PeriodicReader::builder(metric_exporter)
            .with_interval(Duration::from_secs(600))
            .build();
        let meter_provider = SdkMeterProvider::builder().with_reader(reader).build();
        meter_provider
            .meter("orders")
            .u64_counter("orders.placed")
            .build()
            .add(1, &[]);
        let _ = meter_provider.force_flush();
        let _ = tracer_provider.force_flush();
        let _ = logger_provider.force_flush();
        let _ = (
            tracer_provider.shutdown(),
            meter_provider.shutdown(),
            logger_provider.shutdown(),
        );
        let items = |s: &ExportStats| (s.exported_items(), s.failed_items());
        Sent {
            spans: (stats.exported(), stats.failed()),
            logs: items(&log_stats),
            metric_points: items(&metric_stats),
        }
    }
}

/// Delivered and lost (exported, failed) of each signal.
#[derive(Debug, PartialEq)]
struct Sent {
    spans: (u64, u64),
    logs: (u64, u64),
    metric_points: (u64, u64),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_signal_arrives_through_the_proxy_over_each_transport_and_the_proxy_saw_it() {
    let Some(bin) = Tinyproxy::binary_from_env() else {
        return;
    };
    for protocol in [Protocol::HttpProtobuf, Protocol::Grpc] {
        for tls in [false, true] {
            let (collector, ca) = if tls {
                let (collector, ca) = tls_collector().await;
                (collector, Some(ca))
            } else {
                (TestCollector::start().await.expect("collector"), None)
            };
            let proxy = Tinyproxy::start(&bin, Some(("otel", "pr0xy-s3cret"))).expect("tinyproxy");
            let base = if tls {
                collector.endpoint().replacen("http://", "https://", 1)
            } else {
                collector.endpoint()
            };
            let exporters = Exporters {
                protocol,
                base,
                proxy: Proxy::new(&proxy.url_with_credentials()).expect("proxy"),
                ca,
            };
            let sent = tokio::task::spawn_blocking(move || exporters.send_one_of_each())
                .await
                .expect("sent");
            let case = format!("{protocol:?}, tls {tls}");
            collector.wait_for_spans(1, WAIT).await.span("place order");
            collector.wait_for_logs(1, WAIT).await.record("order placed");
            collector.wait_for_metric("orders.placed", WAIT).await;
            // The shutdown collects the counter again: one point or two, none lost.
            assert!(
                sent.spans == (1, 0)
                    && sent.logs == (1, 0)
                    && sent.metric_points.0 >= 1
                    && sent.metric_points.1 == 0,
                "{case}: {sent:?}"
            );
            let target = format!("127.0.0.1:{}", collector.addr().port());
            let requests = proxy.requests_to(&target);
            let expected = if protocol == Protocol::HttpProtobuf && !tls {
                // curl's way for plain HTTP: the request itself, in absolute form.
                format!("POST http://{target}/v1/")
            } else {
                format!("CONNECT {target}")
            };
            assert!(
                !requests.is_empty() && requests.iter().all(|line| line.contains(&expected)),
                "{case}: the proxy's log has no `{expected}`:\n{}",
                proxy.log()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hosts_in_no_proxy_go_direct() {
    let Some(bin) = Tinyproxy::binary_from_env() else {
        return;
    };
    let proxy = Tinyproxy::start(&bin, None).expect("tinyproxy");
    for protocol in [Protocol::HttpProtobuf, Protocol::Grpc] {
        let collector = TestCollector::start().await.expect("collector");
        let exporters = Exporters {
            protocol,
            base: collector.endpoint(),
            proxy: Proxy::new(&proxy.url())
                .expect("proxy")
                .no_proxy("example.org, 127.0.0.0/8"),
            ca: None,
        };
        let sent = tokio::task::spawn_blocking(move || exporters.send_one_of_each())
            .await
            .expect("sent");
        assert_eq!((sent.spans, sent.logs), ((1, 0), (1, 0)));
        collector.wait_for_logs(1, WAIT).await;
        collector.wait_for_metric("orders.placed", WAIT).await;
    }
    assert!(
        !proxy.log().contains("Request (file descriptor"),
        "NO_PROXY hosts went through the proxy:\n{}",
        proxy.log()
    );
}

/// Every `tracing` event of the process (the exporters' warnings), formatted.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_refusing_or_missing_proxy_costs_nothing_fails_counted_and_never_shows_its_credentials() {
    if crate::support::own_process::ran_in_own_process(
        module_path!(),
        "a_refusing_or_missing_proxy_costs_nothing_fails_counted_and_never_shows_its_credentials",
    ) {
        return;
    }
    let Some(bin) = Tinyproxy::binary_from_env() else {
        return;
    };
    let captured = Captured::default();
    let writer = captured.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish(),
    )
    .expect("subscriber");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let collector = runtime.block_on(TestCollector::start()).expect("collector");
    let refusing = Tinyproxy::start(&bin, Some(("otel", "the-right-one"))).expect("tinyproxy");
    let down = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let down_port = down.local_addr().expect("address").port();
    drop(down);
    let wrong = format!("http://otel:wr0ng-s3cret@127.0.0.1:{}", refusing.port());
    let missing = format!("http://otel:wr0ng-s3cret@127.0.0.1:{down_port}");
    for protocol in [Protocol::HttpProtobuf, Protocol::Grpc] {
        for proxy in [&wrong, &missing] {
            let exporters = Exporters {
                protocol,
                base: collector.endpoint(),
                proxy: Proxy::new(proxy).expect("proxy"),
                ca: None,
            };
            let started = Instant::now();
            let sent = exporters.send_one_of_each();
            // Every signal's loss counted, none delivered.
            assert!(
                sent.spans == (0, 1)
                    && sent.logs == (0, 1)
                    && sent.metric_points.0 == 0
                    && sent.metric_points.1 >= 1,
                "{protocol:?} via {proxy}: {sent:?}"
            );
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{:?}",
                started.elapsed()
            );
        }
    }
    assert!(collector.spans().as_slice().is_empty() && collector.logs().as_slice().is_empty());
    assert!(
        !refusing
            .requests_to(&format!("127.0.0.1:{}", collector.addr().port()))
            .is_empty(),
        "the refusing proxy was asked:\n{}",
        refusing.log()
    );
    let output = String::from_utf8_lossy(&captured.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
    assert!(output.contains("OTLP"), "the failures were reported: {output}");
    for secret in ["wr0ng-s3cret", "b3RlbDp3cjBuZy1zM2NyZXQ"] {
        assert!(
            !output.contains(secret),
            "a log line shows the proxy's credentials:\n{output}"
        );
    }
}
