//! Start-up and shutdown costs of `otel_kit_init`, each against the upstream SDK wired by
//! hand the usual way (same exporters, same signals), measured in the same run.
//!
//! - `init`: from the call to a ready `Telemetry` (three pipelines, OTLP exporters that
//!   connect lazily: no network round trip on this path).
//! - `shutdown_2048`: flushing 2048 queued spans to a live collector (otel-kit-testing's, on
//!   loopback) and shutting down.
#![allow(missing_docs)]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use otel_kit_testing::TestCollector;

fn env(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: HashMap<&'static str, String> = pairs.into_iter().collect();
    move |k| map.get(k).cloned()
}

fn ours(endpoint: &str, protocol: &'static str) -> otel_kit_init::Telemetry {
    otel_kit_init::builder()
        .without_globals()
        .environment(env(vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.to_owned()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()),
            ("OTEL_SERVICE_NAME", "bench".to_owned()),
            ("OTEL_BSP_SCHEDULE_DELAY", "600000".to_owned()),
            // A batch that cannot fill: all 2048 spans are still queued at shutdown.
            ("OTEL_BSP_MAX_QUEUE_SIZE", "4096".to_owned()),
            ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4096".to_owned()),
        ]))
        .init()
        .expect("init")
}

/// The upstream way: three providers over OTLP/gRPC exporters, built inside a runtime.
struct Upstream(SdkTracerProvider, SdkMeterProvider, SdkLoggerProvider);

fn upstream(endpoint: &str, rt: &tokio::runtime::Runtime) -> Upstream {
    let _guard = rt.enter();
    let spans = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .with_endpoint(endpoint)
        .build()
        .expect("spans");
    let metrics = opentelemetry_otlp::MetricExporter::builder()
        .with_tonic()
        .with_endpoint(endpoint)
        .build()
        .expect("metrics");
    let logs = opentelemetry_otlp::LogExporter::builder()
        .with_tonic()
        .with_endpoint(endpoint)
        .build()
        .expect("logs");
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name("bench")
        .build();
    Upstream(
        SdkTracerProvider::builder()
            // The same queue as otel-kit-init's side: a batch that cannot fill, so all
            // 2048 spans are still queued when shutdown starts.
            .with_span_processor(
                opentelemetry_sdk::trace::BatchSpanProcessor::builder(spans)
                    .with_batch_config(
                        opentelemetry_sdk::trace::BatchConfigBuilder::default()
                            .with_max_queue_size(4096)
                            .with_max_export_batch_size(4096)
                            .with_scheduled_delay(Duration::from_secs(600))
                            .build(),
                    )
                    .build(),
            )
            .with_resource(resource.clone())
            .build(),
        SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(metrics).build())
            .with_resource(resource.clone())
            .build(),
        SdkLoggerProvider::builder()
            .with_batch_exporter(logs)
            .with_resource(resource)
            .build(),
    )
}

impl Upstream {
    fn shutdown(self) {
        let _ = self.0.shutdown();
        let _ = self.1.shutdown();
        let _ = self.2.shutdown();
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let collector = rt.block_on(TestCollector::start()).expect("collector");
    let endpoint = collector.endpoint();

    let mut g = c.benchmark_group("init");
    g.sample_size(30).measurement_time(Duration::from_secs(6));
    g.bench_function("baseline_upstream_grpc", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let u = upstream(&endpoint, &rt);
                total += start.elapsed();
                u.shutdown();
            }
            total
        });
    });
    for protocol in ["grpc", "http/protobuf"] {
        g.bench_function(format!("otel_kit_init_{}", protocol.replace('/', "_")), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    let t = ours(&endpoint, protocol);
                    total += start.elapsed();
                    let _ = t.shutdown();
                }
                total
            });
        });
    }
    g.finish();

    let mut g = c.benchmark_group("shutdown_2048_queued_spans");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.bench_function("baseline_upstream_grpc", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                collector.reset();
                let u = upstream(&endpoint, &rt);
                let tracer = u.0.tracer("bench");
                for _ in 0..2048 {
                    tracer.in_span("queued", |_| {});
                }
                let start = Instant::now();
                u.shutdown();
                total += start.elapsed();
            }
            total
        });
    });
    g.bench_function("otel_kit_init_grpc", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                collector.reset();
                let t = ours(&endpoint, "grpc");
                let tracer = t.tracer_provider().tracer("bench");
                for _ in 0..2048 {
                    tracer.in_span("queued", |_| {});
                }
                let start = Instant::now();
                t.shutdown().expect("shutdown");
                total += start.elapsed();
                assert_eq!(
                    collector.spans().len(),
                    2048,
                    "every queued span reached the collector"
                );
            }
            total
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
