//! Exemplars from a latency panel to the trace behind it (`docs/exemplars.md`).
//!
//! Every panel that reads a duration histogram's buckets (`*_seconds_bucket`) asks
//! Prometheus for that histogram's exemplars on one of its targets (`"exemplar": true`),
//! and no target asks for them where none can be (a series other than a bucket). The
//! compose stack carries them all the way: the collector's `prometheus` exporter speaks
//! OpenMetrics (the only text format with exemplars), Prometheus stores them, and
//! Grafana's Prometheus data source links their `trace_id` label to the Tempo data
//! source. The checker is tried on small dashboards too, so it cannot pass vacuously.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use yaml_rust2::{Yaml, YamlLoader};

use super::{analyse, dashboards_dir, files};

/// The exemplar label the collector's `prometheus` exporter (and Prometheus' own OTLP
/// receiver) writes the trace id into.
const TRACE_ID_LABEL: &str = "trace_id";

/// The buckets of a histogram in seconds: every duration histogram of the conventions.
fn is_duration_buckets(metric: &str) -> bool {
    metric.ends_with("_seconds_bucket")
}

/// What the check found in the dashboards it was given.
#[derive(Debug, Default)]
struct Found {
    /// `file / panel title` of every panel that reads a duration histogram.
    latency_panels: Vec<String>,
    problems: Vec<String>,
}

/// Checks every panel of `dashboard`, rows' nested panels included.
fn check_panels(file: &str, dashboard: &Value, found: &mut Found) {
    for panel in dashboard["panels"].as_array().map_or(&[][..], Vec::as_slice) {
        check_panel(file, panel, found);
        check_panels(file, panel, found);
    }
}

fn check_panel(file: &str, panel: &Value, found: &mut Found) {
    let place = format!("{file} / {}", panel["title"].as_str().unwrap_or("?"));
    // Each duration histogram the panel reads -> whether a target reading it asks for
    // its exemplars.
    let mut histograms: BTreeMap<String, bool> = BTreeMap::new();
    for target in panel["targets"].as_array().map_or(&[][..], Vec::as_slice) {
        let Some(expr) = target["expr"].as_str() else {
            continue;
        };
        let reference = target["refId"].as_str().unwrap_or("?");
        let metrics: BTreeSet<String> = match analyse(expr) {
            Ok(analysis) => analysis.uses.into_iter().map(|u| u.metric).collect(),
            Err(e) => {
                found.problems.push(format!("{place} target {reference}: {e}"));
                continue;
            }
        };
        let exemplar = target["exemplar"] == Value::Bool(true);
        if exemplar && !metrics.iter().any(|m| m.ends_with("_bucket")) {
            found.problems.push(format!(
                "{place} target {reference}: exemplars on, but it reads no histogram bucket \
                 (the exporter puts exemplars on buckets and counters only; a panel shows them \
                 for the series its query selects): {metrics:?}"
            ));
        }
        for metric in metrics.into_iter().filter(|m| is_duration_buckets(m)) {
            *histograms.entry(metric).or_default() |= exemplar;
        }
    }
    if histograms.is_empty() {
        return;
    }
    found.latency_panels.push(place.clone());
    for (metric, on) in histograms {
        if !on {
            found.problems.push(format!(
                "{place}: reads {metric} but no target has \"exemplar\": true"
            ));
        }
    }
}

#[test]
fn latency_panels_show_exemplars() {
    let mut found = Found::default();
    let mut files_read = 0;
    for path in files(&dashboards_dir().join("grafana"), &["json"]) {
        let name = path
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let before = found.latency_panels.len();
        check_panels(&name, &dashboard, &mut found);
        assert!(found.latency_panels.len() > before, "{name}: no latency panel");
        files_read += 1;
    }
    assert!(files_read >= 5, "dashboards read: {files_read}");
    assert!(
        found.problems.is_empty(),
        "latency panels without exemplars:\n{}",
        found.problems.join("\n")
    );
    // Each instrumented area's duration histogram is charted with its exemplars.
    let panels = found.latency_panels.join("\n");
    for dashboard in ["red.json", "grpc.json", "db.json", "genai.json", "messaging.json"] {
        assert!(panels.contains(dashboard), "{panels}");
    }
    assert!(found.latency_panels.len() >= 15, "{panels}");
}

#[test]
fn the_exemplar_check_rejects_panels_without_them() {
    let target = |expr: &str, exemplar: Option<bool>| {
        let mut t = json!({"refId": "A", "expr": expr});
        if let Some(on) = exemplar {
            t["exemplar"] = Value::Bool(on);
        }
        t
    };
    let p95 = "histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket[5m])))";
    let rate = "sum(rate(http_server_request_duration_seconds_count[5m]))";
    let tokens = "histogram_quantile(0.95, sum by (le) (rate(gen_ai_client_token_usage_bucket[5m])))";
    let dashboard = json!({"panels": [
        {"title": "on", "targets": [target(p95, Some(true)), target(p95, None)]},
        {"title": "off", "targets": [target(p95, Some(false))]},
        {"title": "rate", "targets": [target(rate, Some(true))]},
        {"title": "tokens", "targets": [target(tokens, None)]},
        {"title": "row", "type": "row", "panels": [
            {"title": "nested", "targets": [target(p95, None)]},
        ]},
    ]});
    let mut found = Found::default();
    check_panels("d.json", &dashboard, &mut found);
    assert_eq!(
        found.latency_panels,
        ["d.json / on", "d.json / off", "d.json / nested"]
    );
    assert_eq!(found.problems.len(), 3, "{:#?}", found.problems);
    assert!(found.problems[0].starts_with("d.json / off: reads http_server_request_duration_seconds_bucket"));
    assert!(
        found.problems[1]
            .starts_with("d.json / rate target A: exemplars on, but it reads no histogram bucket")
    );
    assert!(found.problems[2].starts_with("d.json / nested: reads"));
}

