//! What the span explosion guard adds to `SpanQueueProcessor::on_end`, measured in the
//! same run as the processor without it (`max_trace_share` 100, which skips the
//! per-trace count):
//!
//! - `own_traces/*`: every span its own trace (a server span per request, the common
//!   case): the count map gains and loses one entry per span.
//! - `one_trace/*`: 512 spans per trace (a request that makes many children), up to
//!   its share: one entry, counted up and down.
//!
//! The exporter does nothing, and the queue is large enough that nothing is dropped,
//! so the difference between a pair is the guard's bookkeeping in `on_end` and in the
//! worker's `take`. Run with `cargo bench -p otel-kit-processors --bench span_queue`; the
//! figures are in `docs/performance.md`.
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{Criterion, criterion_group};
use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};

#[derive(Debug)]
struct NoopExporter;

impl SpanExporter for NoopExporter {
    async fn export(&self, _batch: Vec<SpanData>) -> OTelSdkResult {
        Ok(())
    }
}

const VARIANTS: [(&str, u8); 2] = [
    ("unguarded", 100),
    ("guarded", BatchSettings::DEFAULT_MAX_TRACE_SHARE),
];

fn provider(share: u8) -> SdkTracerProvider {
    let settings = BatchSettings {
        schedule_delay: Duration::from_millis(10),
        max_queue_size: 65_536,
        ..BatchSettings::SPAN_DEFAULTS
    }
    .with_max_trace_share(share)
    .expect("a valid share");
    SdkTracerProvider::builder()
        .with_span_processor(SpanQueueProcessor::new(NoopExporter, settings))
        .build()
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("own_traces");
    for (name, share) in VARIANTS {
        let provider = provider(share);
        let tracer = provider.tracer("bench");
        group.bench_function(name, |b| b.iter(|| tracer.in_span("request", |_| {})));
        provider.shutdown().expect("shutdown");
    }
    group.finish();

    let mut group = c.benchmark_group("one_trace");
    for (name, share) in VARIANTS {
        let provider = provider(share);
        let tracer = provider.tracer("bench");
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let started = std::time::Instant::now();
                let mut left = iterations;
                while left > 0 {
                    let n = left.min(511);
                    tracer.in_span("request", |_| {
                        for _ in 0..n {
                            tracer.in_span("child", |_| {});
                        }
                    });
                    left -= n;
                }
                started.elapsed()
            })
        });
        provider.shutdown().expect("shutdown");
    }
    group.finish();
}

criterion_group! {
    name = span_queue;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = benches
}

fn main() {
    span_queue();
    Criterion::default().configure_from_args().final_summary();
}
