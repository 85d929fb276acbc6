//! Assertions on one data point: values, counts, sums, buckets and exemplars.

use super::failure::{RecordCheck as _, keys_under};
use super::metrics::MetricAssert;
use crate::model::{
    AttributeValue, ExemplarRecord, HistogramPoint, MetricData, Number, NumberPoint, SpanRecord,
};

/// The point lookups of [`MetricAssert`], which hand out the point assertions below.
impl<'a> MetricAssert<'a> {
    /// The gauge or sum point whose attributes include all of `expected` (values typed).
    /// Pass `&[]` for a metric with a single point.
    #[track_caller]
    pub fn point(self, expected: &[(&str, AttributeValue)]) -> NumberPointAssert<'a> {
        let (MetricData::Gauge(points) | MetricData::Sum { points, .. }) = &self.metric.data else {
            self.wrong_kind("gauge or sum")
        };
        let point = self.select(points, |p| &p.attributes, expected);
        PointAssert::new(self, point, &point.attributes, &point.exemplars)
    }

    /// The histogram point whose attributes include all of `expected` (values typed).
    /// Pass `&[]` for a metric with a single point.
    #[track_caller]
    pub fn histogram_point(self, expected: &[(&str, AttributeValue)]) -> HistogramPointAssert<'a> {
        let (MetricData::Histogram { points, .. } | MetricData::ExponentialHistogram { points, .. }) =
            &self.metric.data
        else {
            self.wrong_kind("histogram")
        };
        let point = self.select(points, |p| &p.attributes, expected);
        PointAssert::new(self, point, &point.attributes, &point.exemplars)
    }
}

/// Assertions on one data point of kind `P`: what every point kind shares is here once,
/// what only one kind has is in that kind's impl ([`NumberPointAssert`],
/// [`HistogramPointAssert`]).
#[derive(Debug)]
pub struct PointAssert<'a, P> {
    metric: MetricAssert<'a>,
    point: &'a P,
    // The parts every point kind has, borrowed from `point` when it was selected.
    attributes: &'a [(String, AttributeValue)],
    exemplars: &'a [ExemplarRecord],
}

/// Assertions on one gauge or sum point.
pub type NumberPointAssert<'a> = PointAssert<'a, NumberPoint>;

/// Assertions on one histogram point.
pub type HistogramPointAssert<'a> = PointAssert<'a, HistogramPoint>;

// Written out rather than derived: a derive would require `P: Clone`/`P: Copy`, and only
// a reference to `P` is held.
impl<P> Clone for PointAssert<'_, P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P> Copy for PointAssert<'_, P> {}

impl<'a, P> PointAssert<'a, P> {
    fn new(
        metric: MetricAssert<'a>,
        point: &'a P,
        attributes: &'a [(String, AttributeValue)],
        exemplars: &'a [ExemplarRecord],
    ) -> Self {
        PointAssert {
            metric,
            point,
            attributes,
            exemplars,
        }
    }

    /// The point under test.
    pub fn record(&self) -> &'a P {
        self.point
    }

    /// Asserts one exemplar was recorded inside `span` (the metric links to the trace).
    /// The harness and `otel_kit_init::init()` keep one per sum or gauge point, sampled
    /// uniformly among the measurements made in a sampled span since the last
    /// collection, so a point measured in one span only carries that span; and, per
    /// histogram bucket, the latest measurement made in a sampled span.
    ///
    /// ```
    /// use opentelemetry::trace::{Tracer as _, TracerProvider as _};
    /// use otel_kit_testing::TestTelemetry;
    ///
    /// let t = TestTelemetry::new();
    /// let orders = t.meter("shop").u64_counter("shop.orders").build();
    /// t.tracer_provider().tracer("shop").in_span("pay", |_| orders.add(1, &[]));
    ///
    /// let spans = t.spans();
    /// t.metrics().metric("shop.orders").point(&[]).has_exemplar_in(&spans.span("pay"));
    /// ```
    ///
    /// ```
    /// use opentelemetry::trace::{Tracer as _, TracerProvider as _};
    /// use otel_kit_testing::TestTelemetry;
    ///
    /// let t = TestTelemetry::new();
    /// let latency = t.meter("shop").f64_histogram("shop.latency").build();
    /// t.tracer_provider().tracer("shop").in_span("pay", |_| latency.record(0.2, &[]));
    ///
    /// let spans = t.spans();
    /// t.metrics().metric("shop.latency").histogram_point(&[]).has_exemplar_in(&spans.span("pay"));
    /// ```
    #[track_caller]
    pub fn has_exemplar_in(self, span: &impl AsRef<SpanRecord>) -> Self {
        let span = span.as_ref();
        let exemplars = self.exemplars;
        let ok = exemplars.iter().any(|e| {
            e.trace_id.as_deref() == Some(span.trace_id.as_str())
                && e.span_id.as_deref() == Some(span.span_id.as_str())
        });
        self.metric.check(
            ok,
            "exemplar",
            &format!("one in span {} ({:?})", span.span_id, span.name),
            &format!("{exemplars:?}"),
        );
        self
    }

    /// Asserts the point has no attribute whose key starts with `prefix` (a namespace
    /// such as `"network.peer."`, or one whole key): what a span carries and its metric
    /// must not.
    ///
    /// ```
    /// use opentelemetry::metrics::MeterProvider as _;
    /// use opentelemetry::KeyValue;
    /// use otel_kit_testing::TestTelemetry;
    ///
    /// let t = TestTelemetry::new();
    /// let sent = t.meter_provider().meter("shop").u64_counter("shop.sent").build();
    /// sent.add(1, &[KeyValue::new("shop.queue", "mail")]);
    /// t.metrics().metric("shop.sent").point(&[]).lacks_attributes_under("user.");
    /// ```
    #[track_caller]
    pub fn lacks_attributes_under(self, prefix: &str) -> Self {
        let found = keys_under(self.attributes, prefix);
        self.metric.check(
            found.is_empty(),
            &format!("point attributes under {prefix:?}"),
            &"none",
            &format!("{found:?}"),
        );
        self
    }
}

