//! One instrument's exemplars, per attribute set, as the metrics SDK specification's
//! default reservoirs keep them: a histogram's in an aligned-histogram-bucket
//! reservoir (at most one per bucket, the most recent measurement winning), a sum's or
//! a gauge's in a simple fixed-size reservoir of one (sampled uniformly among the
//! measurements offered since the last collection).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use opentelemetry::KeyValue;
use rustc_hash::FxHashMap;

use super::attribute_hash::{mix, recording_key, set_hash};
use super::filter::SpanIds;

/// The SDK's bucket boundaries for a histogram built without any (opentelemetry_sdk
/// 0.33, `Aggregation::ExplicitBucketHistogram`'s default).
pub(super) const SDK_DEFAULT_BOUNDARIES: [f64; 15] = [
    0.0, 5.0, 10.0, 25.0, 50.0, 75.0, 100.0, 250.0, 500.0, 750.0, 1000.0, 2500.0, 5000.0, 7500.0, 10000.0,
];

/// The most attribute sets an instrument keeps exemplars for: the SDK's default
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

/// Which measurements a reservoir's cells keep: the specification's default reservoir
/// for the instrument's aggregation ("Exemplar defaults").
#[derive(Debug)]
pub(super) enum Sampling {
    /// `AlignedHistogramBucketExemplarReservoir`, for an explicit-bucket histogram: a
    /// cell per bucket of these boundaries, the most recent measurement winning (the
    /// variant the specification allows instead of sampling per bucket).
    Buckets(Box<[f64]>),
    /// `SimpleFixedSizeExemplarReservoir` of size 1 (the specification's default size),
    /// for every other aggregation (sums, gauges): one cell, given the `n`th
    /// measurement of a collection cycle with probability `1/n`, so that each is kept
    /// with the same chance.
    Uniform,
}

/// The exemplars of one attribute set, in the order it was recorded in: a cell per
/// bucket, or one.
#[derive(Debug)]
struct Series {
    attributes: Box<[KeyValue]>,
    cells: Box<[Option<StoredExemplar>]>,
    /// [`Sampling::Uniform`]: the measurements offered in `cycle`, and the state of the
    /// random numbers that choose among them.
    seen: u64,
    cycle: u64,
    random: u64,
}

impl Series {
    /// The cell `bucket` (a histogram's) or, sampling uniformly, whether this
    /// measurement takes the one cell: the specification's algorithm, `bucket =
    /// random_integer(0, num_measurements_seen)`, kept when it is 0, with
    /// `num_measurements_seen` reset at each collection cycle.
    fn cell_for(&mut self, bucket: Option<usize>, cycle: u64) -> Option<usize> {
        if bucket.is_some() {
            return bucket;
        }
        if self.cycle != cycle {
            self.cycle = cycle;
            self.seen = 0;
        }
        let seen = self.seen;
        self.seen += 1;
        // splitmix64: one add and a mix, under the lock already held.
        self.random = self.random.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let draw = ((u128::from(mix(self.random)) * u128::from(seen + 1)) >> 64) as u64;
        (draw == 0).then_some(0)
    }
}

/// One instrument's reservoir.
///
/// A measurement finds its series by a hash of its attributes in the order given,
/// one pass over them: the cheapest key for the recording path, where each call site
/// passes its attributes in one order. The SDK makes one point of a set recorded in
/// any order, so an exporter finds a point's series through `by_set`, keyed by a hash
/// that ignores order, kept as series are added and removed.
#[derive(Debug)]
pub(super) struct Reservoir {
    sampling: Sampling,
    /// The collection cycle: [`Sampling::Uniform`] starts over when it changes.
    cycle: AtomicU64,
    shards: [Mutex<FxHashMap<u64, Series>>; SHARDS],
    /// Set hash to the series (by recording key) of that set.
    by_set: Mutex<FxHashMap<u64, Vec<u64>>>,
    series: AtomicUsize,
    /// Measurements not kept because [`MAX_SERIES`] attribute sets were held.
    over_limit: AtomicU64,
}

impl Reservoir {
    /// A histogram's reservoir for the advised `boundaries` (the SDK's default when
    /// none), or `None` when they are invalid (not finite, or not strictly
    /// increasing): the SDK then makes a histogram that records nothing.
    pub(super) fn histogram(boundaries: Option<&[f64]>) -> Option<Self> {
        let boundaries = boundaries.unwrap_or(&SDK_DEFAULT_BOUNDARIES);
        let valid = boundaries.iter().all(|x| x.is_finite()) && boundaries.windows(2).all(|w| w[0] < w[1]);
        valid.then(|| Self::with(Sampling::Buckets(boundaries.into())))
    }

    /// The reservoir of a sum or a gauge (a counter, an up-down counter, a gauge).
    pub(super) fn uniform() -> Self {
        Self::with(Sampling::Uniform)
    }

