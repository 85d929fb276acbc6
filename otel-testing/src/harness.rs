//! `TestTelemetry`: per-test tracer, meter and logger providers over the SDK's in-memory
//! exporters, plus a `tracing` dispatch that feeds them, all without touching globals.

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Meter, MeterProvider as _};
use opentelemetry::propagation::TextMapCompositePropagator;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::logs::v1::ResourceLogs;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
use opentelemetry_sdk::metrics::{
    InMemoryMetricExporter, InMemoryMetricExporterBuilder, PeriodicReader, SdkMeterProvider, Temporality,
};
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};
use opentelemetry_sdk::trace::{
    InMemorySpanExporter, Sampler, SdkTracer, SdkTracerProvider, ShouldSample, SpanLimits,
};
use otel_kit_core::__private::exemplar::{ExemplarFilter, ExemplarMeterProvider};
use otel_kit_core::Providers;
use otel_kit_semconv::resource::SERVICE_NAME;
use tracing::Dispatch;
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt as _;

use crate::assert::{Logs, Metrics, Spans};
use crate::metric_accumulator::MetricAccumulator;
use crate::model::{self, MetricRecord};
use crate::scoped_future::ScopedFuture;

/// Keeps the OpenTelemetry crates' own diagnostics (emitted through `tracing`) out of
/// the log records a test asserts, and out of a feedback loop through the log bridge.
pub(crate) fn not_sdk_internal()
-> tracing_subscriber::filter::FilterFn<impl Fn(&tracing::Metadata<'_>) -> bool> {
    tracing_subscriber::filter::filter_fn(|meta| !meta.target().starts_with("opentelemetry"))
}

/// The name of the tracer behind the harness's `tracing` dispatch.
pub const TRACING_SCOPE: &str = "otel-kit-testing";

/// A self-contained telemetry pipeline for one test.
///
/// Spans go through a simple (synchronous) processor, so they can be read as soon as
/// they end. Nothing global is touched: tests run in parallel in one process without
/// seeing each other's data. Code instrumented with `tracing` reaches the harness inside
/// [`in_scope`](Self::in_scope), under [`set_default`](Self::set_default), or in a future
/// wrapped with [`in_scope_async`](Self::in_scope_async); code that uses the OpenTelemetry
/// globals needs [`install_global`](Self::install_global).
///
/// ```
/// use otel_kit_testing::TestTelemetry;
///
/// #[tracing::instrument]
/// fn load_user(id: i64) -> String {
///     tracing::info!("loading");
///     format!("user-{id}")
/// }
///
/// let t = TestTelemetry::new();
/// t.in_scope(|| load_user(7));
/// t.spans().span("load_user").has_attribute("id", 7);
/// t.logs().record("loading").is_in_span(&t.spans().span("load_user"));
/// ```
///
/// The harness shows data exactly as an exporter would send it (a span attribute whose
/// key was set twice once, with its last value, as otel-kit-otlp's exporters send it).
/// One consequence worth knowing: tracing-opentelemetry records unsigned span fields (`u8` ... `u64`, `usize`)
/// as strings, so declare numeric fields as `i64` when the attribute must be an integer.
pub struct TestTelemetry {
    spans: InMemorySpanExporter,
    logs: InMemoryLogExporter,
    metric_exporter: InMemoryMetricExporter,
    metric_state: Mutex<MetricAccumulator>,
    tracer_provider: SdkTracerProvider,
    meter_provider: ExemplarMeterProvider<SdkMeterProvider>,
    logger_provider: SdkLoggerProvider,
    resource: Resource,
    dispatch: Dispatch,
}

impl std::fmt::Debug for TestTelemetry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestTelemetry")
            .field("resource", &self.resource)
            .finish_non_exhaustive()
    }
}

impl Default for TestTelemetry {
    fn default() -> Self {
        Self::new()
    }
}

/// Options for a [`TestTelemetry`]: resource, sampler and span limits.
///
/// ```
/// use opentelemetry_sdk::trace::Sampler;
/// use otel_kit_testing::TestTelemetry;
///
/// let t = TestTelemetry::builder()
///     .service_name("checkout")
///     .resource_attribute("deployment.environment.name", "test")
///     .sampler(Sampler::AlwaysOff)
///     .build();
/// t.in_scope(|| tracing::info_span!("dropped").in_scope(|| {}));
/// assert!(t.spans().is_empty());
/// ```
#[derive(Debug)]
#[must_use]
pub struct TestTelemetryBuilder {
    attributes: Vec<KeyValue>,
    sampler: Box<dyn ShouldSample>,
    limits: SpanLimits,
    #[cfg(feature = "privacy")]
    redactor: Option<otel_kit_processors::redaction::Redactor>,
}

