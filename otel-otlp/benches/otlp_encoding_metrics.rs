//! Our OTLP protobuf encoding of metrics against opentelemetry-proto's, side by side in
//! one run.
//!
//! All turn the same `ResourceMetrics`, a collection as the periodic reader hands it to
//! the exporter, into the bytes of an `ExportMetricsServiceRequest`:
//!
//! - `opentelemetry_proto`: what opentelemetry-otlp 0.33 does,
//!   `ExportMetricsServiceRequest::from(&metrics)` and prost's `encode`, into a kept
//!   buffer (upstream allocates a new one per export; this is its best case);
//! - `ours`: `MetricEncoder::encode(&metrics, None, ..)` into a kept buffer;
//! - `ours_exemplars`: the same, with the kit's exemplars
//!   (`Some(provider.reservoirs().as_ref())`, as `proto_export/metrics.rs` passes
//!   them): the histogram points also get the exemplars kept beside the SDK.
//!
//! The collection is what a service's HTTP server metrics and a few others aggregate
//! to, recorded through an `ExemplarMeterProvider` (filter `TraceBased`) over the
//! SDK's provider, cumulative, in a sampled span's context:
//! `http.server.request.duration` for 10 routes × 5 method and status pairs (50
//! histogram points, the kit's 14 boundaries, 5 attributes each, 18 measurements a
//! point over 11 of its 15 buckets: the reservoirs keep one exemplar a bucket, 11 a
//! point), `http.server.active_requests` (2 points), the
//! connection pool's `db.client.connection.count` (2), and the application's counter
//! (3 points) and gauges (3): 60 data points, 3 scopes, a resource of 10 attributes.
//! Each case's whole cost is timed, dropping the request structs upstream builds
//! included (upstream's exporter drops them after each export). The throughput is per
//! data point. Run with `cargo bench -p otel-kit-otlp --bench otlp_encoding_metrics`.
//!
//! `OTLP_METRICS_BENCH_ONLY=<case>:<collections>` runs one case that many times after a
//! warm-up of 20 collections, and exits: for instruction counts under callgrind
//! (subtract two run lengths to leave out the set-up).
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use opentelemetry::{Context, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use otel_kit_core::__private::HTTP_RPC_DURATION_BUCKETS;
use otel_kit_core::__private::exemplar::ExemplarFilter;
use otel_kit_core::__private::exemplar::ExemplarMeterProvider;
use otel_kit_otlp::otlp_encoding::MetricEncoder;
use prost::Message as _;

const CASES: [&str; 3] = ["opentelemetry_proto", "ours", "ours_exemplars"];

const ROUTES: [&str; 10] = [
    "/orders",
    "/orders/{id}",
    "/orders/{id}/items",
    "/cart",
    "/cart/items/{item}",
    "/checkout",
    "/payments/{id}",
    "/users/{id}",
    "/products",
    "/products/{sku}",
];

/// The method and status pairs each route answers with.
const OUTCOMES: [(&str, i64); 5] = [
    ("GET", 200),
    ("GET", 304),
    ("GET", 404),
    ("POST", 201),
    ("POST", 500),
];

/// Durations; each is recorded at a half, one and one and a half times its value,
/// which fall in 11 buckets.
const DURATIONS: [f64; 6] = [0.003, 0.008, 0.02, 0.06, 0.3, 1.7];

#[path = "fixtures/resource.rs"]
mod fixtures;
use fixtures::resource;

fn scope(name: &'static str) -> InstrumentationScope {
    InstrumentationScope::builder(name)
        .with_version("0.1.0")
        .with_schema_url("https://opentelemetry.io/schemas/1.40.0")
        .build()
}

/// Records the measurements, in a sampled span's context.
fn record(provider: &ExemplarMeterProvider<SdkMeterProvider>) {
    let _attached = Context::new()
        .with_remote_span_context(SpanContext::new(
            TraceId::from(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736_u128),
            SpanId::from(0x00f0_67aa_0ba9_02b7_u64),
            TraceFlags::SAMPLED,
            true,
            TraceState::NONE,
        ))
        .attach();
    let http = provider.meter_with_scope(scope("otel-kit-http"));
    let duration = http
        .f64_histogram("http.server.request.duration")
        .with_unit("s")
        .with_description("Duration of HTTP server requests.")
        .with_boundaries(HTTP_RPC_DURATION_BUCKETS.to_vec())
        .build();
    for route in ROUTES {
        for (method, status) in OUTCOMES {
            let attributes = [
                KeyValue::new("http.request.method", method),
                KeyValue::new("url.scheme", "https"),
                KeyValue::new("network.protocol.version", "1.1"),
                KeyValue::new("http.route", route),
                KeyValue::new("http.response.status_code", status),
            ];
            for round in 0..3 {
                for d in DURATIONS {
                    duration.record(d * f64::from(1 + round) / 2.0, &attributes);
                }
            }
        }
    }
    let active = http
        .i64_up_down_counter("http.server.active_requests")
        .with_unit("{request}")
        .with_description("Number of active HTTP server requests.")
        .build();
    for (method, n) in [("GET", 3), ("POST", 1)] {
        active.add(
            n,
            &[
                KeyValue::new("http.request.method", method),
                KeyValue::new("url.scheme", "https"),
            ],
        );
    }

    let db = provider.meter_with_scope(scope("otel-kit-db"));
    let connections = db
        .i64_up_down_counter("db.client.connection.count")
        .with_unit("{connection}")
        .build();
    for (state, n) in [("idle", 6), ("used", 2)] {
        let pool = KeyValue::new("db.client.connection.pool.name", "orders-primary");
        connections.add(n, &[pool, KeyValue::new("db.client.connection.state", state)]);
    }

    let app = provider.meter_with_scope(InstrumentationScope::builder("checkout").build());
    let paid = app
        .u64_counter("checkout.orders.paid")
        .with_unit("{order}")
        .build();
    for (currency, n) in [("EUR", 812), ("USD", 301), ("GBP", 77)] {
        paid.add(n, &[KeyValue::new("currency", currency)]);
    }
    app.f64_gauge("checkout.queue.utilization")
        .with_unit("1")
        .build()
        .record(0.42, &[]);
    let stock = app
        .i64_gauge("checkout.inventory.level")
        .with_unit("{item}")
        .build();
    for (warehouse, n) in [("fra-1", 1_204), ("dub-2", 388)] {
        stock.record(n, &[KeyValue::new("warehouse", warehouse)]);
    }
}

/// The collection, and the provider whose reservoirs hold its exemplars.
fn collection() -> (ResourceMetrics, ExemplarMeterProvider<SdkMeterProvider>) {
    let exporter = InMemoryMetricExporter::default();
    let sdk = SdkMeterProvider::builder()
        .with_resource(resource())
        .with_reader(PeriodicReader::builder(exporter.clone()).build())
        .build();
    let provider = ExemplarMeterProvider::new(sdk, ExemplarFilter::TraceBased);
    record(&provider);
    provider.inner().force_flush().expect("collected");
    let metrics = exporter.get_finished_metrics().expect("collected").pop();
    (metrics.expect("one collection"), provider)
}

struct Cases {
    ours: MetricEncoder,
    provider: ExemplarMeterProvider<SdkMeterProvider>,
    buffer: Vec<u8>,
}

impl Cases {
    /// The cases, once checked: ours writes prost's bytes, and with the exemplars as many
    /// more as the reservoirs hold. Returns the data points, histogram points and
    /// exemplars there are.
    fn new(
        metrics: &ResourceMetrics,
        provider: ExemplarMeterProvider<SdkMeterProvider>,
    ) -> (Self, [usize; 3]) {
        let mut cases = Cases {
            ours: MetricEncoder::default(),
            provider,
            buffer: Vec::new(),
        };
        cases.run("opentelemetry_proto", metrics);
        let upstream = std::mem::take(&mut cases.buffer);
        cases.run("ours", metrics);
        assert!(cases.buffer == upstream, "ours writes prost's bytes");
        cases.run("ours_exemplars", metrics);
        let request = ExportMetricsServiceRequest::decode(cases.buffer.as_slice()).expect("decodes");
        let mut counts = [0; 3];
        for m in request
            .resource_metrics
            .iter()
            .flat_map(|r| &r.scope_metrics)
            .flat_map(|s| &s.metrics)
        {
            counts[0] += match &m.data {
                Some(Data::Gauge(g)) => g.data_points.len(),
                Some(Data::Sum(s)) => s.data_points.len(),
                Some(Data::Histogram(h)) => {
                    counts[1] += h.data_points.len();
                    counts[2] += h.data_points.iter().map(|p| p.exemplars.len()).sum::<usize>();
                    h.data_points.len()
                }
                other => panic!("no {other:?} here"),
            };
        }
        assert!(counts[2] > 0, "exemplars are written");
        assert_eq!(cases.ours.dropped_values(), 0);
        (cases, counts)
    }

    fn run(&mut self, case: &str, metrics: &ResourceMetrics) {
        match case {
            "opentelemetry_proto" => {
                let request = ExportMetricsServiceRequest::from(metrics);
                self.buffer.clear();
                request.encode(&mut self.buffer).expect("a Vec grows");
            }
            "ours" => self.ours.encode(metrics, None, &mut self.buffer),
            "ours_exemplars" => {
                let exemplars = Some(self.provider.reservoirs().as_ref() as _);
                self.ours.encode(metrics, exemplars, &mut self.buffer);
            }
            other => panic!("no case {other}; one of {CASES:?}"),
        }
        black_box(&self.buffer);
    }
}

fn encoding(c: &mut Criterion) {
    let (metrics, provider) = collection();
    let (mut cases, [points, histograms, exemplars]) = Cases::new(&metrics, provider);
    println!("{points} data points, {histograms} of them histogram points, with {exemplars} exemplars");
    let mut group = c.benchmark_group(format!("otlp_encoding/metrics_{points}_points"));
    group.throughput(Throughput::Elements(points as u64));
    for case in CASES {
        group.bench_function(case, |b| b.iter(|| cases.run(case, &metrics)));
    }
    group.finish();
}

criterion_group!(benches, encoding);

fn main() {
    if let Ok(only) = std::env::var("OTLP_METRICS_BENCH_ONLY") {
        let (case, collections) = only
            .rsplit_once(':')
            .expect("OTLP_METRICS_BENCH_ONLY=<case>:<collections>");
        let collections: usize = collections.parse().expect("a collection count");
        let (metrics, provider) = collection();
        let (mut cases, counts) = Cases::new(&metrics, provider);
        for _ in 0..20 + collections {
            cases.run(case, &metrics);
        }
        println!("ran {case} {collections} times; points, histogram points, exemplars: {counts:?}");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
