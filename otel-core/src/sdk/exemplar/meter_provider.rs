//! [`ExemplarMeterProvider`]: a meter provider whose synchronous instruments keep
//! exemplars beside the SDK's aggregation, since opentelemetry_sdk 0.33 keeps none.

use std::sync::Arc;

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::{
    AsyncInstrumentBuilder, Counter, Gauge, Histogram, HistogramBuilder, InstrumentBuilder,
    InstrumentProvider, Meter, MeterProvider, ObservableCounter, ObservableGauge, ObservableUpDownCounter,
    UpDownCounter,
};

use super::filter::ExemplarFilter;
use super::instruments::{Keeper, Recording};
use super::reservoirs::Reservoirs;

/// A meter provider (the SDK's, in practice) whose synchronous instruments (histograms,
/// counters, up-down counters, gauges) also keep exemplars in [`Reservoirs`] that an
/// exporter writes onto their data points: a histogram's one per bucket, a sum's or a
/// gauge's one per point, as the metrics SDK specification's default reservoirs do.
/// Observable instruments are the wrapped provider's own: their callbacks run at
/// collection, in no span of the measured work.
///
/// It does not dereference to the wrapped provider: with `Deref`, passing it where the
/// SDK's provider is expected would compile and hand out meters that keep no exemplars.
/// The wrapped provider is reached by name, [`inner`](Self::inner), for its
/// `force_flush` and `shutdown`.
///
/// With [`ExemplarFilter::AlwaysOff`] it hands out the wrapped provider's meters
/// unchanged: no cost at all.
///
/// ```
/// use opentelemetry::metrics::MeterProvider as _;
/// use opentelemetry_sdk::metrics::SdkMeterProvider;
/// use otel_kit_core::__private::exemplar::{ExemplarFilter, ExemplarMeterProvider};
///
/// let provider = ExemplarMeterProvider::new(SdkMeterProvider::default(), ExemplarFilter::TraceBased);
/// provider.meter("shop").f64_histogram("shop.latency").build().record(0.2, &[]);
/// provider.inner().force_flush()?; // the SDK provider's
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

    /// The wrapped provider, for what only it has (the SDK's `force_flush` and
    /// `shutdown`). Meters taken from it directly keep no exemplars: take them from
    /// `self`.
    pub fn inner(&self) -> &P {
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

/// A counter, up-down counter or gauge of the wrapped meter that keeps exemplars too.
macro_rules! exemplar_instrument {
    ($method:ident, $instrument:ty) => {
        fn $method(&self, b: InstrumentBuilder<'_, $instrument>) -> $instrument {
            let inner = wrapped_builder!(self, $method, b).build();
            <$instrument>::new(Arc::new(Recording::new(
                inner,
                Keeper {
                    reservoir: self.reservoirs.uniform(&self.scope_name, &b.name),
                    filter: self.reservoirs.filter(),
                },
            )))
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
                Some(reservoir) => Histogram::new(Arc::new(Recording::new(
                    inner,
                    Keeper {
                        reservoir,
                        filter: self.reservoirs.filter(),
                    },
                ))),
                None => inner,
            }
        }
    };
}

