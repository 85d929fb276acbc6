//! Metrics, decoded from OTLP.

use std::sync::Arc;

use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::metrics::v1::{
    AggregationTemporality, Exemplar, ResourceMetrics, exemplar, metric, number_data_point,
};

use super::hex_id::optional_hex_id;
use super::resource::ResourceInfo;
use super::scope::ScopeInfo;
use super::value::{AttributeValue, attributes_from_otlp};

/// One metric stream as exported: name, unit, description and its data points.
#[derive(Clone, Debug)]
pub struct MetricRecord {
    /// The instrument name.
    pub name: String,
    /// The instrument description.
    pub description: String,
    /// The unit (`s`, `By`, `{request}`, ...).
    pub unit: String,
    /// The aggregated data.
    pub data: MetricData,
    /// The resource of the meter provider.
    pub resource: Arc<ResourceInfo>,
    /// The meter's instrumentation scope.
    pub scope: Arc<ScopeInfo>,
}

/// The aggregation of a metric and its points.
#[derive(Clone, Debug)]
pub enum MetricData {
    /// A gauge.
    Gauge(Vec<NumberPoint>),
    /// A sum (counter or up-down counter).
    Sum {
        /// The points, one per attribute set.
        points: Vec<NumberPoint>,
        /// True for counters.
        is_monotonic: bool,
        /// Delta or cumulative.
        temporality: Temporality,
    },
    /// An explicit-bucket histogram.
    Histogram {
        /// The points, one per attribute set.
        points: Vec<HistogramPoint>,
        /// Delta or cumulative.
        temporality: Temporality,
    },
    /// An exponential histogram (count, sum, min and max are kept).
    ExponentialHistogram {
        /// The points, one per attribute set.
        points: Vec<HistogramPoint>,
        /// Delta or cumulative.
        temporality: Temporality,
    },
    /// A summary (legacy Prometheus type).
    Summary(Vec<SummaryPoint>),
    /// A metric without data.
    Empty,
}

impl MetricData {
    /// The kind of aggregation, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            MetricData::Gauge(_) => "gauge",
            MetricData::Sum { .. } => "sum",
            MetricData::Histogram { .. } => "histogram",
            MetricData::ExponentialHistogram { .. } => "exponential histogram",
            MetricData::Summary(_) => "summary",
            MetricData::Empty => "empty",
        }
    }
}

/// Aggregation temporality.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Temporality {
    /// Not set by the sender.
    Unspecified,
    /// Each point covers the time since the previous export.
    Delta,
    /// Each point covers the time since the start.
    Cumulative,
}

/// A numeric value, integer or floating point, as the instrument recorded it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// From an integer instrument.
    Int(i64),
    /// From a floating-point instrument.
    Double(f64),
}

