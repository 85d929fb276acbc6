//! What runtime control adds to the hot paths, each against the code without it in the
//! same run:
//!
//! - the sampler's decision: otel-kit-sampling's bench `sampler`
//!   (`cargo bench -p otel-kit-sampling --bench sampler`).
//! - `filter/*`: why `init()` does not use tracing-subscriber's `reload::Layer`. A span
//!   entered and exited around two events (one `info`, enabled; one `debug`, filtered
//!   out) on a registry with three per-layer-filtered layers, as the subscriber `init()`
//!   installs has. The layers do nothing, so the difference is the filters alone:
//!   `env_filter` has an `EnvFilter("info")` on each layer, `reload_layer` the same
//!   inside `reload::Layer`.
//! - `subscriber/*`: the whole subscriber `init()` installs (tracing-opentelemetry, the
//!   log bridge, the console), with the filters `TelemetryControl::set_filter` replaces,
//!   against the same subscriber with plain `EnvFilter`s, as it was before. An `info`
//!   span around a `debug` event that is filtered out; no exporter.
//!
//! Run with `cargo bench -p otel-kit-init --bench control`.
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use opentelemetry::trace::TracerProvider as _;
use otel_kit_init::subscriber::{self, Console, ConsoleFormat, LogFilter};
use tracing::Dispatch;
use tracing_subscriber::layer::{Identity, Layer as _, SubscriberExt as _};
use tracing_subscriber::{EnvFilter, Registry, reload};

/// A registry with three no-op layers, each behind a filter `make` returns.
fn three_filtered_layers<F>(mut make: impl FnMut() -> F) -> Dispatch
where
    F: tracing_subscriber::layer::Filter<Registry> + Send + Sync + 'static,
{
    // One layer made of three, as `TelemetryLayers::into_layer` stacks them: each filter
    // sees the registry below.
    let layers = Identity::new()
        .with_filter(make())
        .and_then(Identity::new().with_filter(make()))
        .and_then(Identity::new().with_filter(make()));
    Dispatch::new(Registry::default().with(layers))
}

/// What the hot path runs in a handler: a span entered and left, one event in it that
/// the filter lets through and one it does not.
fn span_with_two_events() {
    tracing::info_span!("request").in_scope(|| {
        tracing::info!(order = 42, "handled");
        tracing::debug!("skipped");
    });
}

/// The same without the enabled event, which would print a console line in `subscriber`.
fn span_with_a_filtered_event() {
    tracing::info_span!("request").in_scope(|| tracing::debug!("skipped"));
}

fn filter(c: &mut Criterion) {
    let plain = three_filtered_layers(|| EnvFilter::new("info"));
    let mut handles = Vec::new();
    let reload_layer = three_filtered_layers(|| {
        let (filter, handle) = reload::Layer::new(EnvFilter::new("info"));
        handles.push(handle);
        filter
    });
    let mut g = c.benchmark_group("filter");
    g.measurement_time(Duration::from_secs(4));
    for (name, dispatch) in [("env_filter", &plain), ("reload_layer", &reload_layer)] {
        tracing::dispatcher::with_default(dispatch, || {
            g.bench_function(format!("span_with_two_events/{name}"), |b| {
                b.iter(span_with_two_events)
            });
        });
    }
    g.finish();
    drop(handles);
}

/// The subscriber `init()` installs (globally, so read back as a `Dispatch`), against
/// the one it installed before runtime control: `subscriber::subscriber` over the same
/// providers and directives. Both run as the scoped default, so both pay the same
/// dispatch lookup.
fn subscriber(c: &mut Criterion) {
    let telemetry = otel_kit_init::builder()
        .environment(|name| match name {
            "OTEL_TRACES_EXPORTER" | "OTEL_METRICS_EXPORTER" | "OTEL_LOGS_EXPORTER" => {
                Some("none".to_owned())
            }
            "RUST_LOG" => Some("info".to_owned()),
            _ => None,
        })
        .init()
        .expect("init");
    let now = tracing::dispatcher::get_default(Dispatch::clone);
    let directives = LogFilter::parse("info,opentelemetry=info,otel_kit_init=info").expect("valid");
    let before = Dispatch::new(subscriber::subscriber(
        telemetry.tracer_provider().tracer("otel-kit-init"),
        telemetry.logger_provider(),
        Console::stdout(ConsoleFormat::Text),
        &directives,
    ));
    let mut g = c.benchmark_group("subscriber");
    g.measurement_time(Duration::from_secs(4));
    for (name, dispatch) in [("static_filters", &before), ("reloadable_filters", &now)] {
        tracing::dispatcher::with_default(dispatch, || {
            g.bench_function(format!("span_with_a_filtered_event/{name}"), |b| {
                b.iter(span_with_a_filtered_event);
            });
        });
    }
    g.finish();
}

criterion_group!(benches, filter, subscriber);
criterion_main!(benches);
