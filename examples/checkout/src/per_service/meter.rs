//! The global meter provider: a measurement goes to the instrument of the current
//! thread's service; an observable instrument belongs to the service that created it.

use std::sync::Arc;

use opentelemetry::metrics::{
    AsyncInstrumentBuilder, Counter, Gauge, Histogram, HistogramBuilder, InstrumentBuilder,
    InstrumentProvider, Meter, MeterProvider, ObservableCounter, ObservableGauge, ObservableUpDownCounter,
    SyncInstrument, UpDownCounter,
};
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_sdk::metrics::SdkMeterProvider;

/// One SDK meter provider per service.
#[derive(Clone, Debug)]
pub(super) struct RoutingMeterProvider {
    services: Arc<[SdkMeterProvider]>,
}

impl RoutingMeterProvider {
    pub(super) fn new(services: Arc<[SdkMeterProvider]>) -> Self {
        RoutingMeterProvider { services }
    }
}

impl MeterProvider for RoutingMeterProvider {
    fn meter_with_scope(&self, scope: InstrumentationScope) -> Meter {
        let meters = self
            .services
            .iter()
            .map(|p| p.meter_with_scope(scope.clone()))
            .collect();
        Meter::new(Arc::new(RoutingInstruments { meters }))
    }
}

/// A meter per service for one instrumentation scope.
struct RoutingInstruments {
    meters: Vec<Meter>,
}

/// A synchronous instrument per service; a measurement on a thread of no service is
/// not recorded.
struct Routed<I>(Vec<I>);

/// How each instrument kind takes a measurement.
trait Measure<T> {
    fn take(&self, value: T, attributes: &[KeyValue]);
}

impl<T> Measure<T> for Counter<T> {
    fn take(&self, value: T, attributes: &[KeyValue]) {
        self.add(value, attributes);
    }
}

impl<T> Measure<T> for UpDownCounter<T> {
    fn take(&self, value: T, attributes: &[KeyValue]) {
        self.add(value, attributes);
    }
}

impl<T> Measure<T> for Histogram<T> {
    fn take(&self, value: T, attributes: &[KeyValue]) {
        self.record(value, attributes);
    }
}

impl<T> Measure<T> for Gauge<T> {
    fn take(&self, value: T, attributes: &[KeyValue]) {
        self.record(value, attributes);
    }
}

impl<T, I: Measure<T> + Send + Sync> SyncInstrument<T> for Routed<I> {
    fn measure(&self, value: T, attributes: &[KeyValue]) {
        if let Some(instrument) = super::current().and_then(|i| self.0.get(i)) {
            instrument.take(value, attributes);
        }
    }
}

/// A synchronous instrument created in every service's meter, with the same name,
/// description and unit (and bucket boundaries, for histograms).
macro_rules! routed {
    ($method:ident, $instrument:ident<$t:ty>, $builder:ident $(, $boundaries:ident)?) => {
        fn $method(&self, builder: $builder<'_, $instrument<$t>>) -> $instrument<$t> {
            let per_service = self
                .meters
                .iter()
                .map(|meter| {
                    let mut b = meter.$method(builder.name.clone());
                    if let Some(description) = &builder.description {
                        b = b.with_description(description.clone());
                    }
                    if let Some(unit) = &builder.unit {
                        b = b.with_unit(unit.clone());
                    }
                    $(if let Some($boundaries) = &builder.$boundaries {
                        b = b.with_boundaries($boundaries.clone());
                    })?
                    b.build()
                })
                .collect();
            $instrument::new(Arc::new(Routed(per_service)))
        }
    };
}

/// An observable instrument registered, callbacks and all, in the meter of the service
/// whose thread creates it (a pool's gauges belong to the service that owns the pool).
macro_rules! owned {
    ($method:ident, $instrument:ident<$t:ty>) => {
        fn $method(&self, builder: AsyncInstrumentBuilder<'_, $instrument<$t>, $t>) -> $instrument<$t> {
            let Some(meter) = super::current().and_then(|i| self.meters.get(i)) else {
                return $instrument::new();
            };
            let mut b = meter.$method(builder.name);
            if let Some(description) = builder.description {
                b = b.with_description(description);
            }
            if let Some(unit) = builder.unit {
                b = b.with_unit(unit);
            }
            for callback in builder.callbacks {
                b = b.with_callback(callback);
            }
            b.build()
        }
    };
}

impl InstrumentProvider for RoutingInstruments {
    routed!(u64_counter, Counter<u64>, InstrumentBuilder);
    routed!(f64_counter, Counter<f64>, InstrumentBuilder);
    routed!(i64_up_down_counter, UpDownCounter<i64>, InstrumentBuilder);
    routed!(f64_up_down_counter, UpDownCounter<f64>, InstrumentBuilder);
    routed!(u64_gauge, Gauge<u64>, InstrumentBuilder);
    routed!(f64_gauge, Gauge<f64>, InstrumentBuilder);
    routed!(i64_gauge, Gauge<i64>, InstrumentBuilder);
    routed!(f64_histogram, Histogram<f64>, HistogramBuilder, boundaries);
    routed!(u64_histogram, Histogram<u64>, HistogramBuilder, boundaries);
    owned!(u64_observable_counter, ObservableCounter<u64>);
    owned!(f64_observable_counter, ObservableCounter<f64>);
    owned!(i64_observable_up_down_counter, ObservableUpDownCounter<i64>);
    owned!(f64_observable_up_down_counter, ObservableUpDownCounter<f64>);
    owned!(u64_observable_gauge, ObservableGauge<u64>);
    owned!(i64_observable_gauge, ObservableGauge<i64>);
    owned!(f64_observable_gauge, ObservableGauge<f64>);
}
