//! The three instruments: the SDK's instrument and the declared keys' filter.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, Meter, UpDownCounter};

use super::builder::MetricBuilder;
use super::declarations::KeyFilter;
use super::error::AppMetricError;

/// A histogram of durations in seconds, on the kit's duration buckets (those of
/// `http.server.request.duration`).
///
/// ```
/// use std::time::Duration;
/// use opentelemetry::{KeyValue, metrics::MeterProvider as _};
/// use otel_kit_core::app_metrics::DurationHistogram;
///
/// let meter = opentelemetry::global::meter_provider().meter("shop");
/// let checkout = DurationHistogram::builder("shop.checkout.duration")
///     .description("Time from cart to confirmed order.")
///     .attributes(["shop.payment.method"])
///     .build(&meter)?;
/// checkout.record(Duration::from_millis(120), &[KeyValue::new("shop.payment.method", "card")]);
/// # Ok::<(), otel_kit_core::app_metrics::AppMetricError>(())
/// ```
#[derive(Clone)]
pub struct DurationHistogram {
    histogram: Histogram<f64>,
    pub(super) filter: Arc<KeyFilter>,
}

impl DurationHistogram {
    /// A histogram named `name` (unit `s`: a duration's name says what took time, not
    /// in what unit).
    pub fn builder(name: impl Into<std::borrow::Cow<'static, str>>) -> MetricBuilder<DurationHistogram> {
        MetricBuilder::new(name, "s")
    }

    /// Records `duration` in seconds.
    pub fn record(&self, duration: Duration, attributes: &[KeyValue]) {
        self.histogram
            .record(duration.as_secs_f64(), &self.filter.filter(attributes));
    }
}

impl MetricBuilder<DurationHistogram> {
    /// The histogram, or what to fix in its declaration.
    pub fn build(self, meter: &Meter) -> Result<DurationHistogram, AppMetricError> {
        let filter = self.declare("histogram")?;
        let histogram = meter
            .f64_histogram(self.name)
            .with_unit("s")
            .with_description(self.description)
            .with_boundaries(crate::request_path::duration_histogram::HTTP_RPC_DURATION_BUCKETS.to_vec())
            .build();
        Ok(DurationHistogram { histogram, filter })
    }
}

/// What an [`AppCounter`] counts in: `u64` (orders) or `f64` (an amount of money).
pub trait CounterValue: Copy + Send + Sync + 'static {
    /// Whether a counter may add it: not negative, not NaN or infinite.
    fn is_countable(self) -> bool;
    /// The SDK's counter for it.
    fn counter(meter: &Meter, builder: &MetricBuilder<AppCounter<Self>>) -> Counter<Self>;
}

impl CounterValue for u64 {
    fn is_countable(self) -> bool {
        true
    }

    fn counter(meter: &Meter, builder: &MetricBuilder<AppCounter<u64>>) -> Counter<u64> {
        meter
            .u64_counter(builder.name.clone())
            .with_unit(builder.unit.clone())
            .with_description(builder.description.clone())
            .build()
    }
}

impl CounterValue for f64 {
    fn is_countable(self) -> bool {
        self.is_finite() && self >= 0.0
    }

    fn counter(meter: &Meter, builder: &MetricBuilder<AppCounter<f64>>) -> Counter<f64> {
        meter
            .f64_counter(builder.name.clone())
            .with_unit(builder.unit.clone())
            .with_description(builder.description.clone())
            .build()
    }
}

/// A monotonic count or sum: orders placed, money taken.
///
/// ```
/// use opentelemetry::{KeyValue, metrics::MeterProvider as _};
/// use otel_kit_core::app_metrics::AppCounter;
///
/// let meter = opentelemetry::global::meter_provider().meter("shop");
/// let amount = AppCounter::<f64>::builder("shop.payment.amount", "{USD}")
///     .attributes(["shop.payment.method"])
///     .build(&meter)?;
/// amount.add(19.99, &[KeyValue::new("shop.payment.method", "card")]);
/// # Ok::<(), otel_kit_core::app_metrics::AppMetricError>(())
/// ```
#[derive(Clone)]
pub struct AppCounter<T: CounterValue> {
    counter: Counter<T>,
    pub(super) filter: Arc<KeyFilter>,
    warned_value: Arc<AtomicBool>,
}

