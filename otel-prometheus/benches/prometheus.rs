//! The cost of one `/metrics` scrape of 1,000 series, ours against the upstream
//! exporter (opentelemetry-prometheus 0.33 with the `prometheus` crate's text encoder),
//! side by side in one run over the same meter provider, which both readers collect.
//!
//! The 1,000 series: a `u64` counter with 400 attribute sets, an `i64` up-down counter
//! with 300, and an `f64` histogram (11 boundaries, so 12 buckets) with 300; three
//! attributes each (`http.request.method`, `http.route`, `http.response.status_code`).
//! Every histogram measurement was made in a sampled span, so each of its series has an
//! exemplar.
//!
//! - `upstream_text`: opentelemetry-prometheus: `Registry::gather` (collects) then
//!   `TextEncoder::encode`, text 0.0.4 (it has no OpenMetrics, no exemplars);
//! - `ours_collect_only`: the SDK's collection through our reader, no rendering (what
//!   every scrape of ours spends before writing a byte);
//! - `ours_text`: `PrometheusReader::render(ExpositionFormat::Text)` (collects, writes);
//! - `ours_openmetrics`: the same in OpenMetrics, with the exemplars.
//!
//! Run with `cargo bench -p otel-kit-prometheus --bench prometheus`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::metrics::reader::MetricReader as _;
use otel_kit_core::__private::exemplar::{ExemplarFilter, ExemplarMeterProvider, Reservoirs};
use otel_kit_prometheus::{ExpositionFormat, PrometheusReader};
use prometheus::{Encoder as _, TextEncoder};

const BOUNDARIES: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5];
const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];

struct Setup {
    ours: PrometheusReader,
    registry: prometheus::Registry,
    _provider: ExemplarMeterProvider<SdkMeterProvider>,
}

fn attributes(i: usize) -> [KeyValue; 3] {
    [
        KeyValue::new("http.request.method", METHODS[i % METHODS.len()]),
        KeyValue::new("http.route", format!("/api/v1/items/{i}")),
        KeyValue::new("http.response.status_code", 200 + (i % 3) as i64),
    ]
}

fn setup() -> Setup {
    let reservoirs = Arc::new(Reservoirs::new(ExemplarFilter::TraceBased));
    let ours = PrometheusReader::new(Some(Arc::clone(&reservoirs)));
    let registry = prometheus::Registry::new();
    let upstream = opentelemetry_prometheus::exporter()
        .with_registry(registry.clone())
        .build()
        .expect("the upstream exporter");
    let resource = Resource::builder().with_service_name("bench").build();
    let sdk = SdkMeterProvider::builder()
        .with_resource(resource)
        .with_reader(ours.clone())
        .with_reader(upstream)
        .build();
    let provider = ExemplarMeterProvider::with_reservoirs(sdk, reservoirs);
    let meter = provider.meter("bench");
    let requests = meter
        .u64_counter("http.server.requests")
        .with_unit("{request}")
        .with_description("Requests.")
        .build();
    let active = meter
        .i64_up_down_counter("http.server.active_requests")
        .with_unit("{request}")
        .with_description("In flight.")
        .build();
    let duration = meter
        .f64_histogram("http.server.request.duration")
        .with_unit("s")
        .with_description("Duration.")
        .with_boundaries(BOUNDARIES.to_vec())
        .build();
    let sampled = SpanContext::new(
        TraceId::from(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736_u128),
        SpanId::from(0x00f0_67aa_0ba9_02b7_u64),
        TraceFlags::SAMPLED,
        false,
        TraceState::default(),
    );
    let _span = Context::current().with_remote_span_context(sampled).attach();
    for i in 0..400 {
        requests.add(1 + i as u64, &attributes(i));
    }
    for i in 0..300 {
        active.add(i as i64 - 100, &attributes(i));
        duration.record(0.003 * (i % 1000) as f64, &attributes(i));
    }
    Setup {
        ours,
        registry,
        _provider: provider,
    }
}

fn scrape(c: &mut Criterion) {
    let setup = setup();
    // The same series on both sides, checked once before timing.
    let ours = String::from_utf8(setup.ours.render(ExpositionFormat::Text)).expect("UTF-8");
    let mut upstream = Vec::new();
    TextEncoder::new()
        .encode(&setup.registry.gather(), &mut upstream)
        .expect("encoded");
    let upstream = String::from_utf8(upstream).expect("UTF-8");
    let samples = |text: &str| text.lines().filter(|l| !l.starts_with('#')).count();
    eprintln!(
        "samples: ours {} ({} bytes), upstream {} ({} bytes)",
        samples(&ours),
        ours.len(),
        samples(&upstream),
        upstream.len()
    );

    let mut group = c.benchmark_group("scrape_1000_series");
    group.bench_function("upstream_text", |b| {
        let mut out = Vec::with_capacity(256 * 1024);
        b.iter(|| {
            out.clear();
            TextEncoder::new()
                .encode(&setup.registry.gather(), &mut out)
                .expect("encoded");
            black_box(out.len())
        })
    });
    // What the SDK's collection alone costs, inside every scrape of ours.
    group.bench_function("ours_collect_only", |b| {
        let mut collection = opentelemetry_sdk::metrics::data::ResourceMetrics::default();
        b.iter(|| {
            setup.ours.collect(&mut collection).expect("collected");
            black_box(&collection);
        })
    });
    group.bench_function("ours_text", |b| {
        b.iter(|| black_box(setup.ours.render(ExpositionFormat::Text).len()))
    });
    group.bench_function("ours_openmetrics", |b| {
        b.iter(|| black_box(setup.ours.render(ExpositionFormat::OpenMetrics).len()))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    targets = scrape
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
