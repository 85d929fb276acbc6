//! `OTEL_METRICS_EXPORTER=console`: every metric of each periodic collection, one line
//! per data point.

use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::{
    AggregatedMetrics, ExponentialHistogram, Gauge, Histogram, Metric, MetricData, ResourceMetrics, Sum,
};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;

use crate::format::{push_attrs, push_display, push_f64, push_header, service_name};
use crate::writer::SharedWriter;
use crate::writer::Sink;

/// Prints each metric collection as compact, human-readable lines; see the [crate
/// docs](crate) for the format.
///
/// Meant for a [`PeriodicReader`](opentelemetry_sdk::metrics::PeriodicReader). Values
/// are cumulative (totals since start), which is what a person watching a terminal
/// expects from a counter. Exports after [`shutdown`](PushMetricExporter::shutdown)
/// fail with `AlreadyShutdown` and print nothing.
///
/// ```
/// use std::sync::{Arc, Mutex};
///
/// use opentelemetry::metrics::MeterProvider as _;
/// use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
/// use otel_kit_console::ConsoleMetricExporter;
///
/// let out = Arc::new(Mutex::new(Vec::<u8>::new()));
/// let reader = PeriodicReader::builder(ConsoleMetricExporter::new(out.clone())).build();
/// let provider = SdkMeterProvider::builder().with_reader(reader).build();
/// let jobs = provider.meter("worker").u64_counter("jobs").build();
/// jobs.add(2, &[]);
/// jobs.add(3, &[]);
/// provider.force_flush().unwrap();
///
/// let text = String::from_utf8(out.lock().unwrap().clone()).unwrap();
/// let lines: Vec<&str> = text.lines().skip(1).collect();
/// assert_eq!(lines, ["metric jobs counter", "  value=5"]);
/// ```
#[derive(Debug)]
pub struct ConsoleMetricExporter {
    sink: Sink,
}

impl ConsoleMetricExporter {
    /// Writes to standard output; what otel-kit-init installs for
    /// `OTEL_METRICS_EXPORTER=console`.
    ///
    /// ```
    /// use opentelemetry_sdk::metrics::SdkMeterProvider;
    /// use otel_kit_console::ConsoleMetricExporter;
    ///
    /// let provider = SdkMeterProvider::builder()
    ///     .with_periodic_exporter(ConsoleMetricExporter::stdout())
    ///     .build();
    /// # provider.shutdown().unwrap();
    /// ```
    #[must_use]
    pub fn stdout() -> Self {
        Self { sink: Sink::stdout() }
    }

    /// Writes to `writer`, for capturing the output or sending it somewhere else.
    /// One writer can be shared by all three console exporters.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// use otel_kit_console::ConsoleMetricExporter;
    ///
    /// let captured = Arc::new(Mutex::new(Vec::<u8>::new()));
    /// let exporter = ConsoleMetricExporter::new(captured.clone());
    /// # drop(exporter);
    /// ```
    #[must_use]
    pub fn new(writer: SharedWriter) -> Self {
        Self {
            sink: Sink::new(writer),
        }
    }
}

impl PushMetricExporter for ConsoleMetricExporter {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        self.sink.ensure_open()?;
        otel_kit_core::__private::cardinality_overflow::warn_of_overflows(metrics);
        self.sink.write(&render(metrics))
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.sink.flush()
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        self.sink.shutdown()
    }

    fn temporality(&self) -> Temporality {
        Temporality::Cumulative
    }
}

fn render(metrics: &ResourceMetrics) -> String {
    let mut out = String::new();
    let all: Vec<&Metric> = metrics.scope_metrics().flat_map(|s| s.metrics()).collect();
    // The periodic reader exports even when nothing was recorded; an empty header
    // every minute would only be noise.
    if all.is_empty() {
        return out;
    }
    let service = service_name(Some(metrics.resource()));
    push_header(&mut out, &service, all.len(), "metric");
    out.push_str(" (cumulative)\n");
    for metric in all {
        match metric.data() {
            AggregatedMetrics::F64(data) => render_metric(&mut out, metric, data),
            AggregatedMetrics::U64(data) => render_metric(&mut out, metric, data),
            AggregatedMetrics::I64(data) => render_metric(&mut out, metric, data),
        }
    }
    out
}

/// A data point's number, rendered so its type shows (floats keep a decimal point).
trait Number: Copy {
    fn push(self, out: &mut String);
}

