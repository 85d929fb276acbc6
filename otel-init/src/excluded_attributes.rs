//! Attribute keys a view excludes (a configuration file's
//! `meter_provider.views[].stream.attribute_keys.excluded`), dropped from each measurement
//! before aggregation. The SDK's views only keep an allow-list of keys, so the kit's
//! meter provider wraps the instruments such a view selects and filters their
//! attributes itself; every other instrument is the wrapped provider's own, at no cost.

// Only a configuration file makes exclusions (`config-file`); without it the provider
// is never wrapped.
#![cfg_attr(not(feature = "config-file"), allow(dead_code))]

use std::sync::Arc;

use opentelemetry::metrics::{
    AsyncInstrument, AsyncInstrumentBuilder, Counter, Gauge, Histogram, HistogramBuilder, InstrumentBuilder,
    InstrumentProvider, Meter, ObservableCounter, ObservableGauge, ObservableUpDownCounter, SyncInstrument,
    UpDownCounter,
};
use opentelemetry::{InstrumentationScope, Key, KeyValue};
use opentelemetry_sdk::metrics::InstrumentKind;

/// What a view's selector sees of an instrument when it is made.
pub(crate) struct Selected<'a> {
    pub(crate) scope: &'a InstrumentationScope,
    pub(crate) name: &'a str,
    pub(crate) kind: InstrumentKind,
    pub(crate) unit: &'a str,
}

/// One view's excluded keys and the instruments it selects.
pub(crate) struct Exclusion {
    pub(crate) selects: Box<dyn Fn(&Selected<'_>) -> bool + Send + Sync>,
    pub(crate) keys: Vec<Key>,
}

/// Every view's exclusions.
#[derive(Default)]
pub(crate) struct Exclusions(Vec<Exclusion>);

impl std::fmt::Debug for Exclusions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.iter().map(|e| &e.keys)).finish()
    }
}

impl Exclusions {
    pub(crate) fn push(&mut self, exclusion: Exclusion) {
        self.0.push(exclusion);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The keys every view that selects this instrument excludes; `None` when none does.
    fn keys_for(&self, selected: &Selected<'_>) -> Option<Arc<[Key]>> {
        let keys: Vec<Key> = self
            .0
            .iter()
            .filter(|e| (e.selects)(selected))
            .flat_map(|e| e.keys.iter().cloned())
            .collect();
        (!keys.is_empty()).then(|| keys.into())
    }

    /// `meter`, its instruments filtered where a view excludes keys.
    pub(crate) fn wrap(self: &Arc<Self>, meter: Meter, scope: InstrumentationScope) -> Meter {
        Meter::new(Arc::new(ExcludingMeter {
            inner: meter,
            scope,
            exclusions: Arc::clone(self),
        }))
    }
}

/// `attributes` without `excluded` keys: borrowed unless one is there.
fn kept<'a>(attributes: &'a [KeyValue], excluded: &[Key]) -> std::borrow::Cow<'a, [KeyValue]> {
    if attributes.iter().any(|kv| excluded.contains(&kv.key)) {
        attributes
            .iter()
            .filter(|kv| !excluded.contains(&kv.key))
            .cloned()
            .collect()
    } else {
        std::borrow::Cow::Borrowed(attributes)
    }
}

type Record<T> = Box<dyn Fn(T, &[KeyValue]) + Send + Sync>;

#[cfg(feature = "bound-instruments")]
type BoundHandle<T> = Box<dyn opentelemetry::metrics::BoundSyncInstrument<T> + Send + Sync>;

/// Binds the wrapped instrument to an attribute set.
#[cfg(feature = "bound-instruments")]
type Bind<T> = Box<dyn Fn(&[KeyValue]) -> BoundHandle<T> + Send + Sync>;

/// A synchronous instrument that drops the excluded keys, then records.
struct Excluding<T> {
    record: Record<T>,
    excluded: Arc<[Key]>,
    #[cfg(feature = "bound-instruments")]
    bind: Bind<T>,
}

impl<T> SyncInstrument<T> for Excluding<T> {
    fn measure(&self, measurement: T, attributes: &[KeyValue]) {
        (self.record)(measurement, &kept(attributes, &self.excluded));
    }

    /// The wrapped instrument's handle for the kept attributes (the API's default would
    /// be a handle that records nothing).
    #[cfg(feature = "bound-instruments")]
    fn bind(&self, attributes: &[KeyValue]) -> BoundHandle<T> {
        (self.bind)(&kept(attributes, &self.excluded))
    }
}

/// What an observable instrument's callback observes through, dropping excluded keys.
struct ExcludingObserver<'a, T> {
    inner: &'a dyn AsyncInstrument<T>,
    excluded: &'a [Key],
}

impl<T> AsyncInstrument<T> for ExcludingObserver<'_, T> {
    fn observe(&self, measurement: T, attributes: &[KeyValue]) {
        self.inner.observe(measurement, &kept(attributes, self.excluded));
    }
}

struct ExcludingMeter {
    inner: Meter,
    scope: InstrumentationScope,
    exclusions: Arc<Exclusions>,
}

