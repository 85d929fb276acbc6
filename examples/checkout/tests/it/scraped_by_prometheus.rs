//! `checkout serve` with `OTEL_METRICS_EXPORTER=prometheus,otlp`, scraped by a real
//! Prometheus (`TEST_PROMETHEUS`, see `prometheus_server`) with exemplar storage and the
//! shipped rules, each service its own job: Prometheus' HTTP API answers with the
//! duration histograms per route, the process and runtime series, exemplars whose
//! trace ids the OTLP collector received, every rule healthy; and, with payments
//! failing (`--fault payments`), `HttpHighErrorRatio` and the availability burn-rate
//! alert `SloBurnRateFast` pending or firing for payments.

use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use otel_kit::testing::TestCollector;
use serde_json::Value;

use crate::demo::{JOBS, ServingDemo};
use crate::prometheus_server::{PrometheusServer, binary, rule_files};

/// How long one thing may take to show in Prometheus. The shipped recording rules are
/// evaluated every 30 s (their groups' `interval`), so a rule's first evaluation, or
/// the first after a change, can take that long.
const WAIT: Duration = Duration::from_secs(45);

fn unix_seconds(offset: i64) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    (now.as_secs() as i64 + offset).to_string()
}

/// `Ok` with the series once `selector` matches at least one for each of `jobs`.
async fn per_job(prometheus: &PrometheusServer, selector: &str, jobs: &[&str]) -> Result<Vec<Value>, String> {
    let series = prometheus.series(selector).await;
    let found: BTreeSet<&str> = series.iter().filter_map(|s| s["job"].as_str()).collect();
    let missing: Vec<&&str> = jobs.iter().filter(|j| !found.contains(**j)).collect();
    if missing.is_empty() {
        Ok(series)
    } else {
        Err(format!(
            "{selector}: no series for {missing:?} (jobs seen: {found:?})"
        ))
    }
}

/// Every rule of the shipped files: `(group, name)`.
fn shipped_rules() -> BTreeSet<(String, String)> {
    let mut rules = BTreeSet::new();
    for file in rule_files() {
        let text = std::fs::read_to_string(&file).expect("read a rule file");
        let yaml = &yaml_rust2::YamlLoader::load_from_str(&text).expect("YAML")[0];
        for group in yaml["groups"].as_vec().expect("groups") {
            for rule in group["rules"].as_vec().expect("rules") {
                let name = rule["record"]
                    .as_str()
                    .or(rule["alert"].as_str())
                    .expect("a name");
                rules.insert((
                    group["name"].as_str().expect("group name").to_owned(),
                    name.to_owned(),
                ));
            }
        }
    }
    rules
}

