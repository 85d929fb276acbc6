//! Histograms an instrumentation binds per attribute set itself, found by a key cheaper
//! than the set: the common request then pays neither the SDK's attribute-set lookup
//! (SipHash over every key and value, then comparing the set) nor the meter provider's
//! own binding (a hash of the set's strings and a comparison).
//!
//! The key is the caller's: it must name exactly one attribute set for as long as the
//! entry lives. Keys made of addresses (a shared string's, a cached statement's) stay
//! exact because the entry holds what `hold` gives (a clone of each shared value), so
//! nothing else can occupy those addresses meanwhile.
//!
//! The table is bounded ([`MAX_BOUND`]); a set that finds it full, or finds it locked by
//! another thread, is recorded with its attributes. Nothing here waits. Without the
//! `bound-instruments` feature, or before the SDK has declared that it binds
//! ([`bound_instruments`](crate::request_path::bound_instruments)), every value is recorded with its
//! attributes.
//!
//! ```
//! use opentelemetry::KeyValue;
//! use opentelemetry::metrics::MeterProvider as _;
//! use otel_kit_core::__private::bound_histograms::BoundHistograms;
//!
//! let histogram = opentelemetry::global::meter_provider().meter("example").f64_histogram("d").build();
//! let bound: BoundHistograms<u16, ()> = BoundHistograms::default();
//! let attributes = [KeyValue::new("http.response.status_code", 200)];
//! // The key names the set exactly: here, the status code is the whole set. The
//! // attributes are made only when the set is recorded with them (not yet bound).
//! bound.record(&histogram, 0.25, || attributes, Some(200), || Some(()));
//! ```

use std::hash::Hash;

use opentelemetry::KeyValue;
#[cfg(feature = "bound-instruments")]
use opentelemetry::metrics::BoundHistogram;
use opentelemetry::metrics::Histogram;
#[cfg(feature = "bound-instruments")]
use rustc_hash::FxHashMap;
#[cfg(feature = "bound-instruments")]
use std::sync::RwLock;

/// Most attribute sets bound per [`BoundHistograms`]: a route's status codes by method
/// and protocol version over a service's routes, or a pool's statements, fit many
/// times over. With given providers the instruments are shared by every thread, and
/// each thread may hold its own copy of a shared string, so each thread's sets count
/// separately.
pub const MAX_BOUND: usize = 256;

/// A string's text named by where it lives: a key part that hashes no contents, exact
/// while the string is kept alive (an entry holds a clone of each shared string it was
/// keyed by; a `'static` one lives anyway).
///
/// ```
/// use otel_kit_core::__private::bound_histograms::TextAddress;
///
/// let route: std::sync::Arc<str> = "/users/{id}".into();
/// assert_eq!(TextAddress::of(&route), TextAddress::of(&route.clone()));
/// assert_ne!(TextAddress::of(&route), TextAddress::of(&String::from("/users/{id}")));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TextAddress {
    address: usize,
    len: usize,
}

impl TextAddress {
    /// Where `text` lives, and how long it is.
    pub fn of(text: &str) -> Self {
        Self {
            address: text.as_ptr() as usize,
            len: text.len(),
        }
    }
}

/// One bound attribute set.
#[cfg(feature = "bound-instruments")]
struct Entry<H> {
    /// What keeps the key exact (see the [module docs](self)).
    _held: H,
    histogram: BoundHistogram<f64>,
}

/// Histograms bound per attribute set, found by the caller's key `K`; each entry holds
/// an `H` that keeps its key exact. Keep it beside the histogram it binds (in the
/// instruments made from one meter provider), so that a new provider starts without
/// the old provider's handles.
pub struct BoundHistograms<K, H> {
    #[cfg(feature = "bound-instruments")]
    entries: RwLock<FxHashMap<K, Entry<H>>>,
    #[cfg(not(feature = "bound-instruments"))]
    entries: std::marker::PhantomData<fn() -> (K, H)>,
}

impl<K, H> Default for BoundHistograms<K, H> {
    fn default() -> Self {
        Self {
            entries: Default::default(),
        }
    }
}

impl<K: Hash + Eq, H> std::fmt::Debug for BoundHistograms<K, H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoundHistograms")
            .field("len", &self.len())
            .finish()
    }
}

impl<K: Hash + Eq, H> BoundHistograms<K, H> {
    /// Records `value` for the set `attributes` makes: through its bound histogram when
    /// `key` names it (`None`: a set the caller cannot key, recorded with its
    /// attributes). The set's first value binds it, and keeps the handle when `hold`
    /// gives what keeps the key exact (`None`: it cannot, as for a string whose clone
    /// is a new copy at a new address, so the set is recorded with its attributes).
    /// `attributes` is called only when the set is not bound already: a bound value
    /// makes none. Call with the span's context attached: the exemplar filter reads
    /// the current span.
    #[inline]
    pub fn record<A: AsRef<[KeyValue]>>(
        &self,
        histogram: &Histogram<f64>,
        value: f64,
        attributes: impl FnOnce() -> A,
        key: Option<K>,
        hold: impl FnOnce() -> Option<H>,
    ) {
        #[cfg(feature = "bound-instruments")]
        {
            // An SDK built without bound instruments would drop what a bound handle records.
            let Some(key) = key.filter(|_| crate::request_path::bound_instruments::sdk_binds()) else {
                return histogram.record(value, attributes().as_ref());
            };
            match self.entries.try_read() {
                Ok(entries) => {
                    if let Some(entry) = entries.get(&key) {
                        return entry.histogram.record(value);
                    }
                    if entries.len() >= MAX_BOUND {
                        return histogram.record(value, attributes().as_ref());
                    }
                }
                // Another thread is inserting (or a panic poisoned the lock): not worth
                // waiting for.
                Err(_) => return histogram.record(value, attributes().as_ref()),
            }
            self.bind(histogram, value, attributes().as_ref(), key, hold);
        }
        #[cfg(not(feature = "bound-instruments"))]
        {
            let _ = (key, hold);
            histogram.record(value, attributes().as_ref());
        }
    }

    /// The set's first value on these instruments: binds it, records through the new
    /// handle, and keeps the handle when `hold` can keep its key exact.
    #[cfg(feature = "bound-instruments")]
    #[cold]
    fn bind(
        &self,
        histogram: &Histogram<f64>,
        value: f64,
        attributes: &[KeyValue],
        key: K,
        hold: impl FnOnce() -> Option<H>,
    ) {
        let Some(held) = hold() else {
            return histogram.record(value, attributes);
        };
        let bound = histogram.bind(attributes);
        bound.record(value);
        if let Ok(mut entries) = self.entries.try_write()
            && entries.len() < MAX_BOUND
        {
            entries.entry(key).or_insert(Entry {
                _held: held,
                histogram: bound,
            });
        }
    }

    /// How many attribute sets are bound (0 without the `bound-instruments` feature).
    pub fn len(&self) -> usize {
        #[cfg(feature = "bound-instruments")]
        return self.entries.read().map_or(0, |entries| entries.len());
        #[cfg(not(feature = "bound-instruments"))]
        0
    }

    /// Whether no attribute set is bound.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
