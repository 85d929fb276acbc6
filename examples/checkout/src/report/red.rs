//! The per-service RED table (rate, errors, duration), computed from the exported
//! duration histograms rather than from spans.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use otel_kit::testing::{AttributeValue, HistogramPoint, MetricData, MetricRecord, Temporality};

use super::quantile::histogram_quantile;
use super::text::{count_to_f64, format_ms, truncate};

/// Server-side duration histograms (a consumer's processing is its service's own work
/// too): one row per service and metric in the first section.
const SERVER_METRICS: [&str; 3] = [
    "http.server.request.duration",
    "rpc.server.call.duration",
    "messaging.process.duration",
];
/// Outgoing-call duration histograms: the second section.
const CLIENT_METRICS: [&str; 5] = [
    "http.client.request.duration",
    "rpc.client.call.duration",
    "db.client.operation.duration",
    "gen_ai.client.operation.duration",
    "messaging.client.operation.duration",
];

/// Renders the RED table from histogram metrics; `elapsed` is the traffic's wall time.
///
/// For every service (resource `service.name`) and duration histogram it prints the
/// request count, the rate (count / `elapsed`), the errors (count and share) and the
/// p50/p95/p99 in milliseconds estimated from the buckets
/// ([`histogram_quantile`](super::histogram_quantile)).
///
/// A series is one (resource, metric, attribute set). Cumulative points are totals since
/// start, so when several exports of a series were received only the latest counts:
/// the model carries no point timestamp, so the latest is the one with the highest
/// count, later arrivals winning ties (the collector keeps arrival order). Delta points
/// are added up. The series of a service and metric are then summed. A series counts
/// as errors when it has `error.type`, or, for `http.server.request.duration`, an
/// `http.response.status_code` of 500 or more (a 402 is the client's problem).
pub fn red_table(metrics: &[MetricRecord], elapsed: Duration) -> String {
    let rows = rows(metrics);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "RED per service, from the exported duration histograms (traffic: {:.1} s)",
        elapsed.as_secs_f64()
    );
    // Both sections share their column widths.
    let widths = (
        rows.iter()
            .map(|r| r.service.len())
            .max()
            .unwrap_or(0)
            .clamp(7, 18),
        rows.iter().map(|r| r.metric.len()).max().unwrap_or(0).max(6),
    );
    let sections = [
        ("server side (requests, messages processed)", &SERVER_METRICS[..]),
        (
            "outgoing calls (HTTP, gRPC, database, GenAI, messaging)",
            &CLIENT_METRICS[..],
        ),
    ];
    for (title, names) in sections {
        let section: Vec<&Row> = rows
            .iter()
            .filter(|r| names.contains(&r.metric.as_str()))
            .collect();
        let _ = writeln!(out, "\n{title}");
        if section.is_empty() {
            let _ = writeln!(out, "  (no {} histograms received)", names.join(", "));
            continue;
        }
        render_section(&mut out, &section, widths, elapsed);
    }
    out
}

/// One line of the table: a service's totals for one metric.
#[derive(Debug, Default)]
struct Row {
    service: String,
    metric: String,
    /// Milliseconds per unit of the metric (1000 for seconds).
    to_ms: f64,
    count: u64,
    errors: u64,
    /// The merged buckets, `None` when no point had explicit buckets.
    buckets: Option<(Vec<f64>, Vec<u64>)>,
    min: Option<f64>,
    max: Option<f64>,
}

impl Row {
    fn quantile_ms(&self, q: f64) -> Option<f64> {
        let (bounds, counts) = self.buckets.as_ref()?;
        histogram_quantile(q, bounds, counts, self.min, self.max).map(|v| v * self.to_ms)
    }
}

/// The latest (cumulative) or summed (delta) point of every series, folded into rows
/// sorted by service, then by metric in the order of the sections.
fn rows(metrics: &[MetricRecord]) -> Vec<Row> {
    // (service, metric order, resource, attribute set) -> (metric, unit, point)
    let mut series: BTreeMap<(String, usize, String, String), (&MetricRecord, HistogramPoint)> =
        BTreeMap::new();
    for metric in metrics {
        let Some(order) = SERVER_METRICS
            .iter()
            .chain(&CLIENT_METRICS)
            .position(|n| *n == metric.name)
        else {
            continue;
        };
        let (points, temporality) = match &metric.data {
            MetricData::Histogram { points, temporality }
            | MetricData::ExponentialHistogram { points, temporality } => (points, *temporality),
            _ => continue,
        };
        let service = metric
            .resource
            .attribute("service.name")
            .and_then(AttributeValue::as_str)
            .unwrap_or("unknown_service")
            .to_owned();
        let resource = attribute_key(&metric.resource.attributes);
        for point in points {
            let key = (
                service.clone(),
                order,
                resource.clone(),
                attribute_key(&point.attributes),
            );
            match series.get_mut(&key) {
                None => {
                    series.insert(key, (metric, point.clone()));
                }
                Some(existing) if temporality == Temporality::Delta => add_delta(&mut existing.1, point),
                Some(existing) => {
                    if point.count >= existing.1.count {
                        *existing = (metric, point.clone());
                    }
                }
            }
        }
    }
    let mut rows: Vec<Row> = Vec::new();
    for ((service, _, _, _), (metric, point)) in series {
        let row = match rows.last_mut() {
            Some(row) if row.service == service && row.metric == metric.name => row,
            _ => {
                rows.push(Row {
                    service,
                    metric: metric.name.clone(),
                    to_ms: to_ms(&metric.unit),
                    ..Row::default()
                });
                rows.last_mut().expect("just pushed")
            }
        };
        add_to_row(row, &metric.name, &point);
    }
    rows
}