/// `Ok` once every rule Prometheus loaded was evaluated and is healthy, and they are
/// every rule of the shipped files; a rule in error fails at once.
async fn all_rules_healthy(prometheus: &PrometheusServer) -> Result<usize, String> {
    let data = prometheus.api("rules", &[]).await;
    let mut loaded = BTreeSet::new();
    let mut waiting = Vec::new();
    for group in data["groups"].as_array().into_iter().flatten() {
        let group_name = group["name"].as_str().unwrap_or_default();
        for rule in group["rules"].as_array().into_iter().flatten() {
            let name = rule["name"].as_str().unwrap_or_default();
            loaded.insert((group_name.to_owned(), name.to_owned()));
            match rule["health"].as_str() {
                Some("ok") => {}
                Some("err") => panic!("rule {name} is in error: {}", rule["lastError"]),
                other => waiting.push(format!("{name}: {other:?}")),
            }
        }
    }
    assert_eq!(
        loaded,
        shipped_rules(),
        "Prometheus loaded exactly the shipped rules"
    );
    if waiting.is_empty() {
        Ok(loaded.len())
    } else {
        Err(format!("not evaluated yet: {waiting:?}"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_scrapes_every_service_with_exemplars_and_the_rules_are_healthy() {
    let test = "prometheus_scrapes_every_service_with_exemplars_and_the_rules_are_healthy";
    let Some(binary) = binary(test) else { return };
    let started = Instant::now();
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let demo = ServingDemo::start(
        "prometheus",
        &[],
        &[
            ("OTEL_METRICS_EXPORTER", "prometheus,otlp"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ],
    );
    let prometheus = PrometheusServer::start(&binary, "scrape", &demo.targets()).await;
    let from = unix_seconds(-60);

    // One of each scenario, twice.
    let traffic = checkout::traffic::drive(demo.frontend, 50, 4).await;
    assert_eq!(traffic.transport_errors, 0, "{traffic:?}");

    // (a) The request-duration histograms per route (HTTP) and per method (gRPC).
    for (selector, jobs) in [
        (
            r#"http_server_request_duration_seconds_count{http_route="/checkout"}"#,
            &["frontend"][..],
        ),
        (
            r#"http_server_request_duration_seconds_bucket{http_route="/checkout",le="+Inf"}"#,
            &["frontend"],
        ),
        (
            r#"http_server_request_duration_seconds_count{http_route="/charge"}"#,
            &["payments"],
        ),
        (
            r#"http_server_request_duration_seconds_bucket{http_route="/charge",le="+Inf"}"#,
            &["payments"],
        ),
        (
            r#"rpc_server_call_duration_seconds_count{rpc_method="checkout.orders.v1.Orders/PlaceOrder"}"#,
            &["orders"],
        ),
        (
            r#"rpc_server_call_duration_seconds_bucket{rpc_method="checkout.orders.v1.Orders/PlaceOrder",le="+Inf"}"#,
            &["orders"],
        ),
    ] {
        prometheus
            .poll(selector, WAIT, || per_job(&prometheus, selector, jobs))
            .await;
    }

    // (b) The process and runtime series, for every service.
    for selector in [r#"{__name__=~"process_.+"}"#, r#"{__name__=~"tokio_.+"}"#] {
        prometheus
            .poll(selector, WAIT, || per_job(&prometheus, selector, &JOBS))
            .await;
    }

    // (c) Exemplars of the duration histograms: trace ids, each of a trace the OTLP
    // collector receives.
    let exemplar_query = r#"{__name__=~"http_server_request_duration_seconds_bucket|rpc_server_call_duration_seconds_bucket"}"#;
    let exemplars = prometheus
        .poll("exemplars", WAIT, || async {
            let until = unix_seconds(60);
            let data = prometheus
                .api(
                    "query_exemplars",
                    &[("query", exemplar_query), ("start", &from), ("end", &until)],
                )
                .await;
            let mut found: Vec<(String, String)> = Vec::new();
            for series in data.as_array().into_iter().flatten() {
                let job = series["seriesLabels"]["job"].as_str().unwrap_or_default();
                for exemplar in series["exemplars"].as_array().into_iter().flatten() {
                    let trace_id = exemplar["labels"]["trace_id"].as_str().unwrap_or_default();
                    found.push((job.to_owned(), trace_id.to_owned()));
                }
            }
            let jobs: BTreeSet<&str> = found.iter().map(|(job, _)| job.as_str()).collect();
            if ["frontend", "orders", "payments"]
                .iter()
                .all(|j| jobs.contains(j))
            {
                Ok(found)
            } else {
                Err(format!("exemplars only from {jobs:?}: {data}"))
            }
        })
        .await;
    assert!(
        exemplars.iter().all(|(_, trace_id)| trace_id.len() == 32),
        "every exemplar has a trace_id: {exemplars:?}"
    );

    // (d) Every shipped rule loaded and healthy once evaluated.
    let rules = prometheus
        .poll("every rule healthy", WAIT, || all_rules_healthy(&prometheus))
        .await;

    // The demo flushes its spans at shutdown: then every exemplar's trace is there.
    demo.stop();
    let spans = collector.spans();
    let traces: BTreeSet<&str> = spans.as_slice().iter().map(|s| s.trace_id.as_str()).collect();
    let unknown: Vec<&(String, String)> = exemplars
        .iter()
        .filter(|(_, trace_id)| !traces.contains(trace_id.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "{} of {} exemplars name a trace the collector did not receive: {unknown:?}",
        unknown.len(),
        exemplars.len()
    );
    assert!(
        collector
            .metrics()
            .as_slice()
            .iter()
            .any(|m| m.name == "http.server.request.duration"),
        "the same metrics went over OTLP too"
    );
    println!(
        "{test}: {} exemplars, all in the {} traces received; {rules} rules healthy; {:.1} s",
        exemplars.len(),
        traces.len(),
        started.elapsed().as_secs_f64()
    );
}

/// The alerts `--fault payments` must drive, with the labels that say so.
const FAULT_ALERTS: [(&str, &[(&str, &str)]); 2] = [
    ("HttpHighErrorRatio", &[("job", "payments")]),
    (
        "SloBurnRateFast",
        &[("job", "payments"), ("slo", "availability"), ("protocol", "http")],
    ),
];

/// How long the alerts may take: a rate needs two scrapes, and the SLO chain (the
/// objectives' group, then the SLIs, the budget and the burn rates of `otel-kit-slo`)
/// is evaluated every 30 s, each group on its own schedule.
const ALERT_WAIT: Duration = Duration::from_secs(100);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_payments_drive_the_error_ratio_and_burn_rate_alerts_in_prometheus() {
    let test = "failing_payments_drive_the_error_ratio_and_burn_rate_alerts_in_prometheus";
    let Some(binary) = binary(test) else { return };
    let started = Instant::now();
    let demo = ServingDemo::start(
        "fault",
        &["--fault", "payments"],
        &[
            ("OTEL_METRICS_EXPORTER", "prometheus"),
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
        ],
    );
    let prometheus = PrometheusServer::start(&binary, "fault", &demo.targets()).await;
    // A rate needs two scrapes of a series: traffic until the alert shows, from the
    // moment payments is scraped.
    prometheus
        .poll("payments scraped", WAIT, || {
            per_job(&prometheus, r#"up{job="payments"} == 1"#, &["payments"])
        })
        .await;
    let frontend = demo.frontend;
    let traffic = tokio::spawn(async move {
        loop {
            checkout::traffic::drive(frontend, 25, 4).await;
        }
    });
    let alerts = prometheus
        .poll(
            "HttpHighErrorRatio and SloBurnRateFast for payments",
            ALERT_WAIT,
            || async {
                let data = prometheus.api("alerts", &[]).await;
                let alerts: Vec<Value> = data["alerts"].as_array().cloned().unwrap_or_default();
                let active = |name: &str, labels: &[(&str, &str)]| {
                    alerts.iter().any(|a| {
                        a["labels"]["alertname"] == name
                            && labels.iter().all(|(k, v)| a["labels"][k] == *v)
                            && matches!(a["state"].as_str(), Some("pending" | "firing"))
                    })
                };
                let missing: Vec<&str> = FAULT_ALERTS
                    .iter()
                    .filter(|(name, labels)| !active(name, labels))
                    .map(|(name, _)| *name)
                    .collect();
                if missing.is_empty() {
                    Ok(alerts)
                } else {
                    Err(format!("not yet {missing:?}: {alerts:?}"))
                }
            },
        )
        .await;
    traffic.abort();
    let active: Vec<String> = alerts
        .iter()
        .map(|a| {
            format!(
                "{} {} {}",
                a["labels"]["alertname"], a["labels"]["job"], a["state"]
            )
        })
        .collect();
    demo.stop();
    println!(
        "{test}: active alerts {active:?}; {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