impl Number for f64 {
    fn push(self, out: &mut String) {
        push_f64(out, self);
    }
}

impl Number for u64 {
    fn push(self, out: &mut String) {
        push_display(out, &self);
    }
}

impl Number for i64 {
    fn push(self, out: &mut String) {
        push_display(out, &self);
    }
}

fn render_metric<T: Number>(out: &mut String, metric: &Metric, data: &MetricData<T>) {
    let kind = match data {
        MetricData::Gauge(_) => "gauge",
        MetricData::Sum(sum) if sum.is_monotonic() => "counter",
        MetricData::Sum(_) => "updown_counter",
        MetricData::Histogram(_) => "histogram",
        MetricData::ExponentialHistogram(_) => "exponential_histogram",
    };
    push_display(out, &format_args!("metric {} {kind}", metric.name()));
    if !metric.unit().is_empty() {
        push_display(out, &format_args!(" unit={}", metric.unit()));
    }
    out.push('\n');
    match data {
        MetricData::Gauge(gauge) => render_gauge(out, gauge),
        MetricData::Sum(sum) => render_sum(out, sum),
        MetricData::Histogram(histogram) => render_histogram(out, histogram),
        MetricData::ExponentialHistogram(histogram) => render_exponential(out, histogram),
    }
}

/// `  {k=v k2=v2} ` before the numbers, like Prometheus labels; nothing when the point
/// has no attributes.
fn push_point_start<'a>(out: &mut String, attrs: impl IntoIterator<Item = &'a KeyValue>) {
    // The SDK hands a point's attributes over in whichever order it stored them first,
    // which changes between runs; sorted, a series reads the same in every collection.
    let mut sorted: Vec<&KeyValue> = attrs.into_iter().collect();
    sorted.sort_by(|a, b| a.key.as_str().cmp(b.key.as_str()));
    let mut labels = String::new();
    push_attrs(&mut labels, sorted);
    out.push_str("  ");
    if !labels.is_empty() {
        // `push_attrs` puts a space before every pair; drop the first one.
        push_display(out, &format_args!("{{{}}} ", &labels[1..]));
    }
}

fn render_gauge<T: Number>(out: &mut String, gauge: &Gauge<T>) {
    for point in gauge.data_points() {
        push_point_start(out, point.attributes());
        out.push_str("value=");
        point.value().push(out);
        out.push('\n');
    }
}

fn render_sum<T: Number>(out: &mut String, sum: &Sum<T>) {
    for point in sum.data_points() {
        push_point_start(out, point.attributes());
        out.push_str("value=");
        point.value().push(out);
        out.push('\n');
    }
}

fn render_histogram<T: Number>(out: &mut String, histogram: &Histogram<T>) {
    for point in histogram.data_points() {
        push_point_start(out, point.attributes());
        push_stats(out, point.count(), point.sum(), point.min(), point.max());
        // Bucket i counts values in (bounds[i-1], bounds[i]]; the last one has no
        // bound and counts everything above. Empty buckets are left out to stay short.
        let mut bounds = point.bounds();
        for count in point.bucket_counts() {
            let bound = bounds.next();
            if count == 0 {
                continue;
            }
            match bound {
                Some(le) => push_display(out, &format_args!(" le={le}:{count}")),
                None => push_display(out, &format_args!(" le=+Inf:{count}")),
            }
        }
        out.push('\n');
    }
}

fn render_exponential<T: Number>(out: &mut String, histogram: &ExponentialHistogram<T>) {
    // Exponential buckets can number in the hundreds; the summary is what a person
    // scanning a terminal can use.
    for point in histogram.data_points() {
        push_point_start(out, point.attributes());
        let count = u64::try_from(point.count()).unwrap_or(u64::MAX);
        push_stats(out, count, point.sum(), point.min(), point.max());
        push_display(
            out,
            &format_args!(" scale={} zero_count={}", point.scale(), point.zero_count()),
        );
        out.push('\n');
    }
}

fn push_stats<T: Number>(out: &mut String, count: u64, sum: T, min: Option<T>, max: Option<T>) {
    push_display(out, &format_args!("count={count} sum="));
    sum.push(out);
    if let Some(min) = min {
        out.push_str(" min=");
        min.push(out);
    }
    if let Some(max) = max {
        out.push_str(" max=");
        max.push(out);
    }
}
