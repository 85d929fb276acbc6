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
//! the propagators `otel_kit_init` installs by default (W3C trace context and baggage).
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
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use http::{Request, Response};
use opentelemetry::global;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use otel_kit_http::ServerLayer;
use otel_kit_testing::NoopSpanProcessor;
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

fn tracer_provider(sampler: Sampler) -> SdkTracerProvider {
    let provider = SdkTracerProvider::builder()
        .with_span_processor(NoopSpanProcessor)
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

/// A typical request head: Host with a port, a User-Agent, and optionally an incoming
/// `traceparent` (without one, each request starts a trace). `String` body: empty, so cloning allocates nothing.
fn request(path: &str, traceparent: Option<&str>) -> Request<String> {
    let mut request = Request::get(path)
        .header("host", "api.example.com:8080")
        .header("user-agent", "bench/1.0");
    if let Some(traceparent) = traceparent {
        request = request.header("traceparent", traceparent);
    }
    request.body(String::new()).expect("request")
}

/// An incoming caller that sampled its trace, and one that did not.
const SAMPLED_PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const UNSAMPLED_PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

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

/// Requests per block in the paired mode.
const PAIRED_BLOCK: usize = 500;

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// One measured case: its name, the service, the request.
type Case<'a> = (&'static str, Target, &'a Request<String>);

/// Which service a case sends its request to.
#[derive(Clone, Copy)]
enum Target {
    Router,
    /// The Router with a layer that does nothing: what axum's `Router::layer` itself
    /// costs (it boxes and clones each layered route per request), paid by any layer.
    NoopLayerRouter,
    TracedRouter,
    ServiceFn,
    TracedServiceFn,
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    // What `otel_kit_init` installs by default (`OTEL_PROPAGATORS=tracecontext,baggage`).
    otel_kit_init::reexports::otel_kit_propagators::Propagators::default().install_global();
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(
            PeriodicReader::builder(InMemoryMetricExporter::default())
                .with_interval(Duration::from_secs(86_400))
                .build(),
        )
        .build();
    global::set_meter_provider(meter_provider.clone());

    let users = request("/users/42", None);
    let users_parent = request("/users/42", Some(SAMPLED_PARENT));
    let users_unsampled_parent = request("/users/42", Some(UNSAMPLED_PARENT));
    let health = request("/health", None);
    let health_parent = request("/health", Some(SAMPLED_PARENT));
    // `with_state(())` as `axum::serve` does (through `into_make_service`): it turns
    // each handler into its route once. Called without it, a Router rebuilds the route
    // of the matched handler, layers included, on every request.
    let mut plain_router = router().with_state::<()>(());
    let mut noop_router = router()
        .layer(tower::layer::layer_fn(|inner| inner))
        .with_state::<()>(());
    let mut traced_router = router().layer(ServerLayer::new()).with_state::<()>(());
    let mut plain_fn = tower::service_fn(hello);
    let mut traced_fn = ServerLayer::new().layer(tower::service_fn(hello));

    // (sampler, [(case, target, request)]): each group runs with its sampler installed.
    use Target::*;
    let groups: Vec<(&str, Sampler, Vec<Case<'_>>)> = vec![
        (
            "AlwaysOn",
            Sampler::AlwaysOn,
            vec![
                ("router/baseline", Router, &users),
                ("router/noop_layer", NoopLayerRouter, &users),
                ("router/sampled", TracedRouter, &users),
                ("router/sampled_with_parent", TracedRouter, &users_parent),
                ("router/baseline_health", Router, &health),
                ("router/excluded_health", TracedRouter, &health),
                ("service_fn/baseline", ServiceFn, &users),
                ("service_fn/sampled", TracedServiceFn, &users),
                ("service_fn/sampled_with_parent", TracedServiceFn, &users_parent),
                ("service_fn/baseline_health", ServiceFn, &health),
                ("service_fn/excluded_health", TracedServiceFn, &health),
                (
                    "service_fn/excluded_health_with_parent",
                    TracedServiceFn,
                    &health_parent,
                ),
            ],
        ),
        (
            "AlwaysOff",
            Sampler::AlwaysOff,
            vec![
                ("router/sampled_out", TracedRouter, &users),
                ("service_fn/sampled_out", TracedServiceFn, &users),
            ],
        ),
        (
            "ParentBased(AlwaysOn)",
            Sampler::ParentBased(Box::new(Sampler::AlwaysOn)),
            vec![
                (
                    "router/sampled_out_by_parent",
                    TracedRouter,
                    &users_unsampled_parent,
                ),
                (
                    "service_fn/sampled_out_by_parent",
                    TracedServiceFn,
                    &users_unsampled_parent,
                ),
            ],
        ),
    ];

    let mut run =
        |target: Target, request: &Request<String>, f: &mut dyn FnMut(&mut dyn FnMut())| match target {
            Router => f(&mut || once(&rt, &mut plain_router, request)),
            NoopLayerRouter => f(&mut || once(&rt, &mut noop_router, request)),
            TracedRouter => f(&mut || once(&rt, &mut traced_router, request)),
            ServiceFn => f(&mut || once(&rt, &mut plain_fn, request)),
            TracedServiceFn => f(&mut || once(&rt, &mut traced_fn, request)),
        };

    // `SERVER_BENCH_ONLY=<case>:<requests>` runs one case that many times (after its
    // warm-up) and exits, for instruction counts under callgrind; the difference
    // between two request counts divided by their difference is the cost of one
    // request, free of set-up and of the machine's noise.
    if let Ok(only) = std::env::var("SERVER_BENCH_ONLY") {
        let (only, requests) = only
            .rsplit_once(':')
            .expect("SERVER_BENCH_ONLY=<case>:<requests>");
        let requests: usize = requests.parse().expect("a request count");
        for (_, sampler, cases) in &groups {
            for (case, target, request) in cases.iter().filter(|(case, ..)| *case == only) {
                let _provider = tracer_provider(sampler.clone());
                run(*target, request, &mut |one| {
                    for _ in 0..1000 {
                        one();
                    }
                    for _ in 0..requests {
                        one();
                    }
                });
                println!("ran {case} {requests} times");
            }
        }
        return;
    }

    // `SERVER_BENCH_PAIRED=<blocks>`: each case against its baseline, alternating
    // blocks of requests (A, B, A, B, ...) and taking the median over blocks of the
    // difference and of the ratio, so that the machine's drift and noise (a shared VM)
    // hit both sides alike; then exits.
    if let Ok(blocks) = std::env::var("SERVER_BENCH_PAIRED") {
        let blocks: usize = blocks.parse().expect("a block count");
        let mut one = |target: Target, request: &Request<String>| match target {
            Router => once(&rt, &mut plain_router, request),
            NoopLayerRouter => once(&rt, &mut noop_router, request),
            TracedRouter => once(&rt, &mut traced_router, request),
            ServiceFn => once(&rt, &mut plain_fn, request),
            TracedServiceFn => once(&rt, &mut traced_fn, request),
        };
        println!("| case | baseline | added per request | ratio |");
        println!("| --- | --- | ---: | ---: |");
        for (_, sampler, cases) in &groups {
            let _provider = tracer_provider(sampler.clone());
            for (case, target, request) in cases {
                let (base_target, base_request) = match (target, case.contains("health")) {
                    (Router | ServiceFn, _) => continue,
                    (NoopLayerRouter | TracedRouter, false) => (Router, &users),
                    (NoopLayerRouter | TracedRouter, true) => (Router, &health),
                    (TracedServiceFn, false) => (ServiceFn, &users),
                    (TracedServiceFn, true) => (ServiceFn, &health),
                };
                let mut time = |t: Target, r: &Request<String>| {
                    let started = Instant::now();
                    for _ in 0..PAIRED_BLOCK {
                        one(t, r);
                    }
                    started.elapsed().as_secs_f64() * 1e9 / PAIRED_BLOCK as f64
                };
                // Warm-up.
                for _ in 0..20 {
                    time(*target, request);
                    time(base_target, base_request);
                }
                let (mut added, mut ratios) = (Vec::new(), Vec::new());
                for _ in 0..blocks {
                    let measured = time(*target, request);
                    let base = time(base_target, base_request);
                    added.push(measured - base);
                    ratios.push(measured / base);
                }
                let base_name = if case.contains("health") {
                    "baseline_health"
                } else {
                    "baseline"
                };
                println!(
                    "| {case} | {base_name} | {:.0} ns | {:.2}x |",
                    median(&mut added),
                    median(&mut ratios)
                );
            }
        }
        return;
    }

    // Allocations per request, printed before the timings.
    println!("allocations per request (mean of {ALLOC_REQUESTS} after a warm-up):");
    for (sampler_name, sampler, cases) in &groups {
        let provider = tracer_provider(sampler.clone());
        for (case, target, request) in cases {
            let mut mean = 0.0;
            run(*target, request, &mut |one| {
                let until = Instant::now() + Duration::from_millis(30);
                while Instant::now() < until {
                    one();
                }
                let before = allocations();
                for _ in 0..ALLOC_REQUESTS {
                    one();
                }
                mean = (allocations() - before) as f64 / ALLOC_REQUESTS as f64;
            });
            println!("  {case:<40} {mean:>6.2}   ({sampler_name})");
        }
        let _ = provider.shutdown();
    }

    let mut g = c.benchmark_group("server");
    for (_, sampler, cases) in &groups {
        let provider = tracer_provider(sampler.clone());
        for (case, target, request) in cases {
            run(*target, request, &mut |one| {
                g.bench_function(*case, |b| b.iter(&mut *one));
            });
        }
        let _ = provider.shutdown();
    }
    g.finish();
    let _ = meter_provider.shutdown();
}

criterion_group!(benches, bench);
criterion_main!(benches);
