//! [`ExemplarMeterProvider`]: a meter provider whose histograms keep exemplars beside
//! the SDK's aggregation, since opentelemetry_sdk 0.33 keeps none.

use std::ops::Deref;
use std::sync::Arc;

use opentelemetry::metrics::{
    AsyncInstrumentBuilder, BoundHistogram, BoundSyncInstrument, Counter, Gauge, Histogram, HistogramBuilder,
    InstrumentBuilder, InstrumentProvider, Meter, MeterProvider, ObservableCounter, ObservableGauge,
    ObservableUpDownCounter, SyncInstrument, UpDownCounter,
};
use opentelemetry::{InstrumentationScope, KeyValue};

use super::filter::{Admission, ExemplarFilter};
use super::reservoir::{ExemplarValue, HistogramReservoir, StoredExemplar, recording_key};
use super::reservoirs::Reservoirs;

/// A meter provider (the SDK's, in practice) whose histograms also keep exemplars in
/// [`Reservoirs`] that an exporter writes onto their data points. Every other
/// instrument is the wrapped provider's own. It dereferences to the wrapped provider,
/// so `force_flush` and `shutdown` are the SDK's.
///
/// With [`ExemplarFilter::AlwaysOff`] it hands out the wrapped provider's meters
/// unchanged: no cost at all.
///
/// ```
/// use opentelemetry::metrics::MeterProvider as _;
/// use opentelemetry_sdk::metrics::SdkMeterProvider;
/// use otel_kit_core::sdk::exemplar::{ExemplarFilter, ExemplarMeterProvider};
///
/// let provider = ExemplarMeterProvider::new(SdkMeterProvider::default(), ExemplarFilter::TraceBased);
/// provider.meter("shop").f64_histogram("shop.latency").build().record(0.2, &[]);
/// provider.force_flush()?; // the SDK provider's
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ExemplarMeterProvider<P> {
    inner: P,
    reservoirs: Arc<Reservoirs>,
}

impl<P> ExemplarMeterProvider<P> {
    /// Wraps `inner`, keeping the exemplars `filter` admits.
    pub fn new(inner: P, filter: ExemplarFilter) -> Self {
        Self::with_reservoirs(inner, Arc::new(Reservoirs::new(filter)))
    }

    /// Wraps `inner`, keeping exemplars in `reservoirs` (which an exporter built
    /// before the provider already holds).
    pub fn with_reservoirs(inner: P, reservoirs: Arc<Reservoirs>) -> Self {
        ExemplarMeterProvider { inner, reservoirs }
    }

    /// Where the exemplars are kept.
    pub fn reservoirs(&self) -> &Arc<Reservoirs> {
        &self.reservoirs
    }

    /// The wrapped provider.
    pub fn inner(&self) -> &P {
        &self.inner
    }
}

impl<P> Deref for ExemplarMeterProvider<P> {
    type Target = P;

    fn deref(&self) -> &P {
        &self.inner
    }
}

impl<P: MeterProvider> MeterProvider for ExemplarMeterProvider<P> {
    fn meter_with_scope(&self, scope: InstrumentationScope) -> Meter {
        if self.reservoirs.filter() == ExemplarFilter::AlwaysOff {
            return self.inner.meter_with_scope(scope);
        }
        let scope_name = scope.name().to_owned();
        Meter::new(Arc::new(WrappedMeter {
            inner: self.inner.meter_with_scope(scope),
            scope_name,
            reservoirs: Arc::clone(&self.reservoirs),
        }))
    }
}

/// The instruments of one wrapped meter.
struct WrappedMeter {
    inner: Meter,
    scope_name: String,
    reservoirs: Arc<Reservoirs>,
}

