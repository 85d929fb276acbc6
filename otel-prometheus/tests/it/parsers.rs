//! The exposition of a realistic provider ([`fixture`](crate::fixture)) read by real
//! parsers: Python `prometheus_client`'s text and strict OpenMetrics parsers, whose
//! parsed families, values and exemplars are compared with what was recorded
//! (`promtool` is in [`promtool`](crate::promtool)). `TEST_PYTHON_OTEL` names a python3
//! with `prometheus-client`; without it, its tests say why on stderr and pass.

use std::path::PathBuf;
use std::process::Command;

use otel_kit_prometheus::ExpositionFormat;

use crate::fixture::{self, Span};

/// One family as the Python parser saw it.
#[derive(Debug)]
struct Family {
    name: String,
    kind: String,
    unit: String,
    samples: Vec<Sample>,
}

#[derive(Debug)]
struct Sample {
    name: String,
    labels: String,
    value: f64,
    /// trace_id, span_id, value, timestamp.
    exemplar: Option<(String, String, f64, f64)>,
}

pub(crate) fn tool(var: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(path) => Some(PathBuf::from(path)),
        None => {
            eprintln!("skipped: {var} is not set (the path of the tool this test runs)");
            None
        }
    }
}

fn python_parse(python: &PathBuf, format: ExpositionFormat, exposition: &[u8]) -> Vec<Family> {
    let dir = std::env::temp_dir().join(format!("otel-kit-prometheus-{}-{format:?}", std::process::id()));
    std::fs::write(&dir, exposition).expect("the exposition is written to a temporary file");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/parse.py");
    let parser = match format {
        ExpositionFormat::Text => "text",
        ExpositionFormat::OpenMetrics => "openmetrics",
    };
    let output = Command::new(python)
        .args([script, parser])
        .arg(&dir)
        .output()
        .expect("the python of TEST_PYTHON_OTEL runs");
    std::fs::remove_file(&dir).ok();
    assert!(
        output.status.success(),
        "prometheus_client's {parser} parser refused:\n{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(exposition)
    );
    let mut families: Vec<Family> = Vec::new();
    for line in String::from_utf8(output.stdout)
        .expect("the parser prints UTF-8")
        .lines()
    {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields[0] {
            "F" => families.push(Family {
                name: fields[1].to_owned(),
                kind: fields[2].to_owned(),
                unit: fields[3].to_owned(),
                samples: Vec::new(),
            }),
            "S" => {
                let exemplar = (fields[4] != "-").then(|| {
                    let e: Vec<&str> = fields[4].split(' ').collect();
                    (
                        e[0].to_owned(),
                        e[1].to_owned(),
                        e[2].parse().expect("an exemplar value"),
                        e[3].parse().expect("an exemplar time"),
                    )
                });
                families
                    .last_mut()
                    .expect("a sample follows its family")
                    .samples
                    .push(Sample {
                        name: fields[1].to_owned(),
                        labels: fields[2].to_owned(),
                        value: fields[3].parse().expect("a sample value"),
                        exemplar,
                    });
            }
            other => panic!("unexpected line {other}"),
        }
    }
    families
}

fn family<'f>(families: &'f [Family], name: &str) -> &'f Family {
    families
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no family {name} in {families:#?}"))
}

fn sample<'f>(family: &'f Family, name: &str, labels_contain: &[&str]) -> &'f Sample {
    family
        .samples
        .iter()
        .find(|s| {
            s.name == name
                && labels_contain
                    .iter()
                    .all(|l| s.labels.split(',').any(|x| x == *l))
        })
        .unwrap_or_else(|| panic!("no sample {name} {labels_contain:?} in {family:#?}"))
}

