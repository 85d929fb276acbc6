//! The exemplar hook of [`MetricEncoder`](super::MetricEncoder): exemplars the encoder
//! writes into histogram, sum and gauge data points from a source of the caller's, such
//! as the kit's reservoirs ([`Reservoirs`], kept beside the SDK, since opentelemetry_sdk 0.33
//! records none).

use std::time::SystemTime;

use opentelemetry::KeyValue;
use otel_kit_core::__private::exemplar::Reservoirs;
pub use otel_kit_core::__private::exemplar::{ExemplarValue, SpanIds};

/// One exemplar: a measurement, when it was taken, the span it was taken in, and the
/// attributes of the measurement that the data point's attributes leave out.
#[derive(Debug, Clone, Copy)]
pub struct Exemplar<'a> {
    /// The measurement.
    pub value: ExemplarValue,
    /// When it was recorded.
    pub time: SystemTime,
    /// The span it was recorded in; none for a measurement made outside a span.
    pub span: Option<SpanIds>,
    /// The measurement's attributes that are not the data point's.
    pub filtered_attributes: &'a [KeyValue],
}

/// Which data point (of a histogram, a sum or a gauge) the encoder asks exemplars for.
#[derive(Debug, Clone, Copy)]
pub struct PointIdentity<'a> {
    /// The instrumentation scope's name.
    pub scope: &'a str,
    /// The metric's name.
    pub metric: &'a str,
    /// The point's attributes.
    pub attributes: &'a [&'a KeyValue],
    /// The end of the point's period.
    pub time: SystemTime,
}

/// Where [`MetricEncoder::encode`](super::MetricEncoder::encode) finds exemplars for
/// each histogram, sum and gauge data point, after the SDK's own (exponential
/// histograms get none of these).
///
/// ```
/// use otel_kit_otlp::otlp_encoding::{Exemplar, ExemplarSource, PointIdentity};
///
/// /// Exemplars for no point: what the encoder does with `None`.
/// struct Nothing;
///
/// impl ExemplarSource for Nothing {
///     fn exemplars(&self, _point: &PointIdentity<'_>, _add: &mut dyn FnMut(&Exemplar<'_>)) {}
/// }
/// ```
pub trait ExemplarSource {
    /// Calls `add` with each exemplar of `point`.
    fn exemplars(&self, point: &PointIdentity<'_>, add: &mut dyn FnMut(&Exemplar<'_>));
}

/// The kit's reservoirs: the exemplars recorded up to the point's time, for the
/// point's exact attribute set.
impl ExemplarSource for Reservoirs {
    fn exemplars(&self, point: &PointIdentity<'_>, add: &mut dyn FnMut(&Exemplar<'_>)) {
        self.for_point(
            point.scope,
            point.metric,
            point.attributes,
            point.time,
            &mut |e| {
                add(&Exemplar {
                    value: e.value,
                    time: e.time,
                    span: e.span,
                    filtered_attributes: &[],
                });
            },
        );
    }
}