    fn with(sampling: Sampling) -> Self {
        Reservoir {
            sampling,
            cycle: AtomicU64::new(0),
            shards: Default::default(),
            by_set: Mutex::default(),
            series: AtomicUsize::new(0),
            over_limit: AtomicU64::new(0),
        }
    }

    /// How many cells a series has.
    fn cells(&self) -> usize {
        match &self.sampling {
            Sampling::Buckets(boundaries) => boundaries.len() + 1,
            Sampling::Uniform => 1,
        }
    }

    /// A collection was taken: uniform sampling starts over with the next measurement.
    pub(super) fn collected(&self) {
        self.cycle.fetch_add(1, Ordering::Relaxed);
    }

    /// Offers the exemplar `make` gives (of the measurement `value`): a histogram keeps
    /// it as its bucket's, replacing the one there; a sum or a gauge keeps it or not by
    /// uniform sampling, and makes it (reads the clock) only to keep it. Allocates only
    /// for an attribute set (in its order) seen for the first time.
    #[cfg_attr(feature = "bound-instruments", allow(dead_code))]
    pub(super) fn offer(&self, value: f64, make: impl FnOnce() -> StoredExemplar, attributes: &[KeyValue]) {
        self.offer_keyed(recording_key(attributes), value, make, attributes);
    }