fn assert_exemplar(sample: &Sample, span: &Span, value: f64) {
    let (trace_id, span_id, v, ts) = sample
        .exemplar
        .clone()
        .unwrap_or_else(|| panic!("no exemplar on {sample:?}"));
    assert_eq!(
        (trace_id.as_str(), span_id.as_str(), v),
        (span.trace_id.as_str(), span.span_id.as_str(), value)
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs_f64();
    assert!((now - ts).abs() < 600.0, "exemplar time {ts} is not now ({now})");
}

/// What both formats must show, whatever their differences.
fn assert_common(families: &[Family]) {
    let duration = family(families, "http_server_request_duration_seconds");
    assert_eq!(duration.kind, "histogram");
    let scope = [
        "otel_scope_name=shop.http",
        "otel_scope_version=1.2.3",
        "http_route=/pay",
        "http_response_status_code=200",
    ];
    let bucket = |le: &str| {
        sample(
            duration,
            "http_server_request_duration_seconds_bucket",
            &[&scope[..], &[le]].concat(),
        )
        .value
    };
    // Cumulative: 0.05 | 0.7 | 3.0 in (1, +Inf].
    assert_eq!(
        [
            bucket("le=0.1"),
            bucket("le=0.5"),
            bucket("le=1.0"),
            bucket("le=+Inf")
        ],
        [1.0, 1.0, 2.0, 3.0]
    );
    assert_eq!(
        sample(duration, "http_server_request_duration_seconds_count", &scope).value,
        3.0
    );
    assert_eq!(
        sample(duration, "http_server_request_duration_seconds_sum", &scope).value,
        3.75
    );

    let orders = family(families, "shop_orders");
    assert_eq!(orders.kind, "counter");
    assert_eq!(
        sample(
            orders,
            "shop_orders_total",
            &["otel_scope_name=shop.http", "shop_step=pay"]
        )
        .value,
        3.0
    );
    assert_eq!(
        sample(
            orders,
            "shop_orders_total",
            &["otel_scope_name=shop.db", "otel_scope_version=0.9.0"]
        )
        .value,
        4.0
    );

    let queue = family(families, "shop_queue_depth");
    assert_eq!(
        (queue.kind.as_str(), sample(queue, "shop_queue_depth", &[]).value),
        ("gauge", 3.0)
    );
    let cpu = family(families, "shop_cpu_utilization_ratio");
    assert_eq!(
        (
            cpu.kind.as_str(),
            sample(cpu, "shop_cpu_utilization_ratio", &[]).value
        ),
        ("gauge", 0.25)
    );
    let size = family(families, "db_client_response_size_bytes");
    assert_eq!(
        sample(
            size,
            "db_client_response_size_bytes_bucket",
            &["le=1000.0", "db_system_name=postgresql"]
        )
        .value,
        1.0
    );
    assert_eq!(
        sample(
            size,
            "db_client_response_size_bytes_sum",
            &["otel_scope_name=shop.db"]
        )
        .value,
        512.0
    );
}

#[test]
fn python_reads_the_text_format() {
    let Some(python) = tool("TEST_PYTHON_OTEL") else {
        return;
    };
    let recorded = fixture::record();
    let families = python_parse(
        &python,
        ExpositionFormat::Text,
        &recorded.reader.render(ExpositionFormat::Text),
    );
    // The text parser names the resource's family by its sample, a gauge.
    let target = family(&families, "target_info");
    assert_eq!(target.kind, "gauge");
    let info = sample(
        target,
        "target_info",
        &["service_name=shop", "deployment_environment_name=test"],
    );
    assert_eq!(info.value, 1.0);
    let renamed: Vec<Family> = families
        .into_iter()
        .map(|mut f| {
            if f.name == "target_info" {
                f.name = "target".into()
            }
            f
        })
        .collect();
    assert_common(&renamed);
    assert!(
        renamed
            .iter()
            .flat_map(|f| &f.samples)
            .all(|s| s.exemplar.is_none()),
        "the text format has no exemplars"
    );
    assert!(
        renamed.iter().all(|f| f.unit == "-"),
        "the text format has no units"
    );
}

#[test]
fn python_reads_openmetrics_with_exemplars() {
    let Some(python) = tool("TEST_PYTHON_OTEL") else {
        return;
    };
    let recorded = fixture::record();
    let exposition = recorded.reader.render(ExpositionFormat::OpenMetrics);
    let families = python_parse(&python, ExpositionFormat::OpenMetrics, &exposition);
    let target = family(&families, "target");
    assert_eq!(target.kind, "info");
    sample(target, "target_info", &["service_name=shop"]);
    assert_common(&families);

    let duration = family(&families, "http_server_request_duration_seconds");
    assert_eq!(duration.unit, "seconds");
    let bucket = |le: &str| {
        sample(
            duration,
            "http_server_request_duration_seconds_bucket",
            &["otel_scope_name=shop.http", le],
        )
    };
    assert_exemplar(bucket("le=0.1"), &recorded.fast, 0.05);
    assert_exemplar(bucket("le=1.0"), &recorded.slow, 0.7);
    // 0.5's bucket had no measurement; 3.0 was made outside any span.
    assert!(bucket("le=0.5").exemplar.is_none() && bucket("le=+Inf").exemplar.is_none());

    let orders = family(&families, "shop_orders");
    assert_eq!(orders.unit, "-");
    assert_exemplar(
        sample(orders, "shop_orders_total", &["otel_scope_name=shop.http"]),
        &recorded.order,
        3.0,
    );
    assert!(
        sample(orders, "shop_orders_total", &["otel_scope_name=shop.db"])
            .exemplar
            .is_none()
    );
    assert_eq!(family(&families, "shop_cpu_utilization_ratio").unit, "ratio");
    let size = family(&families, "db_client_response_size_bytes");
    assert_eq!(size.unit, "bytes");
    assert_exemplar(
        sample(size, "db_client_response_size_bytes_bucket", &["le=1000.0"]),
        &recorded.query,
        512.0,
    );
    // Gauges carry none: "Exemplars on OpenTelemetry Gauges SHOULD be dropped."
    assert!(
        family(&families, "shop_queue_depth")
            .samples
            .iter()
            .all(|s| s.exemplar.is_none())
    );
}