/// The wrapped meter's builder for `$method`, with the given builder's name,
/// description and unit.
macro_rules! wrapped_builder {
    ($self:ident, $method:ident, $b:ident) => {{
        let mut builder = $self.inner.$method($b.name.clone());
        if let Some(description) = $b.description {
            builder = builder.with_description(description);
        }
        if let Some(unit) = $b.unit {
            builder = builder.with_unit(unit);
        }
        builder
    }};
}

/// The wrapped meter's instrument, with the builder's description and unit.
macro_rules! same_instrument {
    ($method:ident, $builder:ident, $instrument:ty) => {
        fn $method(&self, b: $builder<'_, $instrument>) -> $instrument {
            wrapped_builder!(self, $method, b).build()
        }
    };
}

/// The wrapped meter's observable instrument, with the builder's callbacks.
macro_rules! same_observable {
    ($method:ident, $instrument:ty, $measure:ty) => {
        fn $method(&self, b: AsyncInstrumentBuilder<'_, $instrument, $measure>) -> $instrument {
            let mut builder = wrapped_builder!(self, $method, b);
            for callback in b.callbacks {
                builder = builder.with_callback(callback);
            }
            builder.build()
        }
    };
}

/// A histogram of the wrapped meter that keeps exemplars too.
macro_rules! exemplar_histogram {
    ($method:ident, $measure:ty) => {
        fn $method(&self, b: HistogramBuilder<'_, Histogram<$measure>>) -> Histogram<$measure> {
            let mut builder = wrapped_builder!(self, $method, b);
            if let Some(boundaries) = b.boundaries.clone() {
                builder = builder.with_boundaries(boundaries);
            }
            let inner = builder.build();
            match self
                .reservoirs
                .histogram(&self.scope_name, &b.name, b.boundaries.as_deref())
            {
                Some(reservoir) => Histogram::new(Arc::new(Recording {
                    inner,
                    keeper: Keeper {
                        reservoir,
                        filter: self.reservoirs.filter(),
                    },
                })),
                None => inner,
            }
        }
    };
}

impl InstrumentProvider for WrappedMeter {
    same_instrument!(u64_counter, InstrumentBuilder, Counter<u64>);
    same_instrument!(f64_counter, InstrumentBuilder, Counter<f64>);
    same_instrument!(i64_up_down_counter, InstrumentBuilder, UpDownCounter<i64>);
    same_instrument!(f64_up_down_counter, InstrumentBuilder, UpDownCounter<f64>);
    same_instrument!(u64_gauge, InstrumentBuilder, Gauge<u64>);
    same_instrument!(f64_gauge, InstrumentBuilder, Gauge<f64>);
    same_instrument!(i64_gauge, InstrumentBuilder, Gauge<i64>);
    same_observable!(u64_observable_counter, ObservableCounter<u64>, u64);
    same_observable!(f64_observable_counter, ObservableCounter<f64>, f64);
    same_observable!(i64_observable_up_down_counter, ObservableUpDownCounter<i64>, i64);
    same_observable!(f64_observable_up_down_counter, ObservableUpDownCounter<f64>, f64);
    same_observable!(u64_observable_gauge, ObservableGauge<u64>, u64);
    same_observable!(i64_observable_gauge, ObservableGauge<i64>, i64);
    same_observable!(f64_observable_gauge, ObservableGauge<f64>, f64);
    exemplar_histogram!(f64_histogram, f64);
    exemplar_histogram!(u64_histogram, u64);
}

