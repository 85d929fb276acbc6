//! The cardinality guard: the `request_id` story of docs/configuration.md. A counter
//! given a per-request attribute keeps `metric_cardinality_limit` series, adds the rest
//! to the overflow series, and the kit warns once, naming the metric and the key, over
//! both readers (OTLP and Prometheus); a view dropping the key fixes it, and the limit
//! still holds for the instruments that view does not match.

use std::net::SocketAddr;

use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::{Key, KeyValue};
use opentelemetry_sdk::metrics::{Instrument, Stream};
use otel_kit_testing::{MetricData, Number, TestCollector};

use crate::prometheus::serving::scrape;
use crate::support::env;
use crate::support::own_process::ran_in_own_process;
use crate::support::subscriber::Capture;

const LIMIT: usize = 5;
/// Requests beyond the limit: they end in the overflow series.
const EXTRA: u64 = 7;

fn builder(collector: &TestCollector) -> otel_kit_init::Builder {
    let endpoint = collector.endpoint();
    let vars = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_METRICS_EXPORTER", "otlp,prometheus"),
        ("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1"),
        ("OTEL_EXPORTER_PROMETHEUS_PORT", "0"),
        // Only the flushes below export.
        ("OTEL_METRIC_EXPORT_INTERVAL", "600000"),
        ("OTEL_TRACES_EXPORTER", "none"),
        ("OTEL_LOGS_EXPORTER", "none"),
        ("OTEL_SERVICE_NAME", "checkout"),
    ];
    otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment(env(&vars))
        .metric_cardinality_limit(LIMIT)
}

/// One request each: `count` distinct `request_id`s on `checkout.requests`.
fn count_requests(telemetry: &otel_kit_init::Telemetry, name: &'static str, count: u64) {
    let requests = telemetry
        .meter_provider()
        .meter("checkout")
        .u64_counter(name)
        .build();
    for id in 0..count {
        requests.add(
            1,
            &[
                KeyValue::new("request_id", format!("req-{id:04}")),
                KeyValue::new("http.route", "/pay"),
            ],
        );
    }
}

/// The Prometheus text lines of `family` (`checkout_requests_total`).
async fn scraped(address: SocketAddr, family: &str) -> Vec<String> {
    let (_, _, body) = scrape(address, "GET", None).await;
    body.lines()
        .filter(|l| l.starts_with(&format!("{family}{{")))
        .map(str::to_owned)
        .collect()
}

/// The counter's points as the collector received them: (attributes, value).
fn received(collector: &TestCollector, name: &str) -> Vec<(Vec<String>, i64)> {
    let metrics = collector.metrics();
    let record = metrics.metric(name).record().clone();
    let MetricData::Sum { points, .. } = record.data else {
        panic!("{name} is a sum: {record:?}");
    };
    points
        .iter()
        .map(|p| {
            let keys = p.attributes.iter().map(|(k, _)| k.clone()).collect();
            let Number::Int(value) = p.value else {
                panic!("an integer counter: {p:?}");
            };
            (keys, value)
        })
        .collect()
}

