//! The sampler observed: its root decisions counted and its root probability reported,
//! so that the rate a service actually keeps can be read against the one configured.
//!
//! | metric | instrument, unit | what |
//! | --- | --- | --- |
//! | `otel_kit.sampler.root_decisions` | counter, `{span}` | each decision on a span with no valid parent, by `otel_kit.sampler.decision`: `sampled` or `dropped` (recorded only included) |
//! | `otel_kit.sampler.probability` | gauge, `1` | the probability roots are sampled at: the preset's ratio, or the one a [`SamplerControl`](crate::SamplerControl) set since; 1 while its trace-everything override is on. Only for the presets with a ratio ([`Sampling::sampling_ratio`]) |
//!
//! The meter provider is usually built after the tracer provider, so the sampler is
//! built with a [`SamplerMetrics`] handle and the handle is given its meter provider
//! later ([`SamplerMetrics::report_to`]); decisions made before that are not counted.

use std::sync::{Arc, OnceLock};

#[cfg(feature = "bound-instruments")]
use opentelemetry::metrics::BoundCounter;
use opentelemetry::metrics::{Counter, MeterProvider};
use opentelemetry::trace::{Link, SpanKind, TraceId};
use opentelemetry::{Context, InstrumentationScope, KeyValue};
use opentelemetry_sdk::trace::{SamplingDecision, SamplingResult, ShouldSample};
use otel_kit_core::kit_names;

use super::preset::Sampling;
use super::runtime::{SamplerState, parent_flags};

/// Where an observed sampler ([`Sampling::into_observed_sampler`]) reports: its
/// decisions are counted once [`report_to`](Self::report_to) gave it a meter provider.
/// Cheap to clone; clones share the instruments.
///
/// ```
/// use opentelemetry::trace::{Tracer as _, TracerProvider as _};
/// use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_sampling::{SamplerMetrics, Sampling};
///
/// let metrics = SamplerMetrics::new();
/// let tracer_provider = SdkTracerProvider::builder()
///     .with_sampler(Sampling::ratio(0.25).into_observed_sampler(&metrics))
///     .build();
/// let exporter = InMemoryMetricExporter::default();
/// let meter_provider = SdkMeterProvider::builder()
///     .with_reader(PeriodicReader::builder(exporter.clone()).build())
///     .build();
/// metrics.report_to(&meter_provider);
///
/// tracer_provider.tracer("example").in_span("a root", |_| {});
/// meter_provider.force_flush()?;
/// let names: Vec<String> = exporter.get_finished_metrics()?.iter()
///     .flat_map(|m| m.scope_metrics()).flat_map(|s| s.metrics())
///     .map(|m| m.name().to_owned()).collect();
/// assert!(names.iter().any(|n| n == "otel_kit.sampler.root_decisions"));
/// assert!(names.iter().any(|n| n == "otel_kit.sampler.probability"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct SamplerMetrics {
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    decisions: OnceLock<Decisions>,
    /// The state whose ratio the gauge reports; set by a sampler of a preset that has one.
    probability: OnceLock<Arc<SamplerState>>,
}

/// The decision counter, one handle per decision.
struct Decisions {
    sampled: Recorder,
    dropped: Recorder,
}

impl std::fmt::Debug for Decisions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Decisions")
    }
}

/// A bound handle where the SDK binds, else the counter with its precomputed set.
enum Recorder {
    #[cfg(feature = "bound-instruments")]
    Bound(BoundCounter<u64>),
    Unbound(Counter<u64>, [KeyValue; 1]),
}

impl Recorder {
    fn new(counter: &Counter<u64>, decision: &'static str) -> Self {
        let attributes = [KeyValue::new(kit_names::SAMPLER_DECISION, decision)];
        // An SDK built without bound instruments would drop what a bound handle records.
        #[cfg(feature = "bound-instruments")]
        if otel_kit_core::__private::bound_instruments::sdk_binds() {
            return Self::Bound(counter.bind(&attributes));
        }
        Self::Unbound(counter.clone(), attributes)
    }

    fn add_one(&self) {
        match self {
            #[cfg(feature = "bound-instruments")]
            Self::Bound(bound) => bound.add(1),
            Self::Unbound(counter, attributes) => counter.add(1, attributes),
        }
    }
}

impl SamplerMetrics {
    /// A handle with no meter provider yet: nothing is counted until
    /// [`report_to`](Self::report_to).
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers the instruments on `meter_provider`, under the scope
    /// `otel-kit-sampling`. Only the first call registers; later ones do nothing.
    pub fn report_to(&self, meter_provider: &impl MeterProvider) {
        if self.shared.decisions.get().is_some() {
            return;
        }
        let scope = InstrumentationScope::builder("otel-kit-sampling")
            .with_version(env!("CARGO_PKG_VERSION"))
            .build();
        let meter = meter_provider.meter_with_scope(scope);
        let counter = meter
            .u64_counter(kit_names::SAMPLER_ROOT_DECISIONS)
            .with_unit("{span}")
            .with_description("Sampling decisions on root spans (no valid parent), by decision.")
            .build();
        let decisions = Decisions {
            sampled: Recorder::new(&counter, kit_names::DECISION_SAMPLED),
            dropped: Recorder::new(&counter, kit_names::DECISION_DROPPED),
        };
        if self.shared.decisions.set(decisions).is_err() {
            return;
        }
        let shared = Arc::clone(&self.shared);
        let _gauge = meter
            .f64_observable_gauge(kit_names::SAMPLER_PROBABILITY)
            .with_unit("1")
            .with_description("The probability root spans are sampled at, as configured.")
            .with_callback(move |observer| {
                if let Some(state) = shared.probability.get() {
                    observer.observe(state.root_probability(), &[]);
                }
            })
            .build();
    }
}

impl Sampling {
    /// [`into_sampler`](Self::into_sampler), observed: its root decisions are counted
    /// and its root probability reported on the meter provider `metrics` is given (see
    /// [`SamplerMetrics`]). Costs a root span one add on a bound counter.
    pub fn into_observed_sampler(self, metrics: &SamplerMetrics) -> Box<dyn ShouldSample> {
        let has_ratio = self.sampling_ratio().is_some();
        let state = self.state_or_new();
        if has_ratio {
            let _ = metrics.shared.probability.set(Arc::clone(&state));
        }
        Box::new(ObservedSampler {
            inner: self.build(state),
            metrics: metrics.clone(),
        })
    }
}

/// A sampler whose root decisions are counted.
#[derive(Clone, Debug)]
struct ObservedSampler {
    inner: Box<dyn ShouldSample>,
    metrics: SamplerMetrics,
}

impl ShouldSample for ObservedSampler {
    fn should_sample(
        &self,
        parent_context: Option<&Context>,
        trace_id: TraceId,
        name: &str,
        span_kind: &SpanKind,
        attributes: &[KeyValue],
        links: &[Link],
    ) -> SamplingResult {
        let result = self
            .inner
            .should_sample(parent_context, trace_id, name, span_kind, attributes, links);
        // A root: no parent, or an invalid one (as the parent-based samplers read it).
        if let Some(decisions) = self.metrics.shared.decisions.get()
            && parent_context.and_then(parent_flags).is_none()
        {
            match result.decision {
                SamplingDecision::RecordAndSample => decisions.sampled.add_one(),
                SamplingDecision::RecordOnly | SamplingDecision::Drop => decisions.dropped.add_one(),
            }
        }
        result
    }
}
