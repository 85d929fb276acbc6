//! One histogram's exemplars: the aligned-histogram-bucket reservoir of the metrics
//! SDK specification, at most one exemplar per bucket per data point, the most
//! recent measurement winning.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use opentelemetry::{KeyValue, Value};
use rustc_hash::FxHashMap;

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

/// The exemplars of one attribute set, in the order it was recorded in: a cell per
/// bucket.
#[derive(Debug)]
struct Series {
    attributes: Box<[KeyValue]>,
    cells: Box<[Option<StoredExemplar>]>,
}

/// One histogram's reservoir.
///
/// A measurement finds its series by a hash of its attributes in the order given,
/// one pass over them: the cheapest key for the recording path, where each call site
/// passes its attributes in one order. The SDK makes one point of a set recorded in
/// any order, so an exporter finds a point's series through `by_set`, keyed by a hash
/// that ignores order, kept as series are added and removed.
#[derive(Debug)]
pub(super) struct HistogramReservoir {
    boundaries: Box<[f64]>,
    shards: [Mutex<FxHashMap<u64, Series>>; SHARDS],
    /// Set hash to the series (by recording key) of that set.
    by_set: Mutex<FxHashMap<u64, Vec<u64>>>,
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
            by_set: Mutex::default(),
            series: AtomicUsize::new(0),
            over_limit: AtomicU64::new(0),
        })
    }

    /// Keeps `exemplar` as its bucket's, replacing the one there. Allocates only for an
    /// attribute set (in its order) seen for the first time.
    pub(super) fn offer(&self, bucket_value: f64, exemplar: StoredExemplar, attributes: &[KeyValue]) {
        self.offer_keyed(recording_key(attributes), bucket_value, exemplar, attributes);
    }

    /// [`offer`](Self::offer) with the attributes' [`recording_key`] already made, as a
    /// bound instrument has it.
    pub(super) fn offer_keyed(
        &self,
        key: u64,
        bucket_value: f64,
        exemplar: StoredExemplar,
        attributes: &[KeyValue],
    ) {
        // The SDK's own rule: a bucket holds the values up to its upper bound, inclusive.
        let bucket = self.boundaries.partition_point(|&b| b < bucket_value);
        {
            let mut shard = self.shard(key);
            if let Some(series) = shard.get_mut(&key) {
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
                key,
                Series {
                    attributes: attributes.into(),
                    cells,
                },
            );
        }
        // Never two locks at once: a reader may miss a series added this instant.
        lock(&self.by_set)
            .entry(set_hash(attributes.iter()))
            .or_default()
            .push(key);
    }

    /// Calls `each` with the exemplars recorded up to `until` for the data point whose
    /// attributes are `attributes`, lowest bucket first; where the set was recorded in
    /// several orders, the latest of each bucket.
    pub(super) fn for_point(
        &self,
        attributes: &[&KeyValue],
        until: SystemTime,
        each: &mut dyn FnMut(&StoredExemplar),
    ) {
        let Some(keys) = lock(&self.by_set)
            .get(&set_hash(attributes.iter().copied()))
            .cloned()
        else {
            return;
        };
        let mut latest: Vec<Option<StoredExemplar>> = vec![None; self.boundaries.len() + 1];
        for key in keys {
            let shard = self.shard(key);
            let Some(series) = shard.get(&key) else { continue };
            if !same_set(&series.attributes, attributes) {
                continue;
            }
            for (kept, cell) in latest.iter_mut().zip(series.cells.iter()) {
                if let Some(e) = cell
                    && e.time <= until
                    && kept.is_none_or(|k| k.time < e.time)
                {
                    *kept = Some(*e);
                }
            }
        }
        for e in latest.iter().flatten() {
            each(e);
        }
    }

    /// Forgets every exemplar recorded up to `until`, and the attribute sets left with
    /// none: after a delta collection, whose points they belonged to.
    pub(super) fn forget_until(&self, until: SystemTime) {
        let mut removed = Vec::new();
        for shard in &self.shards {
            lock(shard).retain(|key, series| {
                for cell in series.cells.iter_mut() {
                    if cell.is_some_and(|e| e.time <= until) {
                        *cell = None;
                    }
                }
                let keep = series.cells.iter().any(Option::is_some);
                if !keep {
                    removed.push((*key, set_hash(series.attributes.iter())));
                }
                keep
            });
        }
        if removed.is_empty() {
            return;
        }
        self.series.fetch_sub(removed.len(), Ordering::Relaxed);
        let mut by_set = lock(&self.by_set);
        for (key, set) in removed {
            if let Some(keys) = by_set.get_mut(&set) {
                keys.retain(|k| *k != key);
                if keys.is_empty() {
                    by_set.remove(&set);
                }
            }
        }
    }

    /// How many measurements were not kept because the reservoir held exemplars for
    /// [`MAX_SERIES`] attribute sets.
    pub(super) fn over_limit(&self) -> u64 {
        self.over_limit.load(Ordering::Relaxed)
    }

    fn shard(&self, key: u64) -> MutexGuard<'_, FxHashMap<u64, Series>> {
        // The top bits: the map itself uses the low ones.
        lock(&self.shards[(key >> 61) as usize % SHARDS])
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The recording path's key: one hashing pass over the attributes as given.
pub(super) fn recording_key(attributes: &[KeyValue]) -> u64 {
    // The shard comes from the top bits, which the word hash leaves weak.
    mix(attributes.iter().fold(0, hash_kv))
}