/// The assertion only a gauge or sum point has.
impl NumberPointAssert<'_> {
    /// Asserts the value and its type: an integer literal expects an integer
    /// instrument, a float literal a floating-point one.
    #[track_caller]
    pub fn has_value(self, expected: impl Into<Number>) -> Self {
        let expected = expected.into();
        let actual = self.point.value;
        let ok = match (expected, actual) {
            (Number::Int(e), Number::Int(a)) => e == a,
            (Number::Double(e), Number::Double(a)) => (e - a).abs() <= f64::EPSILON * e.abs().max(1.0),
            _ => false,
        };
        self.metric.check(
            ok,
            "point value",
            &format!("{expected:?}"),
            &format!("{actual:?}"),
        );
        self
    }
}

/// The assertions only a histogram point has.
impl HistogramPointAssert<'_> {
    /// Asserts the number of recorded values.
    #[track_caller]
    pub fn has_count(self, expected: u64) -> Self {
        self.metric.check(
            self.point.count == expected,
            "histogram count",
            &expected,
            &self.point.count,
        );
        self
    }

    /// Asserts the sum of recorded values (to within 1e-9 relative).
    #[track_caller]
    pub fn has_sum(self, expected: f64) -> Self {
        let ok = self
            .point
            .sum
            .is_some_and(|s| (s - expected).abs() <= 1e-9 * expected.abs().max(1.0));
        self.metric
            .check(ok, "histogram sum", &expected, &format!("{:?}", self.point.sum));
        self
    }

    /// Asserts the sum lies within `range` (for durations).
    #[track_caller]
    pub fn has_sum_in(self, range: std::ops::RangeInclusive<f64>) -> Self {
        let ok = self.point.sum.is_some_and(|s| range.contains(&s));
        self.metric.check(
            ok,
            "histogram sum",
            &format!("{range:?}"),
            &format!("{:?}", self.point.sum),
        );
        self
    }

    /// Asserts the explicit bucket boundaries.
    #[track_caller]
    pub fn has_bucket_boundaries(self, expected: &[f64]) -> Self {
        let ok = self.point.bounds == expected;
        self.metric.check(
            ok,
            "bucket boundaries",
            &format!("{expected:?}"),
            &format!("{:?}", self.point.bounds),
        );
        self
    }

    /// Asserts the per-bucket counts.
    #[track_caller]
    pub fn has_bucket_counts(self, expected: &[u64]) -> Self {
        let ok = self.point.bucket_counts == expected;
        self.metric.check(
            ok,
            "bucket counts",
            &format!("{expected:?}"),
            &format!("{:?}", self.point.bucket_counts),
        );
        self
    }

    /// Asserts the smallest and largest recorded values.
    #[track_caller]
    pub fn has_min_max(self, min: f64, max: f64) -> Self {
        let ok = self.point.min == Some(min) && self.point.max == Some(max);
        self.metric.check(
            ok,
            "min/max",
            &format!("{min}/{max}"),
            &format!("{:?}/{:?}", self.point.min, self.point.max),
        );
        self
    }
}
