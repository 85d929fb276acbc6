//! [`BoundSeries`]: the SDK's bound handles of one instrument, one per attribute set,
//! found by the attributes' [`recording_key`](super::attribute_hash::recording_key).
//!
//! An unbound measurement costs the SDK a SipHash of every key and value, a sort of the
//! set and a comparison; most of a request's metric cost. The kit's instruments are
//! recorded per request with a handful of sets (a route's methods and status codes), so
//! each wrapped instrument binds a set the first time it sees it and records through the
//! handle afterwards: one pass of the word hash the exemplar reservoir needs anyway, a
//! table lookup and a comparison of the few attributes.
//!
//! The table is bounded ([`MAX_BOUND`]); a set that finds it full, or finds it locked by
//! a writer, is recorded unbound, as before. Nothing here waits.
// Without bound instruments the table stays empty: nothing binds.
#![cfg_attr(not(feature = "bound-instruments"), allow(dead_code))]

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::RwLock;

use opentelemetry::{KeyValue, Value};

use crate::request_path::shared_names::same_str;

/// Most attribute sets one instrument binds. Far below the SDK's default cardinality
/// limit (2,000), so a handle is never bound to the overflow series while the stream
/// still has room.
pub(super) const MAX_BOUND: usize = 256;

/// The bound handles `B` of one instrument by attribute set.
pub(super) struct BoundSeries<B> {
    /// Keyed by the set's recording key (already well mixed: no second hash); the
    /// sets that share a key are told apart by their attributes.
    table: RwLock<Table<B>>,
}

/// One attribute set and its handle.
type BoundSet<B> = (Box<[KeyValue]>, B);

struct Table<B> {
    by_key: HashMap<u64, Vec<BoundSet<B>>, BuildHasherDefault<KeyHasher>>,
    /// How many sets `by_key` holds (a key may hold several).
    sets: usize,
}

impl<B> Default for BoundSeries<B> {
    fn default() -> Self {
        Self {
            table: RwLock::new(Table {
                by_key: HashMap::default(),
                sets: 0,
            }),
        }
    }
}

impl<B> BoundSeries<B> {
    /// Records through the handle bound to `attributes` (whose recording key is `key`),
    /// binding it with `bind` the first time. `false` when it did not record (the table
    /// full, or busy with another thread's insertion): the caller records unbound.
    pub(super) fn record(
        &self,
        key: u64,
        attributes: &[KeyValue],
        bind: impl FnOnce(&[KeyValue]) -> B,
        record: impl FnOnce(&B),
    ) -> bool {
        match self.table.try_read() {
            Ok(table) => {
                if let Some(sets) = table.by_key.get(&key)
                    && let Some(index) = position(sets, attributes)
                {
                    record(&sets[index].1);
                    return true;
                }
                if table.sets >= MAX_BOUND {
                    return false;
                }
            }
            // A writer is inserting (or a panic poisoned the lock): not worth waiting for.
            Err(_) => return false,
        }
        self.bind(key, attributes, bind, record)
    }

    /// A set's first measurement: binds it, records, and keeps the handle.
    #[cold]
    fn bind(
        &self,
        key: u64,
        attributes: &[KeyValue],
        bind: impl FnOnce(&[KeyValue]) -> B,
        record: impl FnOnce(&B),
    ) -> bool {
        let Ok(mut table) = self.table.try_write() else {
            return false;
        };
        let table = &mut *table;
        let sets = table.by_key.entry(key).or_default();
        // Another thread may have bound it between the two locks.
        let index = match position(sets, attributes) {
            Some(index) => index,
            // A set never equal to itself (a NaN value) would be bound again each time:
            // the count stops it at the bound.
            None if table.sets >= MAX_BOUND => return false,
            None => {
                sets.push((attributes.into(), bind(attributes)));
                table.sets += 1;
                sets.len() - 1
            }
        };
        record(&sets[index].1);
        true
    }

    /// How many attribute sets are bound.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.table.read().map_or(0, |table| table.sets)
    }
}

