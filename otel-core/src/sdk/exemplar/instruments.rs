//! The wrapped synchronous instruments: the SDK's instrument records as before, then
//! the measurement is offered to the instrument's reservoir when the filter admits it.

use std::sync::Arc;
use std::time::SystemTime;

use opentelemetry::KeyValue;
#[cfg(feature = "bound-instruments")]
use opentelemetry::metrics::{
    BoundCounter, BoundGauge, BoundHistogram, BoundSyncInstrument, BoundUpDownCounter,
};
use opentelemetry::metrics::{Counter, Gauge, Histogram, SyncInstrument, UpDownCounter};

#[cfg(feature = "bound-instruments")]
use super::attribute_hash::recording_key;
use super::bound_series::BoundSeries;
use super::filter::{Admission, ExemplarFilter};
use super::reservoir::{ExemplarValue, Reservoir, StoredExemplar};

/// A measurement as an exemplar's value and as the number a histogram's bucket is
/// chosen by.
pub(super) trait Measure: Copy + Send + Sync + 'static {
    fn exemplar_value(self) -> ExemplarValue;
    fn as_f64(self) -> f64;
}

impl Measure for f64 {
    fn exemplar_value(self) -> ExemplarValue {
        ExemplarValue::Double(self)
    }

    fn as_f64(self) -> f64 {
        self
    }
}

impl Measure for u64 {
    fn exemplar_value(self) -> ExemplarValue {
        ExemplarValue::Int(i64::try_from(self).unwrap_or(i64::MAX))
    }

    fn as_f64(self) -> f64 {
        self as f64
    }
}

impl Measure for i64 {
    fn exemplar_value(self) -> ExemplarValue {
        ExemplarValue::Int(self)
    }

    fn as_f64(self) -> f64 {
        self as f64
    }
}

/// The SDK's instrument inside a wrapper: how it records and binds.
pub(super) trait Sdk<T>: Send + Sync + 'static {
    #[cfg(feature = "bound-instruments")]
    type Bound: Send + Sync + 'static;
    fn measure(&self, measurement: T, attributes: &[KeyValue]);
    #[cfg(feature = "bound-instruments")]
    fn bind(&self, attributes: &[KeyValue]) -> Self::Bound;
    #[cfg(feature = "bound-instruments")]
    fn measure_bound(bound: &Self::Bound, measurement: T);
}

macro_rules! sdk_instrument {
    ($instrument:ident, $bound:ident, $method:ident) => {
        impl<T: Measure> Sdk<T> for $instrument<T> {
            #[cfg(feature = "bound-instruments")]
            type Bound = $bound<T>;

            #[inline]
            fn measure(&self, measurement: T, attributes: &[KeyValue]) {
                self.$method(measurement, attributes);
            }

            #[cfg(feature = "bound-instruments")]
            fn bind(&self, attributes: &[KeyValue]) -> $bound<T> {
                $instrument::bind(self, attributes)
            }

            #[cfg(feature = "bound-instruments")]
            #[inline]
            fn measure_bound(bound: &$bound<T>, measurement: T) {
                bound.$method(measurement);
            }
        }
    };
}

sdk_instrument!(Histogram, BoundHistogram, record);
sdk_instrument!(Counter, BoundCounter, add);
sdk_instrument!(UpDownCounter, BoundUpDownCounter, add);
sdk_instrument!(Gauge, BoundGauge, record);

/// What keeps an instrument's exemplars: its reservoir and the filter that admits them.
#[derive(Clone)]
pub(super) struct Keeper {
    pub(super) reservoir: Arc<Reservoir>,
    pub(super) filter: ExemplarFilter,
}

impl Keeper {
    /// A measurement made now, if the filter admits it: its value as a number, and
    /// what makes its exemplar (reading the clock), called only if the reservoir keeps
    /// it.
    #[inline]
    fn admit<T: Measure>(&self, measurement: T) -> Option<(f64, impl FnOnce() -> StoredExemplar)> {
        let Admission::Kept(span) = self.filter.admit() else {
            return None;
        };
        let value = measurement.as_f64();
        // The SDK drops what it cannot aggregate; so do we.
        value.is_finite().then(|| {
            let make = move || StoredExemplar {
                value: measurement.exemplar_value(),
                time: SystemTime::now(),
                span,
            };
            (value, make)
        })
    }
}

/// The SDK's instrument, then the reservoir when the filter admits the measurement.
/// With bound instruments (`B`, the SDK's bound handle), each attribute set is recorded
/// through a handle bound the first time the set is seen ([`BoundSeries`]).
pub(super) struct Recording<I, B> {
    pub(super) inner: I,
    pub(super) keeper: Keeper,
    #[cfg_attr(not(feature = "bound-instruments"), allow(dead_code))]
    pub(super) bound: BoundSeries<B>,
}

impl<I, B> Recording<I, B> {
    pub(super) fn new(inner: I, keeper: Keeper) -> Self {
        Self {
            inner,
            keeper,
            bound: BoundSeries::default(),
        }
    }
}

#[cfg(not(feature = "bound-instruments"))]
impl<T: Measure, I: Sdk<T>> SyncInstrument<T> for Recording<I, ()> {
    fn measure(&self, measurement: T, attributes: &[KeyValue]) {
        self.inner.measure(measurement, attributes);
        if let Some((value, make)) = self.keeper.admit(measurement) {
            self.keeper.reservoir.offer(value, make, attributes);
        }
    }
}

#[cfg(feature = "bound-instruments")]
impl<T: Measure, I: Sdk<T>> SyncInstrument<T> for Recording<I, I::Bound> {
    fn measure(&self, measurement: T, attributes: &[KeyValue]) {
        // An SDK built without bound instruments would drop what a bound handle records.
        let key = crate::request_path::bound_instruments::sdk_binds().then(|| recording_key(attributes));
        let bound = key.is_some_and(|key| {
            self.bound.record(
                key,
                attributes,
                |set| self.inner.bind(set),
                |handle| I::measure_bound(handle, measurement),
            )
        });
        if !bound {
            self.inner.measure(measurement, attributes);
        }
        if let Some((value, make)) = self.keeper.admit(measurement) {
            let key = key.unwrap_or_else(|| recording_key(attributes));
            self.keeper.reservoir.offer_keyed(key, value, make, attributes);
        }
    }

    /// The SDK's bound instrument, and the attribute set's reservoir key made once.
    /// The API's default would be a handle that drops every measurement, so this must
    /// not be left to the default. (Another crate turning the API's feature on without
    /// this crate's `bound-instruments` gets that default: the feature's documentation
    /// says to turn this one on instead.)
    fn bind(&self, attributes: &[KeyValue]) -> Box<dyn BoundSyncInstrument<T> + Send + Sync> {
        Box::new(BoundRecording::<I, T> {
            inner: self.inner.bind(attributes),
            keeper: self.keeper.clone(),
            key: recording_key(attributes),
            attributes: attributes.into(),
        })
    }
}

/// A [`Recording`] bound to one attribute set.
#[cfg(feature = "bound-instruments")]
struct BoundRecording<I: Sdk<T>, T> {
    inner: I::Bound,
    keeper: Keeper,
    key: u64,
    attributes: Box<[KeyValue]>,
}

#[cfg(feature = "bound-instruments")]
impl<T: Measure, I: Sdk<T>> BoundSyncInstrument<T> for BoundRecording<I, T> {
    fn measure(&self, measurement: T) {
        I::measure_bound(&self.inner, measurement);
        if let Some((value, make)) = self.keeper.admit(measurement) {
            self.keeper
                .reservoir
                .offer_keyed(self.key, value, make, &self.attributes);
        }
    }
}