/// A measurement as an exemplar's value and as the number its bucket is chosen by.
trait Measure: Copy {
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

/// What keeps a histogram's exemplars: its reservoir and the filter that admits them.
#[derive(Clone)]
struct Keeper {
    reservoir: Arc<HistogramReservoir>,
    filter: ExemplarFilter,
}

impl Keeper {
    /// The exemplar of a measurement made now and the value its bucket is chosen by,
    /// if the filter admits it.
    fn exemplar<T: Measure>(&self, measurement: T) -> Option<(f64, StoredExemplar)> {
        let Admission::Kept(span) = self.filter.admit() else {
            return None;
        };
        let bucket_value = measurement.as_f64();
        // The SDK drops what it cannot aggregate; so do we.
        bucket_value.is_finite().then(|| {
            let exemplar = StoredExemplar {
                value: measurement.exemplar_value(),
                time: std::time::SystemTime::now(),
                span,
            };
            (bucket_value, exemplar)
        })
    }
}

/// The SDK's histogram, then the reservoir when the filter admits the measurement.
struct Recording<T> {
    inner: Histogram<T>,
    keeper: Keeper,
}

impl<T: Measure + Send + Sync + 'static> SyncInstrument<T> for Recording<T> {
    fn measure(&self, measurement: T, attributes: &[KeyValue]) {
        self.inner.record(measurement, attributes);
        if let Some((bucket_value, exemplar)) = self.keeper.exemplar(measurement) {
            self.keeper.reservoir.offer(bucket_value, exemplar, attributes);
        }
    }

    /// The SDK's bound histogram, and the attribute set's reservoir key made once. The
    /// API's default would be a handle that drops every measurement, and the SDK's
    /// bound instruments are on (otel-kit-init turns them on), so this must not be
    /// left to the default.
    fn bind(&self, attributes: &[KeyValue]) -> Box<dyn BoundSyncInstrument<T> + Send + Sync> {
        Box::new(BoundRecording {
            inner: self.inner.bind(attributes),
            keeper: self.keeper.clone(),
            key: recording_key(attributes),
            attributes: attributes.into(),
        })
    }
}

/// A [`Recording`] bound to one attribute set.
struct BoundRecording<T> {
    inner: BoundHistogram<T>,
    keeper: Keeper,
    key: u64,
    attributes: Box<[KeyValue]>,
}

impl<T: Measure + Send + Sync> BoundSyncInstrument<T> for BoundRecording<T> {
    fn measure(&self, measurement: T) {
        self.inner.record(measurement);
        if let Some((bucket_value, exemplar)) = self.keeper.exemplar(measurement) {
            self.keeper
                .reservoir
                .offer_keyed(self.key, bucket_value, exemplar, &self.attributes);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use opentelemetry::trace::{SpanId, TraceContextExt as _, Tracer as _, TracerProvider as _};
    use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
    use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};

    use super::*;

    /// Records 0.3 s on `shop.latency` in a span of a tracer sampling `sampled`, and
    /// once outside any span; returns the span's id and the exemplars' span ids.
    fn record(filter: ExemplarFilter, sampled: bool) -> (SpanId, Vec<Option<SpanId>>, usize) {
        let exporter = InMemoryMetricExporter::default();
        let sdk = SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(exporter.clone()).build())
            .build();
        let provider = ExemplarMeterProvider::new(sdk, filter);
        let latency = provider.meter("shop").f64_histogram("shop.latency").build();
        let sampler = if sampled {
            Sampler::AlwaysOn
        } else {
            Sampler::AlwaysOff
        };
        let tracer = SdkTracerProvider::builder()
            .with_sampler(sampler)
            .build()
            .tracer("shop");
        let attrs = [KeyValue::new("shop.step", "pay")];
        let span_id = tracer.in_span("pay", |cx| {
            latency.record(0.3, &attrs);
            cx.span().span_context().span_id()
        });
        latency.record(0.3, &attrs);
        let mut found = Vec::new();
        let step = &attrs[0];
        provider
            .reservoirs()
            .for_point("shop", "shop.latency", &[step], SystemTime::now(), &mut |e| {
                found.push(e.span.map(|s| s.span_id))
            });
        provider.force_flush().unwrap();
        let points = exporter.get_finished_metrics().unwrap().len();
        (span_id, found, points)
    }