impl TestTelemetryBuilder {
    /// Sets `service.name` (default `otel-kit-testing`).
    pub fn service_name(self, name: impl Into<String>) -> Self {
        self.resource_attribute(SERVICE_NAME, name.into())
    }

    /// Adds a resource attribute.
    pub fn resource_attribute(mut self, key: &'static str, value: impl Into<opentelemetry::Value>) -> Self {
        self.attributes.retain(|kv| kv.key.as_str() != key);
        self.attributes.push(KeyValue::new(key, value));
        self
    }

    /// Adds every attribute of `resource` (one a resource detector built, say), over
    /// those of the same keys already set: its telemetry then carries that resource, so
    /// the registry check sees it.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    /// use opentelemetry_sdk::Resource;
    /// use otel_kit_testing::TestTelemetry;
    ///
    /// let detected = Resource::builder_empty()
    ///     .with_attribute(KeyValue::new("cloud.provider", "aws"))
    ///     .build();
    /// let t = TestTelemetry::builder().resource(&detected).build();
    /// assert_eq!(
    ///     t.resource().get(&"cloud.provider".into()),
    ///     Some("aws".into())
    /// );
    /// ```
    pub fn resource(mut self, resource: &Resource) -> Self {
        for (key, value) in resource {
            self.attributes.retain(|kv| kv.key != *key);
            self.attributes.push(KeyValue::new(key.clone(), value.clone()));
        }
        self
    }

    /// Sets the sampler (default: always on): an SDK `Sampler` or any boxed
    /// `ShouldSample`, such as otel-kit-init's sampling presets.
    pub fn sampler(mut self, sampler: impl Into<Box<dyn ShouldSample>>) -> Self {
        self.sampler = sampler.into();
        self
    }

    /// Sets the span limits (default: the SDK's).
    pub fn span_limits(mut self, limits: SpanLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Redacts every span and log record with `rules` before the harness keeps it, as
    /// otel-kit-init's redaction does before export: for checking that a preset (the
    /// PII one, say) removes what a test records. Panics on rules that do not build.
    ///
    /// ```
    /// use otel_kit_testing::TestTelemetry;
    /// use otel_kit_testing::privacy::Redaction;
    ///
    /// let t = TestTelemetry::builder().redaction(Redaction::pii()).build();
    /// t.in_scope(|| tracing::info!(note = "reach me at ada@example.com", "signed up"));
    /// t.assert_no_personal_data();
    /// ```
    #[cfg(feature = "privacy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "privacy")))]
    pub fn redaction(mut self, rules: otel_kit_processors::redaction::Redaction) -> Self {
        self.redactor = Some(rules.build().expect("the redaction rules build"));
        self
    }

    /// Builds the harness.
    pub fn build(self) -> TestTelemetry {
        register_drop_callsites();
        self.build_unregistered()
    }

    fn build_unregistered(self) -> TestTelemetry {
        let resource = Resource::builder_empty().with_attributes(self.attributes).build();
        let spans = InMemorySpanExporter::default();
        let tracer_provider = SdkTracerProvider::builder();
        #[cfg(feature = "privacy")]
        let tracer_provider = match &self.redactor {
            Some(redactor) => tracer_provider.with_span_processor(
                otel_kit_processors::redaction::RedactingSpanProcessor::new(
                    opentelemetry_sdk::trace::SimpleSpanProcessor::new(spans.clone()),
                    redactor.clone(),
                ),
            ),
            None => tracer_provider.with_simple_exporter(spans.clone()),
        };
        #[cfg(not(feature = "privacy"))]
        let tracer_provider = tracer_provider.with_simple_exporter(spans.clone());
        let tracer_provider = tracer_provider
            .with_sampler(self.sampler)
            .with_span_limits(self.limits)
            .with_resource(resource.clone())
            .build();
        // Delta export, accumulated by us: that is what lets `reset()` clear metrics.
        let metric_exporter = InMemoryMetricExporterBuilder::new()
            .with_temporality(Temporality::Delta)
            .build();
        let meter_provider = SdkMeterProvider::builder()
            .with_reader(
                PeriodicReader::builder(metric_exporter.clone())
                    // Only explicit reads export; no timer fires during a test.
                    .with_interval(Duration::from_secs(24 * 3600))
                    .build(),
            )
            .with_resource(resource.clone())
            .build();
        // With `bound-instruments`, this crate builds the SDK with bound instruments.
        #[cfg(feature = "bound-instruments")]
        otel_kit_core::__private::bound_instruments::declare_sdk_binds();
        // Exemplars as `init()` keeps them (the default filter).
        let meter_provider = ExemplarMeterProvider::new(meter_provider, ExemplarFilter::TraceBased);
        let logs = InMemoryLogExporter::default();
        let logger_provider = SdkLoggerProvider::builder();
        // Log processors see the record in order: the redaction first.
        #[cfg(feature = "privacy")]
        let logger_provider = match &self.redactor {
            Some(redactor) => logger_provider.with_log_processor(
                otel_kit_processors::redaction::RedactingLogProcessor::new(redactor.clone()),
            ),
            None => logger_provider,
        };
        let logger_provider = logger_provider
            .with_simple_exporter(logs.clone())
            .with_resource(resource.clone())
            .build();
        let subscriber = tracing_subscriber::registry()
            .with(otel_kit_core::__private::span_bridge(
                otel_kit_core::__private::BridgeTracer::new(tracer_provider.tracer(TRACING_SCOPE)),
                LevelFilter::TRACE,
                LevelFilter::TRACE,
            ))
            // As otel-kit-init's subscriber: plain log lines carry no event name.
            .with(
                otel_kit_core::__private::EventFields::new(OpenTelemetryTracingBridge::new(
                    &otel_kit_core::__private::DeclaredEventNames(logger_provider.clone()),
                ))
                .with_filter(not_sdk_internal()),
            );
        TestTelemetry {
            spans,
            logs,
            metric_exporter,
            metric_state: Mutex::new(MetricAccumulator::default()),
            tracer_provider,
            meter_provider,
            logger_provider,
            resource,
            dispatch: Dispatch::new(subscriber),
        }
    }
}

/// Builds and drops one harness, once per process, before the first real one.
///
/// Why: the SDK's providers log through `tracing` when they are dropped, and the first
/// use of a `tracing` call site registers it under tracing-core's global dispatcher
/// lock. A harness's subscriber can be dropped *inside* tracing-core while it holds
/// that lock for reading (it rebuilds call-site interest when another test registers
/// its own subscriber, briefly holding the last reference): registering a call site
/// there takes the same lock again, and with a writer queued meanwhile, both threads
/// wait forever. Hitting every call site of the drop path once, here, outside any
/// tracing lock, means none of them registers in that window.
fn register_drop_callsites() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Both ways a harness's providers end: dropped as they are, and shut down
        // first (the meter provider always is, in `Drop`).
        drop(TestTelemetry::builder().build_unregistered());
        let shut = TestTelemetry::builder().build_unregistered();
        let _ = shut.tracer_provider.shutdown();
        let _ = shut.logger_provider.shutdown();
        drop(shut);
    });
}

