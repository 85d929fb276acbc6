//! Every instrument's reservoir, by instrumentation scope and metric name: where the
//! wrapped instruments keep exemplars and an exporter finds them for each data point.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use opentelemetry::KeyValue;
use rustc_hash::FxHashMap;

use super::filter::ExemplarFilter;
use super::reservoir::{Reservoir, StoredExemplar};

type ByMetric = FxHashMap<String, Arc<Reservoir>>;

/// The exemplars of every synchronous instrument (histogram, counter, up-down counter,
/// gauge) made through one [`ExemplarMeterProvider`](super::ExemplarMeterProvider),
/// and the filter that admits them. An exporter reads them per data point with
/// [`for_point`](Self::for_point), calls [`collected`](Self::collected) after each
/// collection and, after a delta collection, [`forget_until`](Self::forget_until).
///
/// ```
/// use std::time::SystemTime;
///
/// use opentelemetry::metrics::MeterProvider as _;
/// use opentelemetry::trace::{TraceContextExt as _, Tracer as _, TracerProvider as _};
/// use opentelemetry::{KeyValue, metrics::noop::NoopMeterProvider};
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_core::__private::exemplar::{ExemplarFilter, ExemplarMeterProvider};
///
/// let provider = ExemplarMeterProvider::new(NoopMeterProvider::new(), ExemplarFilter::TraceBased);
/// let latency = provider.meter("shop").f64_histogram("shop.latency").build();
/// let tracer = SdkTracerProvider::builder().build().tracer("shop");
/// let span_id = tracer.in_span("pay", |cx| {
///     latency.record(0.2, &[KeyValue::new("shop.step", "pay")]);
///     cx.span().span_context().span_id()
/// });
///
/// let step = KeyValue::new("shop.step", "pay");
/// let mut found = Vec::new();
/// provider.reservoirs().for_point("shop", "shop.latency", &[&step], SystemTime::now(), &mut |e| {
///     found.push(e.span.map(|s| s.span_id))
/// });
/// assert_eq!(found, [Some(span_id)]);
/// ```
#[derive(Debug)]
pub struct Reservoirs {
    filter: ExemplarFilter,
    by_scope: Mutex<FxHashMap<String, ByMetric>>,
}

impl Reservoirs {
    /// No exemplars yet, admitted by `filter`.
    pub fn new(filter: ExemplarFilter) -> Self {
        Reservoirs {
            filter,
            by_scope: Mutex::default(),
        }
    }

    /// The filter that admits measurements.
    pub fn filter(&self) -> ExemplarFilter {
        self.filter
    }

    /// Calls `each` with the exemplars recorded up to `until` (the data point's time)
    /// for the point of the instrument `metric` of scope `scope` whose attributes are
    /// `attributes`: a histogram's lowest bucket first, a sum's or a gauge's one.
    /// Reading changes nothing, so several exporters may read the same point.
    pub fn for_point(
        &self,
        scope: &str,
        metric: &str,
        attributes: &[&KeyValue],
        until: SystemTime,
        each: &mut dyn FnMut(&StoredExemplar),
    ) {
        if let Some(exemplars) = self.metric(scope, metric) {
            exemplars.for_point(attributes, until, each);
        }
    }

    /// The exemplars of the instrument `metric` of scope `scope`, looked up once for
    /// all its points (what [`for_point`](Self::for_point) does per point); `None` when
    /// it has none.
    ///
    /// ```
    /// use std::time::SystemTime;
    ///
    /// use opentelemetry::metrics::{MeterProvider as _, noop::NoopMeterProvider};
    /// use otel_kit_core::__private::exemplar::{ExemplarFilter, ExemplarMeterProvider};
    ///
    /// let provider = ExemplarMeterProvider::new(NoopMeterProvider::new(), ExemplarFilter::AlwaysOn);
    /// provider.meter("shop").u64_counter("shop.orders").build().add(2, &[]);
    /// let orders = provider.reservoirs().metric("shop", "shop.orders").expect("recorded");
    /// let mut values = Vec::new();
    /// orders.for_point(&[], SystemTime::now(), &mut |e| values.push(e.value));
    /// assert_eq!(values.len(), 1);
    /// ```
    pub fn metric(&self, scope: &str, metric: &str) -> Option<MetricExemplars> {
        self.lock()
            .get(scope)
            .and_then(|metrics| metrics.get(metric))
            .map(|reservoir| MetricExemplars(Arc::clone(reservoir)))
    }

    /// Forgets the exemplars recorded up to `until`: a delta collection taken then
    /// holds the measurements they came from, so later points must not repeat them.
    /// (A cumulative point holds every measurement since the start, so its exemplars
    /// stay until newer ones replace them.)
    pub fn forget_until(&self, until: SystemTime) {
        for reservoir in self.all() {
            reservoir.forget_until(until);
        }
    }

    /// A collection was taken: the reservoirs of sums and gauges, which sample
    /// uniformly among the measurements of a collection cycle, start a new cycle (the
    /// specification's `SimpleFixedSizeExemplarReservoir` resets its count at each
    /// collection), so the next measurement replaces the exemplar kept. An exporter
    /// calls it after each collection, whatever the temporality.
    pub fn collected(&self) {
        for reservoir in self.all() {
            reservoir.collected();
        }
    }

    /// How many admitted measurements were not kept because their instrument held
    /// exemplars for [`MAX_SERIES`](super::MAX_SERIES) attribute sets already.
    pub fn over_limit(&self) -> u64 {
        self.all().iter().map(|r| r.over_limit()).sum()
    }

    /// The reservoir of a histogram, made on its first instrument; `None` when its
    /// boundaries are ones the SDK refuses.
    pub(super) fn histogram(
        &self,
        scope: &str,
        metric: &str,
        boundaries: Option<&[f64]>,
    ) -> Option<Arc<Reservoir>> {
        self.get_or_make(scope, metric, || Reservoir::histogram(boundaries))
    }

    /// The reservoir of a counter, an up-down counter or a gauge, made on its first
    /// instrument.
    pub(super) fn uniform(&self, scope: &str, metric: &str) -> Arc<Reservoir> {
        self.get_or_make(scope, metric, || Some(Reservoir::uniform()))
            .unwrap_or_else(|| Arc::new(Reservoir::uniform()))
    }

    /// The metric's reservoir, made by its first instrument (an instrument of another
    /// kind under the same name, a conflict the SDK warns of, shares it).
    fn get_or_make(
        &self,
        scope: &str,
        metric: &str,
        make: impl FnOnce() -> Option<Reservoir>,
    ) -> Option<Arc<Reservoir>> {
        let mut by_scope = self.lock();
        let metrics = by_scope.entry(scope.to_owned()).or_default();
        if let Some(existing) = metrics.get(metric) {
            return Some(Arc::clone(existing));
        }
        let reservoir = Arc::new(make()?);
        metrics.insert(metric.to_owned(), Arc::clone(&reservoir));
        Some(reservoir)
    }

    fn all(&self) -> Vec<Arc<Reservoir>> {
        self.lock().values().flat_map(|m| m.values().cloned()).collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FxHashMap<String, ByMetric>> {
        self.by_scope.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One instrument's exemplars, from [`Reservoirs::metric`].
#[derive(Debug, Clone)]
pub struct MetricExemplars(Arc<Reservoir>);

impl MetricExemplars {
    /// As [`Reservoirs::for_point`], for a point of this instrument.
    pub fn for_point(
        &self,
        attributes: &[&KeyValue],
        until: SystemTime,
        each: &mut dyn FnMut(&StoredExemplar),
    ) {
        self.0.for_point(attributes, until, each);
    }
}
