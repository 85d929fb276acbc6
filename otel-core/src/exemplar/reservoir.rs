//! One histogram's exemplars: the aligned-histogram-bucket reservoir of the metrics
//! SDK specification, at most one exemplar per bucket per data point, the most
//! recent measurement winning.

use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use opentelemetry::{KeyValue, Value};
use rustc_hash::{FxHashMap, FxHasher};

use super::filter::SpanIds;

/// The SDK's bucket boundaries for a histogram built without any (opentelemetry_sdk
/// 0.33, `Aggregation::ExplicitBucketHistogram`'s default).
pub(super) const SDK_DEFAULT_BOUNDARIES: [f64; 15] = [
    0.0, 5.0, 10.0, 25.0, 50.0, 75.0, 100.0, 250.0, 500.0, 750.0, 1000.0, 2500.0, 5000.0, 7500.0, 10000.0,
];

/// The most attribute sets a histogram keeps exemplars for: the SDK's default
/// cardinality limit, past which its own points fold into one overflow point.
pub const MAX_SERIES: usize = 2000;

/// Shards of the series map, so that threads recording different attribute sets
/// rarely wait for each other.
const SHARDS: usize = 8;

/// A measurement value of an exemplar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ExemplarValue {
    /// A floating-point measurement (OTLP `as_double`).
    Double(f64),
    /// An integer measurement (OTLP `as_int`).
    Int(i64),
}

/// One kept measurement: its value, when it was recorded, and the span it was
/// recorded in (none under `always_on` outside a span).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoredExemplar {
    /// The measurement.
    pub value: ExemplarValue,
    /// When it was recorded.
    pub time: SystemTime,
    /// The span it was recorded in.
    pub span: Option<SpanIds>,
}

/// The exemplars of one attribute set: a cell per bucket.
#[derive(Debug)]
struct Series {
    attributes: Box<[KeyValue]>,
    cells: Box<[Option<StoredExemplar>]>,
}

/// One histogram's reservoir.
#[derive(Debug)]
pub(super) struct HistogramReservoir {
    boundaries: Box<[f64]>,
    shards: [Mutex<FxHashMap<u64, Series>>; SHARDS],
    series: AtomicUsize,
    /// Measurements not kept because [`MAX_SERIES`] attribute sets were held.
    over_limit: AtomicU64,
}

impl HistogramReservoir {
    /// A reservoir for the advised `boundaries` (the SDK's default when none), or
    /// `None` when they are invalid (not finite, or not strictly increasing): the SDK
    /// then makes a histogram that records nothing.
    pub(super) fn new(boundaries: Option<&[f64]>) -> Option<Self> {
        let boundaries = boundaries.unwrap_or(&SDK_DEFAULT_BOUNDARIES);
        let valid = boundaries.iter().all(|x| x.is_finite()) && boundaries.windows(2).all(|w| w[0] < w[1]);
        valid.then(|| HistogramReservoir {
            boundaries: boundaries.into(),
            shards: Default::default(),
            series: AtomicUsize::new(0),
            over_limit: AtomicU64::new(0),
        })
    }