impl TestTelemetry {
    /// A harness with `service.name = "otel-kit-testing"`, always-on sampling, default limits.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder to choose the resource, sampler and span limits.
    pub fn builder() -> TestTelemetryBuilder {
        TestTelemetryBuilder {
            attributes: vec![KeyValue::new(SERVICE_NAME, "otel-kit-testing")],
            sampler: Box::new(Sampler::AlwaysOn),
            limits: SpanLimits::default(),
            #[cfg(feature = "privacy")]
            redactor: None,
        }
    }

    /// A tracer from the harness's provider.
    pub fn tracer(&self, name: &'static str) -> SdkTracer {
        self.tracer_provider.tracer(name)
    }

    /// The tracer provider, to hand to code under test.
    pub fn tracer_provider(&self) -> &SdkTracerProvider {
        &self.tracer_provider
    }

    /// A meter from the harness's provider.
    pub fn meter(&self, name: &'static str) -> Meter {
        self.meter_provider.meter(name)
    }

    /// The meter provider, to hand to code under test: the SDK's, whose histograms keep
    /// exemplars as `otel_kit_init::init()`'s do (measurements made in sampled spans).
    pub fn meter_provider(&self) -> &ExemplarMeterProvider<SdkMeterProvider> {
        &self.meter_provider
    }

    /// The harness's tracer and meter providers with the W3C propagators (trace context
    /// and baggage), for an instrumentation's `.providers(..)`. Its spans and metrics
    /// then reach this harness alone: tests of instrumented code run in parallel, with
    /// no [`install_global`](Self::install_global) and no lock.
    ///
    /// ```
    /// let t = otel_kit_testing::TestTelemetry::new();
    /// let providers = t.providers();
    /// assert!(providers.is_complete());
    /// // ServerLayer::new().providers(providers), ClientMiddleware::default().providers(..), ...
    /// ```
    pub fn providers(&self) -> Providers {
        let propagator = TextMapCompositePropagator::new(vec![
            Box::new(TraceContextPropagator::new()),
            Box::new(BaggagePropagator::new()),
        ]);
        Providers::new()
            .tracer_provider(self.tracer_provider.clone())
            .meter_provider(self.meter_provider.clone())
            .propagator(propagator)
            .logger_provider(self.logger_provider.clone())
    }

