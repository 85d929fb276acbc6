//! Totals read from the exported metrics of one service.

use std::collections::HashMap;

use otel_kit::testing::{AttributeValue, MetricData, MetricRecord};

type Attributes = [(String, AttributeValue)];

fn of_service(metric: &MetricRecord, service: &str) -> bool {
    matches!(metric.resource.attribute("service.name"),
        Some(AttributeValue::String(s)) if s == service)
}

/// The latest cumulative count of histogram `name` of `service`, summed over the series
/// whose attributes `select` accepts.
pub(crate) fn histogram_count(
    metrics: &[MetricRecord],
    service: &str,
    name: &str,
    select: impl Fn(&Attributes) -> bool,
) -> u64 {
    let mut latest: HashMap<String, u64> = HashMap::new();
    for metric in metrics
        .iter()
        .filter(|m| m.name == name && of_service(m, service))
    {
        if let MetricData::Histogram { points, .. } = &metric.data {
            for point in points.iter().filter(|p| select(&p.attributes)) {
                let count = latest.entry(format!("{:?}", point.attributes)).or_default();
                *count = (*count).max(point.count);
            }
        }
    }
    latest.values().sum()
}

/// The latest cumulative value of counter `name` of `service`, summed over the series
/// whose attributes `select` accepts.
pub(crate) fn counter_total(
    metrics: &[MetricRecord],
    service: &str,
    name: &str,
    select: impl Fn(&Attributes) -> bool,
) -> f64 {
    let mut latest: HashMap<String, f64> = HashMap::new();
    for metric in metrics
        .iter()
        .filter(|m| m.name == name && of_service(m, service))
    {
        if let MetricData::Sum { points, .. } = &metric.data {
            for point in points.iter().filter(|p| select(&p.attributes)) {
                let value = latest.entry(format!("{:?}", point.attributes)).or_default();
                *value = value.max(point.value.as_f64());
            }
        }
    }
    latest.values().sum()
}

/// Accepts every series.
pub(crate) fn all(_: &Attributes) -> bool {
    true
}

/// Accepts the series with `key` = `value`.
pub(crate) fn with<'a>(key: &'a str, value: &'a str) -> impl Fn(&Attributes) -> bool + 'a {
    move |attributes| {
        attributes
            .iter()
            .any(|(k, v)| k == key && v.as_str() == Some(value))
    }
}
