//! In-process cost of the server layer: one request through `tower::Service::call` on
//! an axum Router (`/users/{id}`, handler `|| async { "ok" }`), no I/O, driven by a
//! current-thread tokio runtime (`block_on` per request), against the same Router
//! without the layer, measured in the same run.
//!
//! Globals, set once at start: a tracer provider whose only processor does nothing
//! (spans are still built, attributes set and ended; `on_end` drops them), sampling
//! `AlwaysOn` (or `AlwaysOff` for the sampled-out case); a meter provider with a
//! `PeriodicReader` (interval one day, so it never exports during the run) over an
//! `InMemoryMetricExporter`, so the histogram record path is the real aggregating one;
//! the W3C trace-context propagator.
//!
//! Cases: `baseline` (no layer), `layer_sampled`, `layer_sampled_out`, and `/health`
//! (excluded by default) with and without the layer; plus a `tower::service_fn`
//! hello-world with and without the layer (no router, so no route and no
//! `MatchedPath`).
//!
//! Criterion does not count allocations: a counting global allocator (`stats_alloc`)
//! does, and the bench prints allocations per request for each case (averaged over
//! 10,000 requests) before the timings.
#![allow(missing_docs)]

use std::alloc::System;
use std::convert::Infallible;
use std::hint::black_box;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use http::{Request, Response};
use opentelemetry::Context;
use opentelemetry::global;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider, Span, SpanData, SpanProcessor};
use otel_http::ServerLayer;
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use tower::{Layer as _, Service, ServiceExt as _};

// Counts every allocation and reallocation of the process. `stats_alloc` holds the
// `unsafe impl GlobalAlloc` (a forwarding wrapper around `System`): the workspace
// forbids unsafe code, and `forbid` cannot be relaxed by an `allow` in this file.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn allocations() -> usize {
    let stats = GLOBAL.stats();
    stats.allocations + stats.reallocations
}

/// A span processor that does nothing: spans are built and ended, then dropped.
#[derive(Debug)]
struct Noop;

impl SpanProcessor for Noop {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}
    fn on_end(&self, _span: SpanData) {}
    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }
    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }
}

fn tracer_provider(sampler: Sampler) -> SdkTracerProvider {
    let provider = SdkTracerProvider::builder()
        .with_span_processor(Noop)
        .with_sampler(sampler)
        .build();
    global::set_tracer_provider(provider.clone());
    provider
}

fn router() -> Router {
    Router::new()
        .route("/users/{id}", get(|| async { "ok" }))
        .route("/health", get(|| async { "ok" }))
}

/// A typical request head: Host with a port, a User-Agent, no incoming `traceparent`
/// (so each request starts a trace). `String` body: empty, so cloning allocates nothing.
fn request(path: &str) -> Request<String> {
    Request::get(path)
        .header("host", "api.example.com:8080")
        .header("user-agent", "bench/1.0")
        .body(String::new())
        .expect("request")
}

async fn hello(_: Request<String>) -> Result<Response<String>, Infallible> {
    Ok(Response::new(String::from("hello")))
}

/// One request: `ready().call()` on a service held across iterations, request cloned.
fn once<S, B>(rt: &tokio::runtime::Runtime, service: &mut S, request: &Request<String>)
where
    S: Service<Request<String>, Response = Response<B>>,
    S::Error: std::fmt::Debug,
{
    let response = rt.block_on(async {
        service
            .ready()
            .await
            .expect("ready")
            .call(request.clone())
            .await
            .expect("response")
    });
    black_box(response);
}

const ALLOC_REQUESTS: usize = 10_000;