    /// The logger provider, to hand to code under test.
    pub fn logger_provider(&self) -> &SdkLoggerProvider {
        &self.logger_provider
    }

    /// The resource shared by the three providers.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// The `tracing` dispatch (registry + tracing-opentelemetry + log bridge) that feeds
    /// this harness.
    pub fn dispatch(&self) -> &Dispatch {
        &self.dispatch
    }

    /// Makes this harness the `tracing` default on the current thread until the guard drops.
    pub fn set_default(&self) -> tracing::dispatcher::DefaultGuard {
        tracing::dispatcher::set_default(&self.dispatch)
    }

    /// Runs `f` with this harness as the `tracing` default on the current thread.
    pub fn in_scope<T>(&self, f: impl FnOnce() -> T) -> T {
        tracing::dispatcher::with_default(&self.dispatch, f)
    }

    /// Wraps a future so that it reports to this harness on whatever thread polls it,
    /// and while it is dropped (so parent spans close when their last child ends on a
    /// worker thread). Tasks it spawns must be wrapped too, or use
    /// [`install_global`](Self::install_global).
    pub fn in_scope_async<F: Future>(&self, future: F) -> ScopedFuture<F> {
        ScopedFuture::new(self.dispatch.clone(), future)
    }

    /// The spans finished so far, in the order they ended.
    pub fn spans(&self) -> Spans {
        let mut finished = self.spans.get_finished_spans().unwrap_or_default();
        // A key set twice on a failed span (the SDK keeps both): its last value, once,
        // as the kit's exporters send it.
        for span in &mut finished {
            if let std::borrow::Cow::Owned(kept) =
                otel_kit_core::__private::repeated_keys::exported(&span.status, &span.attributes)
            {
                span.attributes = kept;
            }
        }
        let resource = ResourceAttributesWithSchema::from(&self.resource);
        let mut out = Vec::with_capacity(finished.len());
        model::spans_from_otlp(&group_spans_by_resource_and_scope(finished, &resource), &mut out);
        Spans::new(out)
    }

    /// Metrics recorded since the harness was built (or last reset), as cumulative totals.
    pub fn metrics(&self) -> Metrics {
        let mut state = self.metric_state.lock().unwrap_or_else(PoisonError::into_inner);
        for delta in self.collect_metrics() {
            state.merge(delta);
        }
        Metrics::new(state.snapshot())
    }

    /// Log records emitted so far (`tracing` events and direct logger calls).
    pub fn logs(&self) -> Logs {
        let emitted = self.logs.get_emitted_logs().unwrap_or_default();
        let resource = ResourceAttributesWithSchema::from(&self.resource);
        let resource_logs: Vec<ResourceLogs> = emitted
            .iter()
            .map(|l| ResourceLogs::from(((&l.record, &l.instrumentation), &resource)))
            .collect();
        let mut out = Vec::with_capacity(resource_logs.len());
        model::logs_from_otlp(&resource_logs, &mut out);
        Logs::new(out)
    }

    /// Forgets every span, log record and metric value recorded so far.
    pub fn reset(&self) {
        self.spans.reset();
        self.logs.reset();
        let mut state = self.metric_state.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = self.collect_metrics();
        *state = MetricAccumulator::default();
    }

    /// Waits until at least `count` spans have ended (for spans that end on other
    /// tasks), polling every millisecond; fails with the spans seen after `timeout`.
    #[track_caller]
    pub fn wait_for_spans(&self, count: usize, timeout: Duration) -> impl Future<Output = Spans> + '_ {
        let caller = std::panic::Location::caller();
        async move {
            let deadline = Instant::now() + timeout;
            loop {
                let spans = self.spans();
                if spans.len() >= count {
                    return spans;
                }
                if Instant::now() >= deadline {
                    panic!(
                        "wait_for_spans (called at {caller}): expected at least {count} spans within {timeout:?}, got {}\n{}",
                        spans.len(),
                        spans.tree()
                    );
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
    }

    fn collect_metrics(&self) -> Vec<MetricRecord> {
        self.metric_exporter.reset();
        // A failed flush only means nothing new was recorded; the accumulated state stays.
        let _ = self.meter_provider.inner().force_flush();
        let exported = self.metric_exporter.get_finished_metrics().unwrap_or_default();
        self.metric_exporter.reset();
        let mut out = Vec::new();
        for rm in &exported {
            let mut request = ExportMetricsServiceRequest::from(rm);
            crate::harness_exemplars::add(self.meter_provider.reservoirs(), rm, &mut request);
            model::metrics_from_otlp(&request.resource_metrics, &mut out);
        }
        out
    }
}

impl Drop for TestTelemetry {
    fn drop(&mut self) {
        // Stop the metric reader's thread now rather than at some later drop.
        let _ = self.meter_provider.inner().shutdown();
    }
}