    /// Keeps `exemplar` as its bucket's, replacing the one there. Allocates only for an
    /// attribute set seen for the first time.
    pub(super) fn offer(&self, bucket_value: f64, exemplar: StoredExemplar, attributes: &[KeyValue]) {
        // The SDK's own rule: a bucket holds the values up to its upper bound, inclusive.
        let bucket = self.boundaries.partition_point(|&b| b < bucket_value);
        let hash = set_hash(attributes.iter());
        let mut shard = self.shard(hash);
        if let Some(series) = shard.get_mut(&hash) {
            series.cells[bucket] = Some(exemplar);
            return;
        }
        if self.series.fetch_add(1, Ordering::Relaxed) >= MAX_SERIES {
            self.series.fetch_sub(1, Ordering::Relaxed);
            self.over_limit.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let mut cells = vec![None; self.boundaries.len() + 1].into_boxed_slice();
        cells[bucket] = Some(exemplar);
        shard.insert(
            hash,
            Series {
                attributes: attributes.into(),
                cells,
            },
        );
    }

    /// Calls `each` with the exemplars recorded up to `until` for the data point whose
    /// attributes are `attributes`, lowest bucket first.
    pub(super) fn for_point(
        &self,
        attributes: &[&KeyValue],
        until: SystemTime,
        each: &mut dyn FnMut(&StoredExemplar),
    ) {
        let hash = set_hash(attributes.iter().copied());
        let shard = self.shard(hash);
        let Some(series) = shard.get(&hash) else {
            return;
        };
        if !same_set(&series.attributes, attributes) {
            return;
        }
        for e in series.cells.iter().flatten() {
            if e.time <= until {
                each(e);
            }
        }
    }

    /// Forgets every exemplar recorded up to `until`, and the attribute sets left with
    /// none: after a delta collection, whose points they belonged to.
    pub(super) fn forget_until(&self, until: SystemTime) {
        for shard in &self.shards {
            let mut shard = shard.lock().unwrap_or_else(PoisonError::into_inner);
            let before = shard.len();
            shard.retain(|_, series| {
                for cell in series.cells.iter_mut() {
                    if cell.is_some_and(|e| e.time <= until) {
                        *cell = None;
                    }
                }
                series.cells.iter().any(Option::is_some)
            });
            self.series.fetch_sub(before - shard.len(), Ordering::Relaxed);
        }
    }

    /// How many measurements were not kept because the reservoir held exemplars for
    /// [`MAX_SERIES`] attribute sets.
    pub(super) fn over_limit(&self) -> u64 {
        self.over_limit.load(Ordering::Relaxed)
    }

    fn shard(&self, hash: u64) -> MutexGuard<'_, FxHashMap<u64, Series>> {
        // The top bits: the map itself uses the low ones.
        self.shards[(hash >> 61) as usize % SHARDS]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// A hash of an attribute set that does not depend on the order of its attributes:
/// the SDK makes one point of a set recorded in any order, so must we.
fn set_hash<'a>(attributes: impl Iterator<Item = &'a KeyValue>) -> u64 {
    attributes.fold(0u64, |sum, kv| sum.wrapping_add(mix(kv_hash(kv))))
}

fn kv_hash(kv: &KeyValue) -> u64 {
    let mut h = FxHasher::default();
    kv.key.as_str().hash(&mut h);
    match &kv.value {
        Value::Bool(b) => b.hash(&mut h),
        Value::I64(i) => i.hash(&mut h),
        Value::F64(f) => f.to_bits().hash(&mut h),
        Value::String(s) => s.as_str().hash(&mut h),
        // Rare on a metric: told apart by their text.
        other => other.to_string().hash(&mut h),
    }
    h.finish()
}

/// A finaliser (splitmix64's), so that the sum of several hashes stays well spread.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Whether a kept attribute set is the point's: equal hashes almost always are.
fn same_set(kept: &[KeyValue], point: &[&KeyValue]) -> bool {
    kept.len() == point.len() && point.iter().all(|p| kept.iter().any(|k| k == *p))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use opentelemetry::trace::{SpanId, TraceId};

    use super::*;

    fn exemplar(value: f64, at: u64, span: u64) -> StoredExemplar {
        StoredExemplar {
            value: ExemplarValue::Double(value),
            time: SystemTime::UNIX_EPOCH + Duration::from_secs(at),
            span: Some(SpanIds {
                trace_id: TraceId::from(u128::from(span)),
                span_id: SpanId::from(span),
            }),
        }
    }

    fn collect(r: &HistogramReservoir, attributes: &[KeyValue], until: u64) -> Vec<StoredExemplar> {
        let point: Vec<&KeyValue> = attributes.iter().collect();
        let mut out = Vec::new();
        r.for_point(
            &point,
            SystemTime::UNIX_EPOCH + Duration::from_secs(until),
            &mut |e| out.push(*e),
        );
        out
    }

    #[test]
    fn one_exemplar_per_bucket_the_latest_wins_and_bounds_are_inclusive() {
        let r = HistogramReservoir::new(Some(&[1.0, 2.0])).unwrap();
        let attrs = [KeyValue::new("route", "/a")];
        r.offer(0.5, exemplar(0.5, 1, 1), &attrs);
        r.offer(1.0, exemplar(1.0, 2, 2), &attrs); // upper bound of the first bucket
        r.offer(1.5, exemplar(1.5, 3, 3), &attrs);
        r.offer(9.0, exemplar(9.0, 4, 4), &attrs);
        r.offer(1.7, exemplar(1.7, 5, 5), &attrs);
        let values: Vec<_> = collect(&r, &attrs, 10).iter().map(|e| e.value).collect();
        assert_eq!(
            values,
            [
                ExemplarValue::Double(1.0),
                ExemplarValue::Double(1.7),
                ExemplarValue::Double(9.0)
            ]
        );
    }

    #[test]
    fn an_attribute_set_is_one_series_in_any_order_and_others_are_apart() {
        let r = HistogramReservoir::new(None).unwrap();
        let ab = [KeyValue::new("a", 1), KeyValue::new("b", "x")];
        let ba = [KeyValue::new("b", "x"), KeyValue::new("a", 1)];
        r.offer(3.0, exemplar(3.0, 1, 1), &ab);
        r.offer(3.0, exemplar(3.0, 2, 2), &ba);
        r.offer(
            3.0,
            exemplar(3.0, 3, 3),
            &[KeyValue::new("a", 2), KeyValue::new("b", "x")],
        );
        let got = collect(&r, &ab, 10);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].time, SystemTime::UNIX_EPOCH + Duration::from_secs(2));
        assert!(collect(&r, &[KeyValue::new("a", 1)], 10).is_empty());
        assert!(collect(&r, &[], 10).is_empty());
    }

    #[test]
    fn exemplars_after_the_point_wait_and_delta_forgets_what_was_collected() {
        let r = HistogramReservoir::new(None).unwrap();
        let attrs = [KeyValue::new("a", true)];
        r.offer(1.0, exemplar(1.0, 5, 1), &attrs);
        r.offer(7.0, exemplar(7.0, 15, 2), &attrs);
        assert_eq!(collect(&r, &attrs, 10).len(), 1);
        r.forget_until(SystemTime::UNIX_EPOCH + Duration::from_secs(10));
        let left = collect(&r, &attrs, 20);
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].value, ExemplarValue::Double(7.0));
        r.forget_until(SystemTime::UNIX_EPOCH + Duration::from_secs(20));
        assert_eq!(r.series.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn attribute_sets_past_the_limit_are_counted_not_kept() {
        let r = HistogramReservoir::new(None).unwrap();
        for i in 0..MAX_SERIES + 3 {
            r.offer(1.0, exemplar(1.0, 1, 1), &[KeyValue::new("i", i as i64)]);
        }
        assert_eq!(r.over_limit(), 3);
        assert_eq!(collect(&r, &[KeyValue::new("i", 0)], 10).len(), 1);
        assert!(collect(&r, &[KeyValue::new("i", MAX_SERIES as i64)], 10).is_empty());
    }

    #[test]
    fn no_reservoir_for_boundaries_the_sdk_refuses() {
        assert!(HistogramReservoir::new(Some(&[2.0, 1.0])).is_none());
        assert!(HistogramReservoir::new(Some(&[1.0, 1.0])).is_none());
        assert!(HistogramReservoir::new(Some(&[1.0, f64::NAN])).is_none());
        assert_eq!(
            &*HistogramReservoir::new(None).unwrap().boundaries,
            &SDK_DEFAULT_BOUNDARIES
        );
        assert_eq!(HistogramReservoir::new(Some(&[])).unwrap().boundaries.len(), 0);
    }
}
