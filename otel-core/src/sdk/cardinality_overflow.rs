//! The warning when a metric overflows its cardinality limit, for every reader that
//! sees a collection (the kit's OTLP and console metric exporters, otel-kit-init's
//! Prometheus reader).
//!
//! The SDK keeps at most `limit` attribute sets per metric stream (2000 unless a view
//! sets another with `Stream::builder().with_cardinality_limit`); a measurement with a
//! new attribute set beyond that is added to one series whose only attribute is
//! `otel.metric.overflow = true`, silently. [`warn_of_overflows`] finds that series in
//! a collection and says so, once per metric for the process: the metric's scope and
//! name, how many attribute sets it kept and their attribute keys (never the values,
//! which may be user ids or secrets), and what to do.

use std::collections::{BTreeSet, HashSet};
use std::sync::{Mutex, OnceLock, PoisonError};

use opentelemetry::KeyValue;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, Metric, MetricData, ResourceMetrics};

/// The attribute the SDK puts on a stream's overflow series. (The semantic-conventions
/// crate has no constant for it: the metrics SDK specification defines it.)
pub const OVERFLOW_ATTRIBUTE: &str = "otel.metric.overflow";

/// Warns, once per metric (by scope and name) for the process, of each metric of
/// `metrics` that has an overflow series. A reader calls it after each collection; the
/// cost is one look at each data point's attribute count.
///
/// ```
/// use opentelemetry_sdk::metrics::data::ResourceMetrics;
/// use otel_kit_core::__private::cardinality_overflow::warn_of_overflows;
///
/// // In a `MetricReader` or a `PushMetricExporter`, after each collection:
/// let collection = ResourceMetrics::default();
/// warn_of_overflows(&collection); // nothing overflows: no warning
/// ```
pub fn warn_of_overflows(metrics: &ResourceMetrics) {
    for scope in metrics.scope_metrics() {
        for metric in scope.metrics() {
            if !has_overflow_series(metric) {
                continue;
            }
            let scope_name = scope.scope().name();
            if !first_time(scope_name, metric.name()) {
                continue;
            }
            let (kept, keys) = kept_series(metric);
            let keys = keys.into_iter().collect::<Vec<_>>().join(", ");
            tracing::warn!(
                target: "otel_kit_otlp::cardinality",
                metric = metric.name(),
                scope = scope_name,
                kept,
                attribute_keys = %keys,
                "metric {} of scope {scope_name} went over its cardinality limit after {kept} attribute sets: \
                 measurements with new attribute sets are added to one series with {OVERFLOW_ATTRIBUTE}=true. \
                 Its attribute keys are [{keys}]; an unbounded one (an id) must not be a metric attribute: \
                 drop it with a view (Stream::builder().with_allowed_attribute_keys), or raise the limit \
                 (otel-kit-init's Builder::metric_cardinality_limit, or a view's with_cardinality_limit)",
                metric.name(),
            );
        }
    }
}

/// Whether one of the metric's points is the overflow series (its only attribute is
/// [`OVERFLOW_ATTRIBUTE`]).
fn has_overflow_series(metric: &Metric) -> bool {
    let mut found = false;
    each_point_attributes(metric, &mut |attributes| {
        found |= is_overflow(attributes);
    });
    found
}

fn is_overflow<'a>(mut attributes: impl Iterator<Item = &'a KeyValue>) -> bool {
    matches!(
        (attributes.next(), attributes.next()),
        (Some(kv), None) if kv.key.as_str() == OVERFLOW_ATTRIBUTE
    )
}

/// How many attribute sets the metric kept (not the overflow series, not the point
/// without attributes, which the limit does not count), and the union of their keys.
fn kept_series(metric: &Metric) -> (usize, BTreeSet<String>) {
    let mut kept = 0;
    let mut keys = BTreeSet::new();
    each_point_attributes(metric, &mut |attributes| {
        let attributes: Vec<&KeyValue> = attributes.collect();
        if attributes.is_empty() || is_overflow(attributes.iter().copied()) {
            return;
        }
        kept += 1;
        for kv in attributes {
            if !keys.contains(kv.key.as_str()) {
                keys.insert(kv.key.as_str().to_owned());
            }
        }
    });
    (kept, keys)
}

type EachPoint<'f> = dyn FnMut(&mut dyn Iterator<Item = &KeyValue>) + 'f;

fn each_point_attributes(metric: &Metric, each: &mut EachPoint<'_>) {
    fn points<T>(data: &MetricData<T>, each: &mut EachPoint<'_>) {
        match data {
            MetricData::Gauge(g) => g.data_points().for_each(|p| each(&mut p.attributes())),
            MetricData::Sum(s) => s.data_points().for_each(|p| each(&mut p.attributes())),
            MetricData::Histogram(h) => h.data_points().for_each(|p| each(&mut p.attributes())),
            MetricData::ExponentialHistogram(h) => h.data_points().for_each(|p| each(&mut p.attributes())),
        }
    }
    match metric.data() {
        AggregatedMetrics::F64(d) => points(d, each),
        AggregatedMetrics::U64(d) => points(d, each),
        AggregatedMetrics::I64(d) => points(d, each),
    }
}

/// `true` the first time the metric is seen overflowing in this process: every reader
/// of every provider shares the one warning, so two readers (OTLP and Prometheus) do
/// not say it twice.
fn first_time(scope: &str, metric: &str) -> bool {
    static WARNED: OnceLock<Mutex<HashSet<(String, String)>>> = OnceLock::new();
    let mut warned = WARNED
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    warned.insert((scope.to_owned(), metric.to_owned()))
}