// ---------------------------------------------------------------------------------------
// The compose stack: collector -> Prometheus -> Grafana -> Tempo.
// ---------------------------------------------------------------------------------------

fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/deploy")
}

fn yaml(relative: &str) -> Yaml {
    let path = deploy_dir().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut documents = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{relative}: {e}"));
    assert_eq!(documents.len(), 1, "{relative}");
    documents.remove(0)
}

/// The problems of a Grafana data source provisioning file: its Prometheus data sources
/// must send an exemplar's `trace_id` to a Tempo data source of the same file.
fn datasource_problems(provisioning: &Yaml) -> Vec<String> {
    let sources = provisioning["datasources"]
        .as_vec()
        .map_or(&[][..], Vec::as_slice);
    let tempo: Vec<&str> = sources
        .iter()
        .filter(|s| s["type"].as_str() == Some("tempo"))
        .filter_map(|s| s["uid"].as_str())
        .collect();
    let prometheus: Vec<&Yaml> = sources
        .iter()
        .filter(|s| s["type"].as_str() == Some("prometheus"))
        .collect();
    if prometheus.is_empty() {
        return vec!["no Prometheus data source".to_owned()];
    }
    let mut problems = Vec::new();
    for source in prometheus {
        let name = source["name"].as_str().unwrap_or("?");
        let destinations = source["jsonData"]["exemplarTraceIdDestinations"].as_vec();
        let linked = destinations.into_iter().flatten().any(|d| {
            d["name"].as_str() == Some(TRACE_ID_LABEL)
                && d["datasourceUid"]
                    .as_str()
                    .is_some_and(|uid| tempo.contains(&uid))
        });
        if !linked {
            problems.push(format!(
                "{name}: no jsonData.exemplarTraceIdDestinations entry with name {TRACE_ID_LABEL} \
                 and the datasourceUid of a Tempo data source ({tempo:?})"
            ));
        }
    }
    problems
}

#[test]
fn the_compose_stack_carries_exemplars_to_tempo() {
    // Grafana: an exemplar's trace id opens the trace in Tempo.
    let provisioning = yaml("compose/grafana/provisioning/datasources/datasources.yaml");
    let problems = datasource_problems(&provisioning);
    assert!(problems.is_empty(), "{problems:?}");

    // Prometheus keeps exemplars only with its exemplar storage on.
    let compose = yaml("compose/compose.yaml");
    let command = compose["services"]["prometheus"]["command"]
        .as_vec()
        .expect("prometheus command");
    let features: Vec<&str> = command
        .iter()
        .filter_map(|arg| arg.as_str()?.strip_prefix("--enable-feature="))
        .flat_map(|list| list.split(','))
        .collect();
    assert!(features.contains(&"exemplar-storage"), "prometheus {command:?}");

    // The collectors Prometheus scrapes expose exemplars: only in OpenMetrics.
    for config in ["collector-compose.yaml", "collector-gateway.yaml"] {
        let collector = yaml(config);
        let exporters = collector["service"]["pipelines"]["metrics"]["exporters"]
            .as_vec()
            .expect("a metrics pipeline");
        assert!(
            exporters.iter().any(|e| e.as_str() == Some("prometheus")),
            "{config}"
        );
        assert_eq!(
            collector["exporters"]["prometheus"]["enable_open_metrics"].as_bool(),
            Some(true),
            "{config}: the prometheus exporter writes exemplars only in OpenMetrics"
        );
    }
}

#[test]
fn the_datasource_check_rejects_a_missing_or_wrong_destination() {
    let check = |text: &str| datasource_problems(&YamlLoader::load_from_str(text).expect("yaml")[0]);
    let tempo = "  - {name: Tempo, uid: tempo, type: tempo}\n";
    let with = |destinations: &str| {
        format!(
            "datasources:\n  - name: Prometheus\n    type: prometheus\n    jsonData:\n      \
             exemplarTraceIdDestinations: {destinations}\n{tempo}"
        )
    };
    assert!(check(&with("[{name: trace_id, datasourceUid: tempo}]")).is_empty());
    // Grafana's editor suggests `traceID`; the collector writes `trace_id`.
    assert_eq!(check(&with("[{name: traceID, datasourceUid: tempo}]")).len(), 1);
    assert_eq!(check(&with("[{name: trace_id, datasourceUid: loki}]")).len(), 1);
    assert_eq!(check(&with("[]")).len(), 1);
    assert_eq!(check(&format!("datasources:\n{tempo}")).len(), 1);
}
