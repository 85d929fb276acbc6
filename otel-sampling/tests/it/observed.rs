//! The observed sampler (`Sampling::into_observed_sampler`): root decisions counted by
//! decision, children not counted, and the root probability reported as configured,
//! as changed through the control, and as 1 under the trace-everything override.

use std::time::{Duration, Instant};

use opentelemetry::trace::{TraceContextExt as _, Tracer as _, TracerProvider as _};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use otel_kit_sampling::{SamplerMetrics, Sampling};

use crate::pipeline::remote_parent;

/// A tracer provider observed by `metrics`, and the meter provider they report to.
struct Observed {
    tracer_provider: SdkTracerProvider,
    meter_provider: SdkMeterProvider,
    exporter: InMemoryMetricExporter,
}

impl Observed {
    fn new(sampling: Sampling) -> Self {
        let metrics = SamplerMetrics::new();
        let tracer_provider = SdkTracerProvider::builder()
            .with_sampler(sampling.into_observed_sampler(&metrics))
            .build();
        let exporter = InMemoryMetricExporter::default();
        let meter_provider = SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(exporter.clone()).build())
            .build();
        metrics.report_to(&meter_provider);
        Self {
            tracer_provider,
            meter_provider,
            exporter,
        }
    }

    /// `(sampled, dropped)` root decisions, and the probability gauge, as last exported.
    fn read(&self) -> ((u64, u64), Option<f64>) {
        self.exporter.reset();
        self.meter_provider.force_flush().expect("flush");
        let exported = self.exporter.get_finished_metrics().expect("metrics");
        let mut decisions = (0, 0);
        let mut probability = None;
        for metric in exported
            .iter()
            .flat_map(|m| m.scope_metrics())
            .flat_map(|s| s.metrics())
        {
            match (metric.name(), metric.data()) {
                ("otel_kit.sampler.root_decisions", AggregatedMetrics::U64(MetricData::Sum(sum))) => {
                    assert_eq!(metric.unit(), "{span}");
                    for point in sum.data_points() {
                        let decision = point.attributes().next().expect("the decision");
                        assert_eq!(decision.key.as_str(), "otel_kit.sampler.decision");
                        match decision.value.as_str().as_ref() {
                            "sampled" => decisions.0 = point.value(),
                            "dropped" => decisions.1 = point.value(),
                            other => panic!("decision {other}"),
                        }
                    }
                }
                ("otel_kit.sampler.probability", AggregatedMetrics::F64(MetricData::Gauge(gauge))) => {
                    assert_eq!(metric.unit(), "1");
                    probability = gauge.data_points().next().map(|p| p.value());
                }
                _ => {}
            }
        }
        (decisions, probability)
    }
}

#[test]
fn roots_are_counted_by_decision_at_the_configured_ratio() {
    let observed = Observed::new(Sampling::ratio(0.25));
    let tracer = observed.tracer_provider.tracer("observed");
    const ROOTS: u64 = 4000;
    for _ in 0..ROOTS {
        // A local child (here) and a child of a remote parent (below): no root.
        tracer.in_span("root", |_| tracer.in_span("child", |_| {}));
    }
    let remote = remote_parent(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736, true);
    let _ = tracer.start_with_context("remote child", &remote);

    let ((sampled, dropped), probability) = observed.read();
    assert_eq!(sampled + dropped, ROOTS, "each root once, no child");
    let fraction = sampled as f64 / ROOTS as f64;
    assert!((0.22..=0.28).contains(&fraction), "sampled fraction {fraction}");
    assert_eq!(probability, Some(0.25));
}

#[test]
fn the_probability_follows_the_control() {
    let (sampling, control) = Sampling::ratio(0.25).controlled();
    let observed = Observed::new(sampling);
    control.set_ratio(0.5).expect("a ratio");
    assert_eq!(observed.read().1, Some(0.5));
    control.trace_everything_until(Instant::now() + Duration::from_secs(60));
    assert_eq!(observed.read().1, Some(1.0), "the override samples every root");
    control.stop_everything();
    assert_eq!(observed.read().1, Some(0.5));
}

#[test]
fn a_rate_limit_has_no_probability() {
    let observed = Observed::new(Sampling::rate_limited(1000.0));
    let tracer = observed.tracer_provider.tracer("observed");
    tracer.in_span("root", |cx| assert!(cx.span().span_context().is_sampled()));
    let ((sampled, dropped), probability) = observed.read();
    assert_eq!((sampled, dropped), (1, 0));
    assert_eq!(probability, None);
}

#[test]
fn decisions_before_the_meter_provider_are_not_counted() {
    let metrics = SamplerMetrics::new();
    let tracer_provider = SdkTracerProvider::builder()
        .with_sampler(Sampling::default().into_observed_sampler(&metrics))
        .build();
    tracer_provider.tracer("observed").in_span("early", |_| {});
    let exporter = InMemoryMetricExporter::default();
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(exporter.clone()).build())
        .build();
    metrics.report_to(&meter_provider);
    metrics.report_to(&meter_provider);
    tracer_provider.tracer("observed").in_span("counted", |_| {});
    let observed = Observed {
        tracer_provider,
        meter_provider,
        exporter,
    };
    assert_eq!(
        observed.read(),
        ((1, 0), Some(1.0)),
        "a second report_to registers nothing"
    );
}

#[test]
fn the_registry_check_accepts_the_metrics() {
    let metrics = SamplerMetrics::new();
    let t = otel_kit_testing::TestTelemetry::builder()
        .sampler(Sampling::ratio(0.5).into_observed_sampler(&metrics))
        .build();
    metrics.report_to(t.meter_provider());
    for _ in 0..20 {
        t.tracer("observed").in_span("root", |_| {});
    }
    otel_kit_testing::Conformance::semconv()
        .check_metrics(&t.metrics())
        .report()
        .assert_conforms();
}