async fn flush(telemetry: &otel_kit_init::Telemetry) {
    tokio::task::block_in_place(|| telemetry.force_flush()).expect("flush");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_id_attribute_overflows_into_one_series_with_one_warning() {
    // The warning is read from a global `tracing` subscriber: the OTLP export runs on
    // the periodic reader's thread.
    if ran_in_own_process(
        module_path!(),
        "a_request_id_attribute_overflows_into_one_series_with_one_warning",
    ) {
        return;
    }
    let capture = Capture::default();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_writer(capture.clone())
            .with_ansi(false)
            .finish(),
    )
    .expect("the only subscriber of this process");
    let collector = TestCollector::start().await.expect("collector");
    let telemetry = builder(&collector).init().expect("init");
    let address = telemetry.prometheus_address().expect("the listener is up");
    count_requests(&telemetry, "checkout.requests", LIMIT as u64 + EXTRA);

    // Prometheus: the limit's series and the overflow one, which holds the rest.
    let lines = scraped(address, "checkout_requests_total").await;
    assert_eq!(lines.len(), LIMIT + 1, "{lines:#?}");
    let overflow: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("otel_metric_overflow=\"true\""))
        .collect();
    assert_eq!(overflow.len(), 1, "{lines:#?}");
    assert!(overflow[0].ends_with(&format!("}} {EXTRA}")), "{}", overflow[0]);
    assert!(!overflow[0].contains("request_id"), "{}", overflow[0]);

    // OTLP: the same series.
    flush(&telemetry).await;
    let points = received(&collector, "checkout.requests");
    assert_eq!(points.len(), LIMIT + 1, "{points:?}");
    let overflow: Vec<_> = points
        .iter()
        .filter(|(keys, _)| keys == &["otel.metric.overflow"])
        .collect();
    assert_eq!(overflow.len(), 1, "{points:?}");
    assert_eq!(overflow[0].1, EXTRA as i64);

    // More collections by both readers: still the one warning.
    scraped(address, "checkout_requests_total").await;
    flush(&telemetry).await;
    let warnings: Vec<String> = capture
        .lines()
        .into_iter()
        .filter(|l| l.contains("cardinality limit"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", capture.text());
    let warning = &warnings[0];
    assert!(warning.contains(" WARN "), "{warning}");
    assert!(
        warning.contains("metric checkout.requests of scope checkout"),
        "{warning}"
    );
    assert!(
        warning.contains(&format!("after {LIMIT} attribute sets")),
        "{warning}"
    );
    assert!(warning.contains("[http.route, request_id]"), "{warning}");
    assert!(!warning.contains("req-0"), "never the values: {warning}");
    telemetry.shutdown().expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_view_dropping_the_key_fixes_it_and_the_limit_holds_for_the_others() {
    let collector = TestCollector::start().await.expect("collector");
    let telemetry = builder(&collector)
        .with_view(|i: &Instrument| {
            if i.name() != "checkout.requests" {
                return None;
            }
            Stream::builder()
                .with_allowed_attribute_keys([Key::new("http.route")])
                .build()
                .ok()
        })
        .init()
        .expect("init");
    let address = telemetry.prometheus_address().expect("the listener is up");
    let requests = LIMIT as u64 + EXTRA;
    count_requests(&telemetry, "checkout.requests", requests);
    count_requests(&telemetry, "checkout.attempts", requests);

    let fixed = scraped(address, "checkout_requests_total").await;
    assert_eq!(fixed.len(), 1, "{fixed:#?}");
    assert!(fixed[0].contains("http_route=\"/pay\""), "{fixed:#?}");
    assert!(fixed[0].ends_with(&format!("}} {requests}")), "{fixed:#?}");
    // The view matched only `checkout.requests`: the limit still holds for the other.
    let others = scraped(address, "checkout_attempts_total").await;
    assert_eq!(others.len(), LIMIT + 1, "{others:#?}");

    flush(&telemetry).await;
    assert_eq!(
        received(&collector, "checkout.requests"),
        [(vec!["http.route".to_owned()], requests as i64)]
    );
    assert_eq!(received(&collector, "checkout.attempts").len(), LIMIT + 1);
}

#[test]
fn a_limit_of_zero_is_an_error_that_says_what_to_give() {
    let refused = otel_kit_init::builder()
        .without_globals()
        .environment(env(&[]))
        .metric_cardinality_limit(0)
        .init();
    let Err(error) = refused else {
        panic!("a limit of 0 is refused");
    };
    assert_eq!(
        error.to_string(),
        format!(
            "invalid metric_cardinality_limit: 0 is not a number of attribute sets a metric can keep: give one from 1 to {} (the default is 2000)",
            usize::MAX - 1
        )
    );
}
