//! The data points of `metrics.v1`: numbers (gauges and sums), histograms and
//! exponential histograms, and their exemplars.

use std::time::SystemTime;

use opentelemetry::KeyValue;
use opentelemetry_sdk::metrics::data::{
    Exemplar as SdkExemplar, ExponentialBucket, ExponentialHistogramDataPoint, HistogramDataPoint,
};

use super::attributes;
use super::exemplars::{Exemplar, ExemplarSource, ExemplarValue, PointIdentity};
use super::time::nanos;
use super::wire;

/// The SDK's measurement types, as OTLP writes them.
pub(super) trait Number: Copy {
    /// A point's or an exemplar's value: a `u64` above `i64::MAX` is 0, as
    /// opentelemetry-proto writes it.
    fn value(self) -> ExemplarValue;
    fn as_f64(self) -> f64;
}

impl Number for u64 {
    fn value(self) -> ExemplarValue {
        ExemplarValue::Int(i64::try_from(self).unwrap_or_default())
    }

    fn as_f64(self) -> f64 {
        self as f64
    }
}

impl Number for i64 {
    fn value(self) -> ExemplarValue {
        ExemplarValue::Int(self)
    }

    fn as_f64(self) -> f64 {
        self as f64
    }
}

impl Number for f64 {
    fn value(self) -> ExemplarValue {
        ExemplarValue::Double(self)
    }

    fn as_f64(self) -> f64 {
        self
    }
}

/// A value oneof: `as_double` under `double_tag`, `as_int` (sfixed64) under 6.
fn value(buf: &mut Vec<u8>, double_tag: u32, value: ExemplarValue) {
    match value {
        ExemplarValue::Double(f) => wire::fixed64_always(buf, double_tag, f.to_bits()),
        ExemplarValue::Int(i) => wire::fixed64_always(buf, 6, i as u64),
    }
}

/// Every attribute of a data point under `tag`; returns how many were left out.
fn point_attributes<'a>(buf: &mut Vec<u8>, tag: u32, attributes: impl Iterator<Item = &'a KeyValue>) -> u32 {
    let mut dropped = 0;
    for kv in attributes {
        if attributes::key_value(buf, tag, kv.key.as_str(), &kv.value).is_err() {
            dropped += 1;
        }
    }
    dropped
}

/// One `Exemplar` field under `tag`, with its span's ids when it has them. Returns how
/// many attributes were left out.
fn exemplar<'a>(
    buf: &mut Vec<u8>,
    tag: u32,
    v: ExemplarValue,
    time: SystemTime,
    ids: Option<(&[u8; 16], &[u8; 8])>,
    filtered_attributes: impl Iterator<Item = &'a KeyValue>,
) -> u32 {
    let nested = wire::begin(buf, tag, 1);
    wire::fixed64(buf, 2, nanos(time));
    value(buf, 3, v);
    if let Some((trace_id, span_id)) = ids {
        wire::bytes_always(buf, 4, span_id);
        wire::bytes_always(buf, 5, trace_id);
    }
    let dropped = point_attributes(buf, 7, filtered_attributes);
    wire::end(buf, nested);
    dropped
}

fn sdk_exemplars<'a, T: Number + 'a>(
    buf: &mut Vec<u8>,
    tag: u32,
    exemplars: impl Iterator<Item = &'a SdkExemplar<T>>,
) -> u32 {
    let mut dropped = 0;
    for e in exemplars {
        // Always written, even when zero, as opentelemetry-proto's transform does.
        let ids = Some((e.trace_id(), e.span_id()));
        dropped += exemplar(buf, tag, e.value.value(), e.time(), ids, e.filtered_attributes());
    }
    dropped
}

/// The start and end of the points' period, in nanoseconds.
#[derive(Clone, Copy)]
pub(super) struct Period {
    pub(super) start: u64,
    pub(super) time: u64,
}

/// One `NumberDataPoint` (of a gauge or a sum) as a `data_points` field, with the
/// SDK's exemplars and then those of `extra` (for the point as of `time`). Returns how
/// many attributes were left out.
pub(super) fn number<'a, T: Number + 'a, A>(
    buf: &mut Vec<u8>,
    period: Period,
    time: SystemTime,
    v: T,
    exemplars: impl Iterator<Item = &'a SdkExemplar<T>>,
    attributes: impl Fn() -> A,
    extra: Option<ExemplarLookup<'_>>,
) -> u32
where
    A: Iterator<Item = &'a KeyValue>,
{
    let nested = wire::begin(buf, 1, 1);
    wire::fixed64(buf, 2, period.start);
    wire::fixed64(buf, 3, period.time);
    value(buf, 4, v.value());
    let mut dropped = sdk_exemplars(buf, 5, exemplars);
    if let Some(lookup) = extra {
        dropped += ours(buf, 5, lookup, time, attributes());
    }
    dropped += point_attributes(buf, 7, attributes());
    wire::end(buf, nested);
    dropped
}

