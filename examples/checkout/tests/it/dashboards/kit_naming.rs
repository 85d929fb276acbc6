//! The two Prometheus namings agree on what `docs/dashboards` queries: the Collector's
//! (modelled in this module's parent, from OTLP) and otel-kit-init's own exporter
//! (`OTEL_METRICS_EXPORTER=prometheus`, scraped directly). One run of `checkout serve`
//! exports both ways; every metric the dashboards and rules reference has the same name
//! in both, and the rules' and dashboards' labels are all on the scraped series too. So
//! the model cannot drift from the kit, and the files work for direct scraping, where
//! Prometheus adds `job` (the scrape job, named after the service) and `instance`.

use std::collections::BTreeSet;

use otel_kit::testing::TestCollector;

use super::{IMPLICIT_LABELS, Series, check, listing, load_docs, series, services};
use crate::demo::ServingDemo;

/// The samples of a text-format exposition (0.0.4) as [`Series`]: each sample's name
/// and label names, plus `job` and `instance`, which Prometheus adds on a scrape.
fn scraped_series(exposition: &str) -> Result<Series, String> {
    let mut out = Series::new();
    for line in exposition.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let end = line.find(['{', ' ']).ok_or_else(|| format!("no value: {line}"))?;
        let name = &line[..end];
        let mut labels: BTreeSet<String> = IMPLICIT_LABELS
            .iter()
            .filter(|l| **l != "le")
            .map(|l| (*l).to_owned())
            .collect();
        if line[end..].starts_with('{') {
            labels.extend(label_names(&line[end + 1..]).map_err(|e| format!("{e}: {line}"))?);
        }
        out.entry(name.to_owned()).or_default().extend(labels);
    }
    Ok(out)
}

/// The label names of `key="value",...}` (values may hold escaped quotes, commas, braces).
fn label_names(text: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut rest = text;
    loop {
        if rest.starts_with('}') {
            return Ok(names);
        }
        let (key, value) = rest.split_once("=\"").ok_or("a label without =\"")?;
        names.push(key.trim_start_matches(',').to_owned());
        let mut escaped = false;
        let close = value
            .char_indices()
            .find(|(_, c)| {
                let end = *c == '"' && !escaped;
                escaped = *c == '\\' && !escaped;
                end
            })
            .map(|(i, _)| i)
            .ok_or("an unterminated label value")?;
        rest = value[close + 1..].trim_start_matches(',');
    }
}

#[test]
fn reads_the_names_of_a_text_exposition() {
    let text = "# TYPE a_total counter\n\
                a_total{otel_scope_name=\"x\",note=\"say \\\"hi\\\", {ok}\"} 1\n\
                b 2\n\
                c_bucket{le=\"+Inf\"} 3\n";
    let series = scraped_series(text).expect("parsed");
    let names = |n: &str| series[n].iter().cloned().collect::<Vec<_>>();
    assert_eq!(names("a_total"), ["instance", "job", "note", "otel_scope_name"]);
    assert_eq!(names("b"), ["instance", "job"]);
    assert_eq!(names("c_bucket"), ["instance", "job", "le"]);
    assert!(scraped_series("d{x=\"unterminated} 1\n").is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kits_prometheus_names_agree_with_the_collectors_on_every_queried_metric() {
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let demo = ServingDemo::start(
        "kit-naming",
        &[],
        &[
            ("OTEL_METRICS_EXPORTER", "prometheus,otlp"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ],
    );
    // Every scenario, twice; then a moment for the notifications queue to drain.
    let traffic = checkout::traffic::drive(demo.frontend, 50, 4).await;
    assert_eq!(traffic.transport_errors, 0, "{traffic:?}");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let client = reqwest::Client::new();
    let mut scraped = Series::new();
    for (service, address) in &demo.metrics {
        let body = client
            .get(format!("http://{address}/metrics"))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .unwrap_or_else(|e| panic!("scrape {service}: {e}"))
            .text()
            .await
            .expect("a body");
        for (name, labels) in scraped_series(&body).unwrap_or_else(|e| panic!("{service}: {e}")) {
            scraped.entry(name).or_default().extend(labels);
        }
    }
    demo.stop();
    let mut modelled = series(collector.metrics().as_slice());
    // NATS's labels, as the drift test assumes them without TEST_NATS_URL.
    services::assume_nats_labels(&mut modelled);
    services::assume_nats_labels(&mut scraped);

    let docs = load_docs();
    let report = check(&scraped, &docs);
    assert!(
        report.problems.is_empty(),
        "docs/dashboards, scraped from otel-kit-init's exporter, reference {} metric(s) or label(s) it does not serve:\n  {}\n\nServed:\n{}",
        report.problems.len(),
        report.problems.join("\n  "),
        listing(&scraped)
    );
    let queried = check(&modelled, &docs).metrics;
    assert!(queried.len() >= 10, "the docs query these metrics: {queried:?}");
    let disagree: Vec<String> = queried
        .iter()
        .filter(|name| modelled.contains_key(*name) != scraped.contains_key(*name))
        .map(|name| {
            format!(
                "{name}: the Collector's naming {}, the kit's {}",
                if modelled.contains_key(name) {
                    "has it"
                } else {
                    "does not"
                },
                if scraped.contains_key(name) {
                    "has it"
                } else {
                    "does not"
                }
            )
        })
        .collect();
    assert!(disagree.is_empty(), "{disagree:#?}");
}