    #[test]
    fn trace_based_keeps_measurements_of_sampled_spans_only() {
        let (span, found, points) = record(ExemplarFilter::TraceBased, true);
        assert_eq!(found, [Some(span)]);
        assert_eq!(points, 1, "the SDK still aggregates");
        let (_, found, _) = record(ExemplarFilter::TraceBased, false);
        assert!(found.is_empty());
    }

    #[test]
    fn always_on_keeps_the_latest_even_outside_a_span() {
        // Both measurements fall in one bucket: the later one, outside the span, wins.
        let (_, found, _) = record(ExemplarFilter::AlwaysOn, false);
        assert_eq!(found, [None]);
    }

    #[test]
    fn always_off_keeps_nothing_and_hands_out_the_sdk_meter() {
        let (_, found, points) = record(ExemplarFilter::AlwaysOff, true);
        assert!(found.is_empty());
        assert_eq!(points, 1);
    }

    #[test]
    fn a_bound_histogram_records_into_the_sdk_and_keeps_exemplars() {
        let exporter = InMemoryMetricExporter::default();
        let sdk = SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(exporter.clone()).build())
            .build();
        let provider = ExemplarMeterProvider::new(sdk, ExemplarFilter::TraceBased);
        let latency = provider.meter("shop").f64_histogram("shop.latency").build();
        let attrs = [KeyValue::new("shop.step", "pay"), KeyValue::new("shop.tier", 2)];
        let bound = latency.bind(&attrs);
        let tracer = SdkTracerProvider::builder().build().tracer("shop");
        let span_id = tracer.in_span("pay", |cx| {
            bound.record(0.3);
            cx.span().span_context().span_id()
        });
        bound.record(0.4);
        latency.record(0.5, &attrs);
        provider.force_flush().unwrap();
        let metrics = exporter.get_finished_metrics().unwrap();
        let count = metrics[0]
            .scope_metrics()
            .flat_map(|s| s.metrics())
            .find_map(|m| match m.data() {
                opentelemetry_sdk::metrics::data::AggregatedMetrics::F64(
                    opentelemetry_sdk::metrics::data::MetricData::Histogram(h),
                ) => h.data_points().next().map(|p| p.count()),
                _ => None,
            });
        assert_eq!(count, Some(3), "the bound handle records into the SDK");
        // The point's attributes, in the SDK's order (by key): the bound set is found.
        let (step, tier) = (&attrs[0], &attrs[1]);
        let mut found = Vec::new();
        provider.reservoirs().for_point(
            "shop",
            "shop.latency",
            &[step, tier],
            SystemTime::now(),
            &mut |e| found.push(e.span.map(|s| s.span_id)),
        );
        assert_eq!(found, [Some(span_id)]);
    }

    #[test]
    fn other_instruments_are_the_wrapped_providers() {
        let exporter = InMemoryMetricExporter::default();
        let sdk = SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(exporter.clone()).build())
            .build();
        let provider = ExemplarMeterProvider::new(sdk, ExemplarFilter::AlwaysOn);
        let meter = provider.meter("shop");
        meter
            .u64_counter("shop.orders")
            .with_unit("{order}")
            .build()
            .add(2, &[]);
        meter
            .i64_observable_gauge("shop.stock")
            .with_callback(|g| g.observe(7, &[]))
            .build();
        meter
            .u64_histogram("shop.items")
            .with_boundaries(vec![1.0, 5.0])
            .build()
            .record(3, &[]);
        provider.force_flush().unwrap();
        let names: Vec<String> = exporter.get_finished_metrics().unwrap()[0]
            .scope_metrics()
            .flat_map(|s| s.metrics().map(|m| format!("{} {}", m.name(), m.unit())))
            .collect();
        assert_eq!(names, ["shop.orders {order}", "shop.stock ", "shop.items "]);
        let mut values = Vec::new();
        provider
            .reservoirs()
            .for_point("shop", "shop.items", &[], SystemTime::now(), &mut |e| {
                values.push(e.value)
            });
        assert_eq!(values, [ExemplarValue::Int(3)]);
    }
}