/// A hash of an attribute set that does not depend on the order of its attributes:
/// the sum of the attributes' own hashes.
fn set_hash<'a>(attributes: impl Iterator<Item = &'a KeyValue>) -> u64 {
    attributes.fold(0u64, |sum, kv| sum.wrapping_add(mix(hash_kv(0, kv))))
}

/// Adds an attribute to `h`: its key's bytes, then a tag for the value's type and the
/// value. Written out rather than through `Hash`, which costs several times as much on
/// this path (one call per measurement and attribute).
#[inline]
fn hash_kv(h: u64, kv: &KeyValue) -> u64 {
    let h = add_bytes(h, kv.key.as_str().as_bytes());
    match &kv.value {
        Value::Bool(b) => add(add(h, 1), u64::from(*b)),
        Value::I64(i) => add(add(h, 2), *i as u64),
        Value::F64(f) => add(add(h, 3), f.to_bits()),
        Value::String(s) => add_bytes(add(h, 4), s.as_str().as_bytes()),
        // Rare on a metric: told apart by their text.
        other => add_bytes(add(h, 5), other.to_string().as_bytes()),
    }
}

/// FxHash's step: one word into the hash.
#[inline]
fn add(h: u64, word: u64) -> u64 {
    (h.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95)
}

/// The bytes eight at a time, the last word overlapping the one before, then the
/// length (so that overlapping and padding cannot make two texts equal).
#[inline]
fn add_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    if n >= 8 {
        let mut at = 0;
        while at + 8 <= n {
            h = add(h, word(at));
            at += 8;
        }
        if at < n {
            h = add(h, word(n - 8));
        }
    } else if n >= 4 {
        let half = |at: usize| {
            u64::from(u32::from_le_bytes(
                bytes[at..at + 4].try_into().unwrap_or_default(),
            ))
        };
        h = add(h, half(0) | half(n - 4) << 32);
    } else if n > 0 {
        h = add(
            h,
            u64::from(bytes[0]) | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]) << 16,
        );
    }
    add(h, n as u64)
}

/// A finaliser (splitmix64's), so that sums of hashes and the top bits stay well
/// spread.
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
    fn a_set_recorded_in_two_orders_gives_one_exemplar_per_bucket_the_latest() {
        let r = HistogramReservoir::new(Some(&[1.0])).unwrap();
        let ab = [KeyValue::new("a", 1), KeyValue::new("b", "x")];
        let ba = [KeyValue::new("b", "x"), KeyValue::new("a", 1)];
        r.offer(0.5, exemplar(0.5, 3, 1), &ab);
        r.offer(0.7, exemplar(0.7, 2, 2), &ba);
        r.offer(5.0, exemplar(5.0, 4, 3), &ba);
        let point = [KeyValue::new("a", 1), KeyValue::new("b", "x")];
        let values: Vec<_> = collect(&r, &point, 10).iter().map(|e| e.value).collect();
        assert_eq!(values, [ExemplarValue::Double(0.5), ExemplarValue::Double(5.0)]);
        r.forget_until(SystemTime::UNIX_EPOCH + Duration::from_secs(10));
        assert!(lock(&r.by_set).is_empty(), "the set index follows removals");
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
    fn texts_and_types_that_differ_hash_apart() {
        let texts = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "abcdefgh",
            "abcdefghi",
            "abcdefghij0123456",
        ];
        let mut seen = std::collections::HashSet::new();
        for (i, a) in texts.iter().enumerate() {
            for b in &texts[i..] {
                let kv = KeyValue::new(*a, b.to_string());
                assert!(seen.insert(recording_key(&[kv])), "{a:?} = {b:?} collides");
            }
        }
        let typed = [
            KeyValue::new("k", 1),
            KeyValue::new("k", true),
            KeyValue::new("k", 1.0),
            KeyValue::new("k", "1"),
        ];
        let keys: std::collections::HashSet<_> = typed
            .iter()
            .map(|kv| recording_key(std::slice::from_ref(kv)))
            .collect();
        assert_eq!(keys.len(), typed.len());
        // The middle of a long text counts.
        assert_ne!(
            recording_key(&[KeyValue::new("http.route", "/api/v1/users/{id}/orders")]),
            recording_key(&[KeyValue::new("http.route", "/api/v1/items/{id}/orders")])
        );
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