/// The exemplars `lookup` has for the point of `attributes` as of `time`, each an
/// `Exemplar` field under `tag`. Returns how many attributes were left out.
fn ours<'a>(
    buf: &mut Vec<u8>,
    tag: u32,
    lookup: ExemplarLookup<'_>,
    time: SystemTime,
    attributes: impl Iterator<Item = &'a KeyValue>,
) -> u32 {
    let attributes: Vec<&KeyValue> = attributes.collect();
    let identity = PointIdentity {
        scope: lookup.scope,
        metric: lookup.metric,
        attributes: &attributes,
        time,
    };
    let mut dropped = 0;
    lookup.source.exemplars(&identity, &mut |e: &Exemplar<'_>| {
        let ids = e.span.map(|s| (s.trace_id.to_bytes(), s.span_id.to_bytes()));
        let ids = ids.as_ref().map(|(t, s)| (t, s));
        dropped += exemplar(buf, tag, e.value, e.time, ids, e.filtered_attributes.iter());
    });
    dropped
}

/// Where a metric's points find exemplars of ours: a source, and the scope and
/// metric they belong to.
#[derive(Clone, Copy)]
pub(super) struct ExemplarLookup<'a> {
    pub(super) source: &'a dyn ExemplarSource,
    pub(super) scope: &'a str,
    pub(super) metric: &'a str,
}

/// One `HistogramDataPoint` as a `data_points` field, with the SDK's exemplars and
/// then those of `extra` (for the point as of `time`). Returns how many attributes
/// were left out.
pub(super) fn histogram<T: Number>(
    buf: &mut Vec<u8>,
    period: Period,
    time: SystemTime,
    point: &HistogramDataPoint<T>,
    extra: Option<ExemplarLookup<'_>>,
) -> u32 {
    let nested = wire::begin(buf, 1, 2);
    wire::fixed64(buf, 2, period.start);
    wire::fixed64(buf, 3, period.time);
    wire::fixed64(buf, 4, point.count());
    wire::fixed64_always(buf, 5, point.sum().as_f64().to_bits());
    wire::packed_fixed64(buf, 6, || point.bucket_counts());
    wire::packed_fixed64(buf, 7, || point.bounds().map(f64::to_bits));
    let mut dropped = sdk_exemplars(buf, 8, point.exemplars());
    if let Some(lookup) = extra {
        dropped += ours(buf, 8, lookup, time, point.attributes());
    }
    dropped += point_attributes(buf, 9, point.attributes());
    if let Some(min) = point.min() {
        wire::fixed64_always(buf, 11, min.as_f64().to_bits());
    }
    if let Some(max) = point.max() {
        wire::fixed64_always(buf, 12, max.as_f64().to_bits());
    }
    wire::end(buf, nested);
    dropped
}

/// One `ExponentialHistogramDataPoint` as a `data_points` field. Returns how many
/// attributes were left out.
pub(super) fn exponential_histogram<T: Number>(
    buf: &mut Vec<u8>,
    period: Period,
    point: &ExponentialHistogramDataPoint<T>,
) -> u32 {
    let nested = wire::begin(buf, 1, 2);
    let mut dropped = point_attributes(buf, 1, point.attributes());
    wire::fixed64(buf, 2, period.start);
    wire::fixed64(buf, 3, period.time);
    wire::fixed64(buf, 4, point.count() as u64);
    wire::fixed64_always(buf, 5, point.sum().as_f64().to_bits());
    wire::sint32(buf, 6, i32::from(point.scale()));
    wire::fixed64(buf, 7, point.zero_count());
    buckets(buf, 8, point.positive_bucket());
    buckets(buf, 9, point.negative_bucket());
    dropped += sdk_exemplars(buf, 11, point.exemplars());
    if let Some(min) = point.min() {
        wire::fixed64_always(buf, 12, min.as_f64().to_bits());
    }
    if let Some(max) = point.max() {
        wire::fixed64_always(buf, 13, max.as_f64().to_bits());
    }
    wire::double(buf, 14, point.zero_threshold());
    wire::end(buf, nested);
    dropped
}

/// `ExponentialHistogramDataPoint.Buckets`, always present (opentelemetry-proto sets
/// both to `Some`).
fn buckets(buf: &mut Vec<u8>, tag: u32, buckets: &ExponentialBucket) {
    let nested = wire::begin(buf, tag, 1);
    wire::sint32(buf, 1, buckets.offset());
    wire::packed_varint(buf, 2, || buckets.counts());
    wire::end(buf, nested);
}
