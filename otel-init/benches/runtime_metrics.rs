//! What the process and tokio runtime metrics add to one metric collection, side by
//! side in one run: `init()` with an in-memory periodic reader (the interval far away),
//! collected with `force_flush`, inside a two-worker tokio runtime.
//!
//! - `without`: `.without_runtime_metrics()`, the baseline (the span queue's own
//!   metrics only);
//! - `with`: the default, the `process.*` and `tokio.*` instruments registered.
//!
//! Their difference is what each export or scrape pays; none of it is on the request
//! path. Run with `cargo bench -p otel-kit-init --bench runtime_metrics`.
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{Criterion, criterion_group};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader};

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let _entered = runtime.enter();
    let mut group = c.benchmark_group("runtime_metrics_collection");
    for case in ["without", "with"] {
        let memory = InMemoryMetricExporter::default();
        let mut builder = otel_kit_init::builder()
            .without_globals()
            .exporter(otel_kit_init::Exporter::None)
            .environment(|k| (k == "OTEL_METRIC_EXPORT_INTERVAL").then(|| "3600000".to_owned()))
            .with_metric_reader(PeriodicReader::builder(memory.clone()).build());
        if case == "without" {
            builder = builder.without_runtime_metrics();
        }
        let telemetry = builder.init().expect("init");
        group.bench_function(case, |b| {
            b.iter(|| {
                telemetry.meter_provider().force_flush().expect("flush");
                memory.reset();
            });
        });
        drop(telemetry);
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = bench
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
