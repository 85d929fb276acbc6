//! The business table: the shop's own metrics (`services/business_metrics.rs`) as the
//! receiver got them: orders by outcome, money charged by payment method, and checkout
//! duration by payment method.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use otel_kit::testing::{AttributeValue, HistogramPoint, MetricData, MetricRecord, Temporality};

use super::quantile::histogram_quantile;
use super::text::{format_ms, value};
use crate::services::business_metrics::{
    CHECKOUT_DURATION, ORDER_OUTCOME, ORDERS_PLACED, PAYMENT_AMOUNT, PAYMENT_METHOD,
};

/// Renders the business table. Cumulative points are totals since start, so the
/// latest (largest) of each series counts; delta points are added up.
pub fn business_table(metrics: &[MetricRecord]) -> String {
    let mut out = String::from("Business metrics (otel_kit::app_metrics, as exported)\n");
    let orders = sums(metrics, ORDERS_PLACED, ORDER_OUTCOME);
    let _ = write!(out, "\n  {ORDERS_PLACED} {{order}} by {ORDER_OUTCOME}:");
    line(&mut out, orders.iter().map(|(k, v)| format!("{k} {v:.0}")));
    let amount = sums(metrics, PAYMENT_AMOUNT, PAYMENT_METHOD);
    let _ = write!(out, "  {PAYMENT_AMOUNT} {{USD}} by {PAYMENT_METHOD}:");
    line(&mut out, amount.iter().map(|(k, v)| format!("{k} {v:.2}")));
    let _ = writeln!(
        out,
        "  {CHECKOUT_DURATION} s by {PAYMENT_METHOD} (quantiles in ms):"
    );
    let durations = histograms(metrics, CHECKOUT_DURATION, PAYMENT_METHOD);
    if durations.is_empty() {
        let _ = writeln!(out, "    (none received)");
    }
    for (method, point) in durations {
        let q = |q: f64| {
            histogram_quantile(q, &point.bounds, &point.bucket_counts, point.min, point.max)
                .map_or_else(|| "-".to_owned(), |s| format_ms(s * 1000.0))
        };
        let _ = writeln!(
            out,
            "    {method:<12} {:>5} checkouts  p50 {:>9}  p95 {:>9}  p99 {:>9}",
            point.count,
            q(0.5),
            q(0.95),
            q(0.99)
        );
    }
    out
}

fn line(out: &mut String, parts: impl Iterator<Item = String>) {
    let parts: Vec<String> = parts.collect();
    if parts.is_empty() {
        let _ = writeln!(out, " (none received)");
    } else {
        let _ = writeln!(out, " {}", parts.join(", "));
    }
}

/// The value of `key` in an attribute set, `(none)` without it.
fn label(attributes: &[(String, AttributeValue)], key: &str) -> String {
    attributes
        .iter()
        .find(|(k, _)| k == key)
        .map_or_else(|| "(none)".to_owned(), |(_, v)| value(v))
}

/// A counter's total by the value of `key`, summed over services.
fn sums(metrics: &[MetricRecord], name: &str, key: &str) -> BTreeMap<String, f64> {
    // (service, label) -> total
    let mut series: BTreeMap<(String, String), f64> = BTreeMap::new();
    for metric in metrics.iter().filter(|m| m.name == name) {
        let MetricData::Sum {
            points, temporality, ..
        } = &metric.data
        else {
            continue;
        };
        let service = service(metric);
        for point in points {
            let total = series
                .entry((service.clone(), label(&point.attributes, key)))
                .or_default();
            let value = point.value.as_f64();
            *total = match temporality {
                Temporality::Delta => *total + value,
                _ => total.max(value),
            };
        }
    }
    let mut by_label = BTreeMap::new();
    for ((_, label), total) in series {
        *by_label.entry(label).or_default() += total;
    }
    by_label
}

/// A histogram's latest point by the value of `key` (one service records it).
fn histograms(metrics: &[MetricRecord], name: &str, key: &str) -> BTreeMap<String, HistogramPoint> {
    let mut by_label: BTreeMap<String, HistogramPoint> = BTreeMap::new();
    for metric in metrics.iter().filter(|m| m.name == name) {
        let MetricData::Histogram { points, temporality } = &metric.data else {
            continue;
        };
        for point in points {
            let label = label(&point.attributes, key);
            match by_label.get_mut(&label) {
                None => {
                    by_label.insert(label, point.clone());
                }
                Some(total) if *temporality == Temporality::Delta => {
                    total.count += point.count;
                    if total.bucket_counts.len() == point.bucket_counts.len() {
                        for (t, c) in total.bucket_counts.iter_mut().zip(&point.bucket_counts) {
                            *t += c;
                        }
                    }
                }
                Some(total) if point.count >= total.count => *total = point.clone(),
                Some(_) => {}
            }
        }
    }
    by_label
}

fn service(metric: &MetricRecord) -> String {
    metric
        .resource
        .attribute("service.name")
        .and_then(AttributeValue::as_str)
        .unwrap_or("unknown_service")
        .to_owned()
}
