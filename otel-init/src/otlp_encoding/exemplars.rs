//! The exemplar hook of [`MetricEncoder`](super::MetricEncoder): exemplars the encoder
//! writes into histogram data points from a source of the caller's, such as a reservoir
//! kept beside the SDK (opentelemetry_sdk 0.33 records none).

use std::time::SystemTime;

use opentelemetry::KeyValue;
use opentelemetry::trace::{SpanId, TraceId};

/// A measurement value of an exemplar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ExemplarValue {
    /// A floating-point measurement (OTLP `as_double`).
    Double(f64),
    /// An integer measurement (OTLP `as_int`).
    Int(i64),
}

/// One exemplar: a measurement, when it was taken, the span it was taken in, and the
/// attributes of the measurement that the data point's attributes leave out.
#[derive(Debug, Clone, Copy)]
pub struct Exemplar<'a> {
    /// The measurement.
    pub value: ExemplarValue,
    /// When it was recorded.
    pub time: SystemTime,
    /// The trace of the span it was recorded in.
    pub trace_id: TraceId,
    /// The span it was recorded in.
    pub span_id: SpanId,
    /// The measurement's attributes that are not the data point's.
    pub filtered_attributes: &'a [KeyValue],
}

/// Where [`MetricEncoder::encode`](super::MetricEncoder::encode) finds exemplars for
/// each histogram data point, after the SDK's own.
///
/// ```
/// use opentelemetry::KeyValue;
/// use otel_kit_init::otlp_encoding::{Exemplar, ExemplarSource};
///
/// /// Exemplars for no point: what the encoder does with `None`.
/// struct Nothing;
///
/// impl ExemplarSource for Nothing {
///     fn histogram_exemplars(
///         &self,
///         _metric: &str,
///         _attributes: &mut dyn Iterator<Item = &KeyValue>,
///         _add: &mut dyn FnMut(&Exemplar<'_>),
///     ) {
///     }
/// }
/// ```
pub trait ExemplarSource {
    /// Calls `add` with each exemplar of the data point of the histogram named
    /// `metric` whose attributes are `attributes`.
    fn histogram_exemplars(
        &self,
        metric: &str,
        attributes: &mut dyn Iterator<Item = &KeyValue>,
        add: &mut dyn FnMut(&Exemplar<'_>),
    );
}