impl InstrumentProvider for WrappedMeter {
    exemplar_instrument!(u64_counter, Counter<u64>);
    exemplar_instrument!(f64_counter, Counter<f64>);
    exemplar_instrument!(i64_up_down_counter, UpDownCounter<i64>);
    exemplar_instrument!(f64_up_down_counter, UpDownCounter<f64>);
    exemplar_instrument!(u64_gauge, Gauge<u64>);
    exemplar_instrument!(f64_gauge, Gauge<f64>);
    exemplar_instrument!(i64_gauge, Gauge<i64>);
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

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use opentelemetry::KeyValue;
    use opentelemetry::trace::{SpanId, TraceContextExt as _, Tracer as _, TracerProvider as _};
    use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
    use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};

    use super::*;
    use crate::sdk::exemplar::ExemplarValue;

    /// A provider with `filter` whose SDK provider exports to `exporter` when flushed.
    fn exporting_to(
        exporter: &InMemoryMetricExporter,
        filter: ExemplarFilter,
    ) -> ExemplarMeterProvider<SdkMeterProvider> {
        let sdk = SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(exporter.clone()).build())
            .build();
        ExemplarMeterProvider::new(sdk, filter)
    }

    /// Records 0.3 s on `shop.latency` in a span of a tracer sampling `sampled`, and
    /// once outside any span; returns the span's id and the exemplars' span ids.
    fn record(filter: ExemplarFilter, sampled: bool) -> (SpanId, Vec<Option<SpanId>>, usize) {
        let exporter = InMemoryMetricExporter::default();
        let provider = exporting_to(&exporter, filter);
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
        provider.inner().force_flush().unwrap();
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

    #[cfg(feature = "bound-instruments")]
    #[test]
    fn a_bound_histogram_records_into_the_sdk_and_keeps_exemplars() {
        let exporter = InMemoryMetricExporter::default();
        let provider = exporting_to(&exporter, ExemplarFilter::TraceBased);
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
        provider.inner().force_flush().unwrap();
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

    /// Histogram points (attributes sorted by key, count, sum) of the last export.
    #[cfg(feature = "bound-instruments")]
    fn histogram_points(exporter: &InMemoryMetricExporter) -> Vec<(Vec<KeyValue>, u64, f64)> {
        use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
        let metrics = exporter.get_finished_metrics().unwrap();
        let mut points: Vec<_> = metrics
            .last()
            .into_iter()
            .flat_map(|r| r.scope_metrics())
            .flat_map(|s| s.metrics())
            .flat_map(|m| match m.data() {
                AggregatedMetrics::F64(MetricData::Histogram(h)) => h
                    .data_points()
                    .map(|p| {
                        let mut attributes: Vec<_> = p.attributes().cloned().collect();
                        attributes.sort_by(|a, b| a.key.cmp(&b.key));
                        (attributes, p.count(), p.sum())
                    })
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            })
            .collect();
        points.sort_by(|a, b| format!("{:?}", a.0).cmp(&format!("{:?}", b.0)));
        points
    }

    #[cfg(feature = "bound-instruments")]
    #[test]
    fn measurements_with_attributes_bind_their_sets_and_give_the_same_points() {
        use opentelemetry_sdk::metrics::{InMemoryMetricExporterBuilder, Temporality};

        crate::request_path::bound_instruments::declare_sdk_binds();
        let exporter = InMemoryMetricExporterBuilder::new()
            .with_temporality(Temporality::Delta)
            .build();
        let provider = exporting_to(&exporter, ExemplarFilter::TraceBased);
        let latency = provider.meter("shop").f64_histogram("shop.latency").build();
        let (get, ok) = (KeyValue::new("m", "GET"), KeyValue::new("s", 200));
        let post = KeyValue::new("m", "POST");
        // One set in two orders, another set, and the empty set.
        for _ in 0..3 {
            latency.record(1.0, &[get.clone(), ok.clone()]);
            latency.record(2.0, &[ok.clone(), get.clone()]);
            latency.record(4.0, &[post.clone(), ok.clone()]);
            latency.record(8.0, &[]);
        }
        provider.inner().force_flush().unwrap();
        let first = histogram_points(&exporter);
        assert_eq!(
            first,
            [
                (vec![get.clone(), ok.clone()], 6, 9.0),
                (vec![post.clone(), ok.clone()], 3, 12.0),
                (vec![], 3, 24.0),
            ]
        );
        // Delta: a bound set outlives the collection, and reports only what came after.
        latency.record(1.0, &[get.clone(), ok.clone()]);
        provider.inner().force_flush().unwrap();
        assert_eq!(histogram_points(&exporter), [(vec![get, ok], 1, 1.0)]);
    }

    /// The span ids and values of the exemplars kept for `metric`'s point `attributes`.
    fn kept(
        provider: &ExemplarMeterProvider<SdkMeterProvider>,
        metric: &str,
        attributes: &[KeyValue],
    ) -> Vec<(Option<SpanId>, ExemplarValue)> {
        let point: Vec<&KeyValue> = attributes.iter().collect();
        let mut found = Vec::new();
        provider
            .reservoirs()
            .for_point("shop", metric, &point, SystemTime::now(), &mut |e| {
                found.push((e.span.map(|s| s.span_id), e.value))
            });
        found
    }

    #[test]
    fn counters_up_down_counters_and_gauges_keep_one_exemplar_of_their_span() {
        let exemplars = InMemoryMetricExporter::default();
        let provider = exporting_to(&exemplars, ExemplarFilter::TraceBased);
        let meter = provider.meter("shop");
        let orders = meter.u64_counter("shop.orders").build();
        let revenue = meter.f64_counter("shop.revenue").build();
        let open = meter.i64_up_down_counter("shop.open").build();
        let fill = meter.f64_gauge("shop.fill").build();
        let attrs = [KeyValue::new("shop.step", "pay")];
        #[cfg(feature = "bound-instruments")]
        let bound = orders.bind(&attrs);
        let tracer = SdkTracerProvider::builder().build().tracer("shop");
        let span = tracer.in_span("pay", |cx| {
            orders.add(2, &attrs);
            revenue.add(9.5, &attrs);
            open.add(-1, &attrs);
            fill.record(0.25, &attrs);
            cx.span().span_context().span_id()
        });
        // Outside any span: not admitted by the default filter.
        orders.add(5, &attrs);
        #[cfg(feature = "bound-instruments")]
        bound.add(7);
        #[cfg(not(feature = "bound-instruments"))]
        orders.add(7, &attrs);
        assert_eq!(
            kept(&provider, "shop.orders", &attrs),
            [(Some(span), ExemplarValue::Int(2))]
        );
        assert_eq!(
            kept(&provider, "shop.revenue", &attrs),
            [(Some(span), ExemplarValue::Double(9.5))]
        );
        assert_eq!(
            kept(&provider, "shop.open", &attrs),
            [(Some(span), ExemplarValue::Int(-1))]
        );
        assert_eq!(
            kept(&provider, "shop.fill", &attrs),
            [(Some(span), ExemplarValue::Double(0.25))]
        );
        provider.inner().force_flush().unwrap();
        let sum = exemplars.get_finished_metrics().unwrap()[0]
            .scope_metrics()
            .flat_map(|s| s.metrics())
            .find_map(|m| match m.data() {
                opentelemetry_sdk::metrics::data::AggregatedMetrics::U64(
                    opentelemetry_sdk::metrics::data::MetricData::Sum(s),
                ) => s.data_points().next().map(|p| p.value()),
                _ => None,
            });
        assert_eq!(sum, Some(14), "the SDK still aggregates, bound handle included");
    }

    #[cfg(feature = "bound-instruments")]
    #[test]
    fn a_bound_counter_keeps_exemplars_in_a_span() {
        let provider = ExemplarMeterProvider::new(SdkMeterProvider::default(), ExemplarFilter::AlwaysOn);
        let attrs = [KeyValue::new("shop.step", "pay"), KeyValue::new("shop.tier", 2)];
        let bound = provider
            .meter("shop")
            .u64_counter("shop.orders")
            .build()
            .bind(&attrs);
        let tracer = SdkTracerProvider::builder().build().tracer("shop");
        let span = tracer.in_span("pay", |cx| {
            bound.add(3);
            cx.span().span_context().span_id()
        });
        assert_eq!(
            kept(&provider, "shop.orders", &attrs),
            [(Some(span), ExemplarValue::Int(3))]
        );
    }

    #[test]
    fn other_instruments_are_the_wrapped_providers() {
        let exporter = InMemoryMetricExporter::default();
        let provider = exporting_to(&exporter, ExemplarFilter::AlwaysOn);
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
        provider.inner().force_flush().unwrap();
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