/// Where `attributes` is among the sets that share its key.
fn position<B>(sets: &[BoundSet<B>], attributes: &[KeyValue]) -> Option<usize> {
    sets.iter().position(|(set, _)| same_set(set, attributes))
}

/// `a == b`, comparing shared strings by address first: the kit's attribute keys are
/// `'static` and its values mostly shared (`Arc`) or `'static`, so most comparisons end
/// without reading the bytes.
fn same_set(a: &[KeyValue], b: &[KeyValue]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            same_str(a.key.as_str(), b.key.as_str())
                && match (&a.value, &b.value) {
                    (Value::String(x), Value::String(y)) => same_str(x.as_str(), y.as_str()),
                    (Value::I64(x), Value::I64(y)) => x == y,
                    (x, y) => x == y,
                }
        })
}

/// Passes a recording key through: it is a hash already.
#[derive(Default)]
pub(super) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed here; anything else is folded in, still correct.
        for &b in bytes {
            self.0 = (self.0.rotate_left(8)) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn binds_each_set_once_and_tells_colliding_sets_apart() {
        let series = BoundSeries::<usize>::default();
        let binds = Cell::new(0);
        let recorded = Cell::new(None);
        let a = [KeyValue::new("http.route", "/a")];
        let b = [KeyValue::new("http.route", "/b")];
        for (set, key) in [(&a, 1), (&a, 1), (&b, 1), (&b, 1), (&a, 1)] {
            let recorded_here = series.record(
                key,
                set,
                |_| {
                    binds.set(binds.get() + 1);
                    binds.get()
                },
                |bound| recorded.set(Some(*bound)),
            );
            assert!(recorded_here);
            let expected = if set == &a { 1 } else { 2 };
            assert_eq!(
                recorded.get(),
                Some(expected),
                "one key, two sets: each its own handle"
            );
        }
        assert_eq!(binds.get(), 2);
        assert_eq!(series.len(), 2);
    }

    #[test]
    fn sets_compare_by_value_whatever_holds_their_strings() {
        let shared: std::sync::Arc<str> = "/users/{id}".into();
        let a = [
            KeyValue::new("http.route", opentelemetry::StringValue::from(shared.clone())),
            KeyValue::new("http.response.status_code", 200),
        ];
        let b = [
            KeyValue::new(String::from("http.route"), "/users/{id}".to_owned()),
            KeyValue::new("http.response.status_code", 200),
        ];
        assert!(same_set(&a, &a) && same_set(&a, &b) && same_set(&b, &a));
        let other_route = [
            KeyValue::new("http.route", "/users"),
            KeyValue::new("http.response.status_code", 200),
        ];
        let other_code = [
            KeyValue::new("http.route", "/users/{id}"),
            KeyValue::new("http.response.status_code", 404),
        ];
        assert!(!same_set(&a, &other_route) && !same_set(&a, &other_code) && !same_set(&a, &a[..1]));
        let nan = [KeyValue::new("x", f64::NAN)];
        assert!(!same_set(&nan, &nan), "as `==`: a NaN is equal to nothing");
    }

    #[test]
    fn a_full_table_records_unbound() {
        let series = BoundSeries::<()>::default();
        for i in 0..MAX_BOUND as i64 {
            assert!(series.record(i as u64, &[KeyValue::new("i", i)], |_| (), |_| ()));
        }
        let over = [KeyValue::new("i", -1)];
        assert!(!series.record(u64::MAX, &over, |_| (), |_| ()));
        assert_eq!(series.len(), MAX_BOUND);
    }

    #[test]
    fn a_set_never_equal_to_itself_stops_at_the_bound() {
        let series = BoundSeries::<()>::default();
        let nan = [KeyValue::new("x", f64::NAN)];
        let recorded = (0..MAX_BOUND * 2)
            .filter(|_| series.record(7, &nan, |_| (), |_| ()))
            .count();
        assert_eq!(recorded, MAX_BOUND);
        assert_eq!(series.len(), MAX_BOUND);
    }
}