impl<T: CounterValue> AppCounter<T> {
    /// A counter named `name` in `unit` (UCUM: `{order}`, `{USD}`, `By`, `1`).
    pub fn builder(
        name: impl Into<std::borrow::Cow<'static, str>>,
        unit: impl Into<std::borrow::Cow<'static, str>>,
    ) -> MetricBuilder<AppCounter<T>> {
        MetricBuilder::new(name, unit)
    }

    /// Adds `value`. A negative, NaN or infinite amount is dropped (a counter only
    /// grows) with one warning for the metric.
    pub fn add(&self, value: T, attributes: &[KeyValue]) {
        if !value.is_countable() {
            if !self.warned_value.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    metric = %self.filter.name,
                    "a counter only grows: a negative, NaN or infinite amount was dropped \
                     (use an up-down counter for amounts that go down)"
                );
            }
            return;
        }
        self.counter.add(value, &self.filter.filter(attributes));
    }
}

impl<T: CounterValue> MetricBuilder<AppCounter<T>> {
    /// The counter, or what to fix in its declaration.
    pub fn build(self, meter: &Meter) -> Result<AppCounter<T>, AppMetricError> {
        let filter = self.declare("counter")?;
        Ok(AppCounter {
            counter: T::counter(meter, &self),
            filter,
            warned_value: Arc::new(AtomicBool::new(false)),
        })
    }
}

/// A count that goes up and down: orders in flight, items in a queue.
///
/// ```
/// use opentelemetry::metrics::MeterProvider as _;
/// use otel_kit_core::app_metrics::AppUpDownCounter;
///
/// let meter = opentelemetry::global::meter_provider().meter("shop");
/// let in_flight = AppUpDownCounter::builder("shop.checkouts.active", "{checkout}").build(&meter)?;
/// in_flight.add(1, &[]);
/// in_flight.add(-1, &[]);
/// # Ok::<(), otel_kit_core::app_metrics::AppMetricError>(())
/// ```
#[derive(Clone)]
pub struct AppUpDownCounter {
    counter: UpDownCounter<i64>,
    pub(super) filter: Arc<KeyFilter>,
}

impl AppUpDownCounter {
    /// An up-down counter named `name` in `unit` (UCUM).
    pub fn builder(
        name: impl Into<std::borrow::Cow<'static, str>>,
        unit: impl Into<std::borrow::Cow<'static, str>>,
    ) -> MetricBuilder<AppUpDownCounter> {
        MetricBuilder::new(name, unit)
    }

    /// Adds `delta` (negative to go down).
    pub fn add(&self, delta: i64, attributes: &[KeyValue]) {
        self.counter.add(delta, &self.filter.filter(attributes));
    }
}

impl MetricBuilder<AppUpDownCounter> {
    /// The up-down counter, or what to fix in its declaration.
    pub fn build(self, meter: &Meter) -> Result<AppUpDownCounter, AppMetricError> {
        let filter = self.declare("updowncounter")?;
        let counter = meter
            .i64_up_down_counter(self.name)
            .with_unit(self.unit)
            .with_description(self.description)
            .build();
        Ok(AppUpDownCounter { counter, filter })
    }
}

impl std::fmt::Debug for DurationHistogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.filter.describe("DurationHistogram", f)
    }
}

impl<T: CounterValue> std::fmt::Debug for AppCounter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.filter.describe("AppCounter", f)
    }
}

impl std::fmt::Debug for AppUpDownCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.filter.describe("AppUpDownCounter", f)
    }
}