    /// [`offer`](Self::offer) with the attributes' [`recording_key`] already made, as a
    /// bound instrument has it.
    pub(super) fn offer_keyed(
        &self,
        key: u64,
        value: f64,
        make: impl FnOnce() -> StoredExemplar,
        attributes: &[KeyValue],
    ) {
        let bucket = match &self.sampling {
            // The SDK's own rule: a bucket holds the values up to its upper bound, inclusive.
            Sampling::Buckets(boundaries) => Some(boundaries.partition_point(|&b| b < value)),
            Sampling::Uniform => None,
        };
        let cycle = self.cycle.load(Ordering::Relaxed);
        {
            let mut shard = self.shard(key);
            if let Some(series) = shard.get_mut(&key) {
                if let Some(cell) = series.cell_for(bucket, cycle) {
                    series.cells[cell] = Some(make());
                }
                return;
            }
            if self.series.fetch_add(1, Ordering::Relaxed) >= MAX_SERIES {
                self.series.fetch_sub(1, Ordering::Relaxed);
                self.over_limit.fetch_add(1, Ordering::Relaxed);
                return;
            }
            let mut cells = vec![None; self.cells()].into_boxed_slice();
            // The first measurement of a series is always kept, whatever the sampling.
            let exemplar = make();
            cells[bucket.unwrap_or(0)] = Some(exemplar);
            shard.insert(
                key,
                Series {
                    attributes: attributes.into(),
                    cells,
                    seen: 1,
                    cycle,
                    random: key ^ nanos(exemplar.time),
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
        // `by_set` held with a shard: no one holds a shard while taking `by_set`. A set
        // recorded in one order (the usual case) is read in place, allocating nothing.
        let by_set = lock(&self.by_set);
        let Some(keys) = by_set.get(&set_hash(attributes.iter().copied())) else {
            return;
        };
        let admitted = |e: &&StoredExemplar| e.time <= until;
        if let [key] = keys.as_slice() {
            let shard = self.shard(*key);
            if let Some(series) = shard.get(key)
                && same_set(&series.attributes, attributes)
            {
                for e in series.cells.iter().flatten().filter(admitted) {
                    each(e);
                }
            }
            return;
        }
        let mut latest: Vec<Option<StoredExemplar>> = vec![None; self.cells()];
        for key in keys {
            let shard = self.shard(*key);
            let Some(series) = shard.get(key) else { continue };
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
        drop(by_set);
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

/// A seed for a series' random numbers.
fn nanos(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
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

    fn collect(r: &Reservoir, attributes: &[KeyValue], until: u64) -> Vec<StoredExemplar> {
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
        let r = Reservoir::histogram(Some(&[1.0, 2.0])).unwrap();
        let attrs = [KeyValue::new("route", "/a")];
        r.offer(0.5, move || exemplar(0.5, 1, 1), &attrs);
        r.offer(1.0, move || exemplar(1.0, 2, 2), &attrs); // upper bound of the first bucket
        r.offer(1.5, move || exemplar(1.5, 3, 3), &attrs);
        r.offer(9.0, move || exemplar(9.0, 4, 4), &attrs);
        r.offer(1.7, move || exemplar(1.7, 5, 5), &attrs);
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
        let r = Reservoir::histogram(None).unwrap();
        let ab = [KeyValue::new("a", 1), KeyValue::new("b", "x")];
        let ba = [KeyValue::new("b", "x"), KeyValue::new("a", 1)];
        r.offer(3.0, move || exemplar(3.0, 1, 1), &ab);
        r.offer(3.0, move || exemplar(3.0, 2, 2), &ba);
        r.offer(
            3.0,
            move || exemplar(3.0, 3, 3),
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
        let r = Reservoir::histogram(Some(&[1.0])).unwrap();
        let ab = [KeyValue::new("a", 1), KeyValue::new("b", "x")];
        let ba = [KeyValue::new("b", "x"), KeyValue::new("a", 1)];
        r.offer(0.5, move || exemplar(0.5, 3, 1), &ab);
        r.offer(0.7, move || exemplar(0.7, 2, 2), &ba);
        r.offer(5.0, move || exemplar(5.0, 4, 3), &ba);
        let point = [KeyValue::new("a", 1), KeyValue::new("b", "x")];
        let values: Vec<_> = collect(&r, &point, 10).iter().map(|e| e.value).collect();
        assert_eq!(values, [ExemplarValue::Double(0.5), ExemplarValue::Double(5.0)]);
        r.forget_until(SystemTime::UNIX_EPOCH + Duration::from_secs(10));
        assert!(lock(&r.by_set).is_empty(), "the set index follows removals");
    }

    #[test]
    fn exemplars_after_the_point_wait_and_delta_forgets_what_was_collected() {
        let r = Reservoir::histogram(None).unwrap();
        let attrs = [KeyValue::new("a", true)];
        r.offer(1.0, move || exemplar(1.0, 5, 1), &attrs);
        r.offer(7.0, move || exemplar(7.0, 15, 2), &attrs);
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
        let r = Reservoir::histogram(None).unwrap();
        for i in 0..MAX_SERIES + 3 {
            r.offer(1.0, move || exemplar(1.0, 1, 1), &[KeyValue::new("i", i as i64)]);
        }
        assert_eq!(r.over_limit(), 3);
        assert_eq!(collect(&r, &[KeyValue::new("i", 0)], 10).len(), 1);
        assert!(collect(&r, &[KeyValue::new("i", MAX_SERIES as i64)], 10).is_empty());
    }

    #[test]
    fn no_reservoir_for_boundaries_the_sdk_refuses() {
        assert!(Reservoir::histogram(Some(&[2.0, 1.0])).is_none());
        assert!(Reservoir::histogram(Some(&[1.0, 1.0])).is_none());
        assert!(Reservoir::histogram(Some(&[1.0, f64::NAN])).is_none());
        let boundaries = |r: Reservoir| match r.sampling {
            Sampling::Buckets(b) => b.to_vec(),
            Sampling::Uniform => panic!("a histogram's reservoir samples by bucket"),
        };
        assert_eq!(
            boundaries(Reservoir::histogram(None).unwrap()),
            SDK_DEFAULT_BOUNDARIES
        );
        assert!(boundaries(Reservoir::histogram(Some(&[])).unwrap()).is_empty());
    }

    #[test]
    fn a_sum_keeps_one_exemplar_a_point_each_measurement_as_likely_as_the_others() {
        // 2,000 attribute sets (the most a reservoir holds), 4 measurements each
        // (values 0 to 3, in order): the one kept is each of the four about a quarter
        // of the time. Reproducible: the random numbers are seeded by the set's key and
        // the (fixed) time.
        let r = Reservoir::uniform();
        let sets = MAX_SERIES as i64;
        for i in 0..sets {
            let attrs = [KeyValue::new("i", i)];
            for v in 0..4 {
                r.offer(f64::from(v), move || exemplar(f64::from(v), 1, 1), &attrs);
            }
        }
        let mut kept = [0u32; 4];
        for i in 0..sets {
            let got = collect(&r, &[KeyValue::new("i", i)], 10);
            assert_eq!(got.len(), 1, "one exemplar a point");
            let ExemplarValue::Double(v) = got[0].value else {
                panic!()
            };
            kept[v as usize] += 1;
        }
        for (value, n) in kept.iter().enumerate() {
            // 500 expected; the bounds are about 5 standard deviations (19.4) away.
            assert!(
                (400..=600).contains(n),
                "value {value} kept {n} times of {sets}: {kept:?}"
            );
        }
    }

    #[test]
    fn a_collection_starts_uniform_sampling_over() {
        let r = Reservoir::uniform();
        let attrs = [KeyValue::new("a", 1)];
        for v in 0..10_000 {
            r.offer(1.0, move || exemplar(f64::from(v), 1, 1), &attrs);
        }
        // Without the reset, the next measurement would have a 1 in 10,001 chance.
        r.collected();
        r.offer(1.0, move || exemplar(-1.0, 2, 2), &attrs);
        let got = collect(&r, &attrs, 10);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].value, ExemplarValue::Double(-1.0));
    }
}
