//! What a `tracing` event inside a span costs with and without its copy as a span event
//! (`SpanEvents`): an `info` span entered and left around one `info` event, through the
//! layers `init()` installs, the span sampled and recorded, no exporter. The logger
//! provider has no processor, so the log bridge does no work in either case and the
//! difference is the span event alone (its attributes, its push onto the span, the
//! `error` check that replaces it).
//!
//! Run with `cargo bench -p otel-kit-init --bench span_events`.
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use otel_kit_init::subscriber::{self, Console, ConsoleFormat, LogFilter, SpanEvents};
use tracing::Dispatch;
use tracing_subscriber::layer::SubscriberExt as _;

fn span_with_an_event() {
    tracing::info_span!("request").in_scope(|| {
        tracing::info!(order = 42, "handled");
    });
}

fn span_events(c: &mut Criterion) {
    let tracer_provider = SdkTracerProvider::builder().build();
    let logger_provider = SdkLoggerProvider::builder().build();
    let dispatch = |span_events| {
        Dispatch::new(
            tracing_subscriber::registry().with(
                subscriber::layers_with_span_events(
                    tracer_provider.tracer("bench"),
                    &logger_provider,
                    Console::new(ConsoleFormat::Text, std::io::sink),
                    &LogFilter::default(),
                    span_events,
                )
                .into_layer(),
            ),
        )
    };
    let mut g = c.benchmark_group("span_events");
    g.measurement_time(Duration::from_secs(4));
    for (name, chosen) in [
        ("recorded", SpanEvents::Recorded),
        ("logs_only", SpanEvents::LogsOnly),
    ] {
        let dispatch = dispatch(chosen);
        tracing::dispatcher::with_default(&dispatch, || {
            g.bench_function(format!("span_with_an_event/{name}"), |b| {
                b.iter(span_with_an_event)
            });
        });
    }
    g.finish();
}

criterion_group!(benches, span_events);
criterion_main!(benches);