fn allocations_per_request<S, B>(
    rt: &tokio::runtime::Runtime,
    service: &mut S,
    request: &Request<String>,
) -> f64
where
    S: Service<Request<String>, Response = Response<B>>,
    S::Error: std::fmt::Debug,
{
    // Warm up: the metric cache, the SDK's attribute-set map, thread-locals.
    for _ in 0..1000 {
        once(rt, service, request);
    }
    let before = allocations();
    for _ in 0..ALLOC_REQUESTS {
        once(rt, service, request);
    }
    (allocations() - before) as f64 / ALLOC_REQUESTS as f64
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    global::set_text_map_propagator(TraceContextPropagator::new());
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(
            PeriodicReader::builder(InMemoryMetricExporter::default())
                .with_interval(Duration::from_secs(86_400))
                .build(),
        )
        .build();
    global::set_meter_provider(meter_provider.clone());
    let sampled = tracer_provider(Sampler::AlwaysOn);

    let users = request("/users/42");
    let health = request("/health");
    let mut plain = router();
    let mut traced = router().layer(ServerLayer::new());
    let mut plain_fn = tower::service_fn(hello);
    let mut traced_fn = ServerLayer::new().layer(tower::service_fn(hello));

    // Allocations per request, printed before the timings.
    let mut counts = vec![
        (
            "baseline /users/{id}",
            allocations_per_request(&rt, &mut plain, &users),
        ),
        (
            "layer, sampled",
            allocations_per_request(&rt, &mut traced, &users),
        ),
        (
            "baseline /health",
            allocations_per_request(&rt, &mut plain, &health),
        ),
        (
            "layer, /health excluded",
            allocations_per_request(&rt, &mut traced, &health),
        ),
        (
            "service_fn baseline",
            allocations_per_request(&rt, &mut plain_fn, &users),
        ),
        (
            "service_fn layer, sampled",
            allocations_per_request(&rt, &mut traced_fn, &users),
        ),
        (
            "service_fn baseline /health",
            allocations_per_request(&rt, &mut plain_fn, &health),
        ),
        (
            "service_fn layer, /health excluded",
            allocations_per_request(&rt, &mut traced_fn, &health),
        ),
    ];
    let _ = sampled.shutdown();
    let unsampled = tracer_provider(Sampler::AlwaysOff);
    counts.push((
        "layer, sampled out",
        allocations_per_request(&rt, &mut traced, &users),
    ));
    counts.push((
        "service_fn layer, sampled out",
        allocations_per_request(&rt, &mut traced_fn, &users),
    ));
    let _ = unsampled.shutdown();
    println!("allocations per request (mean of {ALLOC_REQUESTS}):");
    for (case, n) in &counts {
        println!("  {case:<36} {n:>6.2}");
    }

    let sampled = tracer_provider(Sampler::AlwaysOn);
    let mut g = c.benchmark_group("server");
    g.bench_function("baseline", |b| b.iter(|| once(&rt, &mut plain, &users)));
    g.bench_function("layer_sampled", |b| b.iter(|| once(&rt, &mut traced, &users)));
    g.bench_function("baseline_health", |b| b.iter(|| once(&rt, &mut plain, &health)));
    g.bench_function("layer_health_excluded", |b| {
        b.iter(|| once(&rt, &mut traced, &health))
    });
    g.bench_function("service_fn_baseline", |b| {
        b.iter(|| once(&rt, &mut plain_fn, &users))
    });
    g.bench_function("service_fn_layer_sampled", |b| {
        b.iter(|| once(&rt, &mut traced_fn, &users))
    });
    g.bench_function("service_fn_baseline_health", |b| {
        b.iter(|| once(&rt, &mut plain_fn, &health))
    });
    g.bench_function("service_fn_layer_health_excluded", |b| {
        b.iter(|| once(&rt, &mut traced_fn, &health))
    });
    let _ = sampled.shutdown();
    let unsampled = tracer_provider(Sampler::AlwaysOff);
    g.bench_function("layer_sampled_out", |b| b.iter(|| once(&rt, &mut traced, &users)));
    g.bench_function("service_fn_layer_sampled_out", |b| {
        b.iter(|| once(&rt, &mut traced_fn, &users))
    });
    g.finish();
    let _ = unsampled.shutdown();
    let _ = meter_provider.shutdown();
}

criterion_group!(benches, bench);
criterion_main!(benches);