impl ExcludingMeter {
    fn excluded(&self, name: &str, kind: InstrumentKind, unit: Option<&str>) -> Option<Arc<[Key]>> {
        self.exclusions.keys_for(&Selected {
            scope: &self.scope,
            name,
            kind,
            unit: unit.unwrap_or_default(),
        })
    }
}

/// The wrapped meter's builder for `$method`, with `$b`'s name, description and unit.
macro_rules! inner_builder {
    ($self:ident, $method:ident, $b:ident) => {{
        let mut builder = $self.inner.$method($b.name.clone());
        if let Some(description) = $b.description.clone() {
            builder = builder.with_description(description);
        }
        if let Some(unit) = $b.unit.clone() {
            builder = builder.with_unit(unit);
        }
        builder
    }};
}

/// The wrapped meter's instrument, filtered when a view excludes keys of it.
macro_rules! sync_instrument {
    ($method:ident, $instrument:ident<$t:ty>, $kind:ident, $record:ident, $builder:ident) => {
        fn $method(&self, b: $builder<'_, $instrument<$t>>) -> $instrument<$t> {
            #[allow(unused_mut)]
            let mut builder = inner_builder!(self, $method, b);
            sync_instrument!(@boundaries builder, b, $builder);
            let inner = builder.build();
            let Some(excluded) = self.excluded(&b.name, InstrumentKind::$kind, b.unit.as_deref()) else {
                return inner;
            };
            #[cfg(feature = "bound-instruments")]
            let bound = inner.clone();
            $instrument::new(Arc::new(Excluding {
                record: Box::new(move |value, attributes| inner.$record(value, attributes)),
                excluded,
                #[cfg(feature = "bound-instruments")]
                bind: Box::new(move |attributes| {
                    let handle = bound.bind(attributes);
                    Box::new(BoundVia(Box::new(move |value| handle.$record(value))))
                }),
            }))
        }
    };
    (@boundaries $builder:ident, $b:ident, HistogramBuilder) => {
        if let Some(boundaries) = $b.boundaries.clone() {
            $builder = $builder.with_boundaries(boundaries);
        }
    };
    (@boundaries $builder:ident, $b:ident, InstrumentBuilder) => {};
}

/// The wrapped meter's observable instrument, its callbacks observing through the filter
/// when a view excludes keys of it.
macro_rules! observable_instrument {
    ($method:ident, $instrument:ident<$t:ty>, $kind:ident) => {
        fn $method(&self, b: AsyncInstrumentBuilder<'_, $instrument<$t>, $t>) -> $instrument<$t> {
            let mut builder = inner_builder!(self, $method, b);
            let excluded = self.excluded(&b.name, InstrumentKind::$kind, b.unit.as_deref());
            for callback in b.callbacks {
                match excluded.clone() {
                    Some(excluded) => {
                        builder = builder.with_callback(move |observer| {
                            callback(&ExcludingObserver {
                                inner: observer,
                                excluded: &excluded,
                            })
                        });
                    }
                    None => builder = builder.with_callback(callback),
                }
            }
            builder.build()
        }
    };
}

/// A bound handle recording through the wrapped instrument's own.
#[cfg(feature = "bound-instruments")]
struct BoundVia<T>(Box<dyn Fn(T) + Send + Sync>);

#[cfg(feature = "bound-instruments")]
impl<T> opentelemetry::metrics::BoundSyncInstrument<T> for BoundVia<T> {
    fn measure(&self, measurement: T) {
        (self.0)(measurement);
    }
}

impl InstrumentProvider for ExcludingMeter {
    sync_instrument!(u64_counter, Counter<u64>, Counter, add, InstrumentBuilder);
    sync_instrument!(f64_counter, Counter<f64>, Counter, add, InstrumentBuilder);
    sync_instrument!(
        i64_up_down_counter,
        UpDownCounter<i64>,
        UpDownCounter,
        add,
        InstrumentBuilder
    );
    sync_instrument!(
        f64_up_down_counter,
        UpDownCounter<f64>,
        UpDownCounter,
        add,
        InstrumentBuilder
    );
    sync_instrument!(u64_gauge, Gauge<u64>, Gauge, record, InstrumentBuilder);
    sync_instrument!(f64_gauge, Gauge<f64>, Gauge, record, InstrumentBuilder);
    sync_instrument!(i64_gauge, Gauge<i64>, Gauge, record, InstrumentBuilder);
    sync_instrument!(f64_histogram, Histogram<f64>, Histogram, record, HistogramBuilder);
    sync_instrument!(u64_histogram, Histogram<u64>, Histogram, record, HistogramBuilder);
    observable_instrument!(u64_observable_counter, ObservableCounter<u64>, ObservableCounter);
    observable_instrument!(f64_observable_counter, ObservableCounter<f64>, ObservableCounter);
    observable_instrument!(
        i64_observable_up_down_counter,
        ObservableUpDownCounter<i64>,
        ObservableUpDownCounter
    );
    observable_instrument!(
        f64_observable_up_down_counter,
        ObservableUpDownCounter<f64>,
        ObservableUpDownCounter
    );
    observable_instrument!(u64_observable_gauge, ObservableGauge<u64>, ObservableGauge);
    observable_instrument!(i64_observable_gauge, ObservableGauge<i64>, ObservableGauge);
    observable_instrument!(f64_observable_gauge, ObservableGauge<f64>, ObservableGauge);
}