/// An order-independent key for an attribute set.
fn attribute_key(attributes: &[(String, AttributeValue)]) -> String {
    let mut sorted: Vec<_> = attributes.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    format!("{sorted:?}")
}

fn add_delta(total: &mut HistogramPoint, point: &HistogramPoint) {
    total.count += point.count;
    total.sum = total.sum.map(|s| s + point.sum.unwrap_or(0.0)).or(point.sum);
    total.min = min_of(total.min, point.min);
    total.max = max_of(total.max, point.max);
    if total.bounds == point.bounds && total.bucket_counts.len() == point.bucket_counts.len() {
        for (t, c) in total.bucket_counts.iter_mut().zip(&point.bucket_counts) {
            *t += c;
        }
    }
}

fn add_to_row(row: &mut Row, metric: &str, point: &HistogramPoint) {
    row.count += point.count;
    if is_error(metric, &point.attributes) {
        row.errors += point.count;
    }
    row.min = min_of(row.min, point.min);
    row.max = max_of(row.max, point.max);
    if point.bucket_counts.len() != point.bounds.len() + 1 {
        return;
    }
    match &mut row.buckets {
        None => row.buckets = Some((point.bounds.clone(), point.bucket_counts.clone())),
        // Series with other boundaries still count, but cannot join the quantiles.
        Some((bounds, counts)) if *bounds == point.bounds => {
            for (t, c) in counts.iter_mut().zip(&point.bucket_counts) {
                *t += c;
            }
        }
        Some(_) => {}
    }
}

/// `error.type` marks an error; for HTTP servers a 5xx status does too (not a 4xx).
fn is_error(metric: &str, attributes: &[(String, AttributeValue)]) -> bool {
    let attribute = |key: &str| attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    if attribute("error.type").is_some() {
        return true;
    }
    metric == "http.server.request.duration"
        && attribute("http.response.status_code")
            .and_then(|v| match v {
                AttributeValue::Int(i) => Some(*i),
                AttributeValue::String(s) => s.parse().ok(),
                _ => None,
            })
            .is_some_and(|status| status >= 500)
}

fn min_of(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_of(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn to_ms(unit: &str) -> f64 {
    match unit {
        "ms" => 1.0,
        "us" => 0.001,
        "ns" => 0.000_001,
        // `s`, the unit every duration histogram of the conventions uses.
        _ => 1000.0,
    }
}

/// The rows under a column header; `widths` are the service and metric columns'.
fn render_section(out: &mut String, rows: &[&Row], widths: (usize, usize), elapsed: Duration) {
    let (service_width, metric_width) = widths;
    let _ = writeln!(
        out,
        "  {:<service_width$}  {:<metric_width$}  {:>8}  {:>8}  {:>6}  {:>6}  {:>8}  {:>8}  {:>8}",
        "service", "metric", "requests", "rate/s", "errors", "err%", "p50 ms", "p95 ms", "p99 ms"
    );
    let seconds = elapsed.as_secs_f64();
    for row in rows {
        let rate = if seconds > 0.0 {
            format!("{:.2}", count_to_f64(row.count) / seconds)
        } else {
            "-".to_owned()
        };
        let share = if row.count > 0 {
            format!(
                "{:.1}%",
                100.0 * count_to_f64(row.errors) / count_to_f64(row.count)
            )
        } else {
            "-".to_owned()
        };
        let quantile = |q| row.quantile_ms(q).map_or_else(|| "-".to_owned(), format_ms);
        let _ = writeln!(
            out,
            "  {:<service_width$}  {:<metric_width$}  {:>8}  {:>8}  {:>6}  {:>6}  {:>8}  {:>8}  {:>8}",
            truncate(&row.service, service_width),
            row.metric,
            row.count,
            rate,
            row.errors,
            share,
            quantile(0.5),
            quantile(0.95),
            quantile(0.99),
        );
    }
}

#[cfg(test)]
mod tests;