impl Number {
    /// The value as f64 (integers converted).
    pub fn as_f64(self) -> f64 {
        match self {
            // Precision loss above 2^53 is irrelevant for test comparisons.
            #[allow(clippy::cast_precision_loss)]
            Number::Int(i) => i as f64,
            Number::Double(d) => d,
        }
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Self {
        Number::Int(v)
    }
}

impl From<i32> for Number {
    fn from(v: i32) -> Self {
        Number::Int(i64::from(v))
    }
}

impl From<u32> for Number {
    fn from(v: u32) -> Self {
        Number::Int(i64::from(v))
    }
}

impl From<u64> for Number {
    /// OTLP carries integer points as `i64`; larger values saturate.
    fn from(v: u64) -> Self {
        Number::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

impl From<f64> for Number {
    fn from(v: f64) -> Self {
        Number::Double(v)
    }
}

/// A gauge or sum data point.
#[derive(Clone, Debug)]
pub struct NumberPoint {
    /// The point's attribute set.
    pub attributes: Vec<(String, AttributeValue)>,
    /// The value.
    pub value: Number,
    /// Exemplars attached to the point.
    pub exemplars: Vec<ExemplarRecord>,
}

/// A histogram data point.
#[derive(Clone, Debug)]
pub struct HistogramPoint {
    /// The point's attribute set.
    pub attributes: Vec<(String, AttributeValue)>,
    /// Number of recorded values.
    pub count: u64,
    /// Sum of recorded values, when sent.
    pub sum: Option<f64>,
    /// Smallest recorded value, when sent.
    pub min: Option<f64>,
    /// Largest recorded value, when sent.
    pub max: Option<f64>,
    /// Explicit bucket boundaries (empty for exponential histograms).
    pub bounds: Vec<f64>,
    /// Counts per bucket, `bounds.len() + 1` of them (empty for exponential histograms).
    pub bucket_counts: Vec<u64>,
    /// Exemplars attached to the point.
    pub exemplars: Vec<ExemplarRecord>,
}

/// A summary data point.
#[derive(Clone, Debug)]
pub struct SummaryPoint {
    /// The point's attribute set.
    pub attributes: Vec<(String, AttributeValue)>,
    /// Number of recorded values.
    pub count: u64,
    /// Sum of recorded values.
    pub sum: f64,
}

/// An exemplar: one recorded measurement with the span it was recorded in.
#[derive(Clone, Debug)]
pub struct ExemplarRecord {
    /// The measurement.
    pub value: Number,
    /// Trace id of the span that was active, if any.
    pub trace_id: Option<String>,
    /// Span id of the span that was active, if any.
    pub span_id: Option<String>,
    /// Attributes filtered out of the point's attribute set.
    pub filtered_attributes: Vec<(String, AttributeValue)>,
}

pub(crate) fn metrics_from_otlp(resource_metrics: &[ResourceMetrics], out: &mut Vec<MetricRecord>) {
    for rm in resource_metrics {
        let resource = Arc::new(ResourceInfo::from_otlp(rm.resource.as_ref(), &rm.schema_url));
        for sm in &rm.scope_metrics {
            let scope = Arc::new(ScopeInfo::from_otlp(sm.scope.as_ref()));
            for m in &sm.metrics {
                out.push(MetricRecord {
                    name: m.name.clone(),
                    description: m.description.clone(),
                    unit: m.unit.clone(),
                    data: data_from_otlp(m.data.as_ref()),
                    resource: Arc::clone(&resource),
                    scope: Arc::clone(&scope),
                });
            }
        }
    }
}

fn temporality(t: i32) -> Temporality {
    match AggregationTemporality::try_from(t) {
        Ok(AggregationTemporality::Delta) => Temporality::Delta,
        Ok(AggregationTemporality::Cumulative) => Temporality::Cumulative,
        _ => Temporality::Unspecified,
    }
}

fn exemplars(list: &[Exemplar]) -> Vec<ExemplarRecord> {
    list.iter()
        .map(|e| ExemplarRecord {
            value: match e.value {
                Some(exemplar::Value::AsInt(i)) => Number::Int(i),
                Some(exemplar::Value::AsDouble(d)) => Number::Double(d),
                None => Number::Int(0),
            },
            trace_id: optional_hex_id(&e.trace_id),
            span_id: optional_hex_id(&e.span_id),
            filtered_attributes: attributes_from_otlp(&e.filtered_attributes),
        })
        .collect()
}

/// A histogram point from what both OTLP histogram kinds send, without buckets: an
/// explicit histogram's are added by the caller, an exponential one's are not kept.
fn histogram_point(
    attributes: &[KeyValue],
    count: u64,
    sum: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
    point_exemplars: &[Exemplar],
) -> HistogramPoint {
    HistogramPoint {
        attributes: attributes_from_otlp(attributes),
        count,
        sum,
        min,
        max,
        bounds: Vec::new(),
        bucket_counts: Vec::new(),
        exemplars: exemplars(point_exemplars),
    }
}

fn data_from_otlp(data: Option<&metric::Data>) -> MetricData {
    let number_points = |points: &[opentelemetry_proto::tonic::metrics::v1::NumberDataPoint]| {
        points
            .iter()
            .map(|p| NumberPoint {
                attributes: attributes_from_otlp(&p.attributes),
                value: match p.value {
                    Some(number_data_point::Value::AsInt(i)) => Number::Int(i),
                    Some(number_data_point::Value::AsDouble(d)) => Number::Double(d),
                    None => Number::Int(0),
                },
                exemplars: exemplars(&p.exemplars),
            })
            .collect()
    };
    match data {
        None => MetricData::Empty,
        Some(metric::Data::Gauge(g)) => MetricData::Gauge(number_points(&g.data_points)),
        Some(metric::Data::Sum(s)) => MetricData::Sum {
            points: number_points(&s.data_points),
            is_monotonic: s.is_monotonic,
            temporality: temporality(s.aggregation_temporality),
        },
        Some(metric::Data::Histogram(h)) => MetricData::Histogram {
            points: h
                .data_points
                .iter()
                .map(|p| HistogramPoint {
                    bounds: p.explicit_bounds.clone(),
                    bucket_counts: p.bucket_counts.clone(),
                    ..histogram_point(&p.attributes, p.count, p.sum, p.min, p.max, &p.exemplars)
                })
                .collect(),
            temporality: temporality(h.aggregation_temporality),
        },
        Some(metric::Data::ExponentialHistogram(h)) => MetricData::ExponentialHistogram {
            points: h
                .data_points
                .iter()
                .map(|p| histogram_point(&p.attributes, p.count, p.sum, p.min, p.max, &p.exemplars))
                .collect(),
            temporality: temporality(h.aggregation_temporality),
        },
        Some(metric::Data::Summary(s)) => MetricData::Summary(
            s.data_points
                .iter()
                .map(|p| SummaryPoint {
                    attributes: attributes_from_otlp(&p.attributes),
                    count: p.count,
                    sum: p.sum,
                })
                .collect(),
        ),
    }
}
