//! A request whose span the sampler drops costs its ids and a non-recording context:
//! with `init()`'s provider (which its instrumentations ask before building a span) no
//! SDK span is made for it, whether the providers are the globals or given to the layer
//! (`Telemetry::providers`). Counted in allocations per request over the same service
//! without the layer, sampled out and sampled, by otel-kit-testing's `allocations`
//! (this binary's global allocator), in a process of its own.

use std::convert::Infallible;

use http::{Request, Response};
use otel_kit_http::ServerLayer;
use otel_kit_testing::allocations::measure;
use otel_kit_testing::alone;
use tower::{Layer as _, Service, ServiceExt as _};

const REQUESTS: usize = 200;

/// What a sampled-out request may allocate beyond the bare service: the non-recording
/// span's context, 1 when measured, with one to spare. Its attributes are not made (the
/// ratio presets read none); they would add two (the vector and `url.path`), and a span
/// built by the SDK and dropped three more.
const UNSAMPLED_BOUND: usize = 2;

fn handler(_: Request<String>) -> std::future::Ready<Result<Response<String>, Infallible>> {
    std::future::ready(Ok(Response::new(String::new())))
}

/// Allocations per request through `service` on a current-thread runtime.
fn allocations_per_request<S>(what: &str, service: S) -> f64
where
    S: Service<Request<String>, Response = Response<String>> + Clone,
    S::Error: std::fmt::Debug,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let request = || Request::get("/users/7").body(String::new()).expect("request");
    // Warm up: the thread's copy of the globals, the metric's series.
    for _ in 0..10 {
        runtime
            .block_on(service.clone().oneshot(request()))
            .expect("response");
    }
    let requests: Vec<_> = (0..REQUESTS).map(|_| (service.clone(), request())).collect();
    let (_, cost) = measure(what, REQUESTS, || {
        for (service, request) in requests {
            runtime.block_on(service.oneshot(request)).expect("response");
        }
    });
    cost.allocations as f64 / REQUESTS as f64
}

/// Allocations per request the layer adds at `ratio`, with `init()`'s providers as the
/// globals, or given to the layer (`Telemetry::providers`) when `given`.
fn added(ratio: &str, given: bool) -> f64 {
    let builder = otel_kit_init::builder().service_name("unsampled-cost");
    let builder = if given { builder.without_globals() } else { builder };
    let telemetry = builder
        .environment_variables([
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", ratio),
        ])
        .without_tracing_subscriber()
        .init()
        .expect("init");
    let bare = tower::service_fn(handler as fn(_) -> _);
    let plain = allocations_per_request("bare", bare);
    let layer = if given {
        ServerLayer::new().providers(telemetry.providers())
    } else {
        ServerLayer::new()
    };
    let layered = allocations_per_request(&format!("layer, ratio {ratio}, given {given}"), layer.layer(bare));
    drop(telemetry);
    let added = layered - plain;
    println!(
        "ratio {ratio}, given {given}: {plain:.2} allocations per request bare, {added:.2} added by the layer"
    );
    added
}

#[test]
fn a_sampled_out_request_builds_no_span() {
    alone("unsampled_cost::a_sampled_out_request_builds_no_span", || {
        let unsampled = added("0", false);
        let sampled = added("1", false);
        let given = added("0", true);
        assert!(
            unsampled <= UNSAMPLED_BOUND as f64,
            "a sampled-out request allocated {unsampled:.2} times over the bare service (bound {UNSAMPLED_BOUND})"
        );
        assert!(
            given <= UNSAMPLED_BOUND as f64,
            "with `Telemetry::providers` given, a sampled-out request allocated {given:.2} times (bound {UNSAMPLED_BOUND})"
        );
        // A recorded span is an SDK span, boxed by the global tracer, in a context
        // that boxes it again, and stored as the `ServerSpan`: what a dropped one skips.
        assert!(
            sampled >= unsampled + 4.0,
            "a sampled request allocated {sampled:.2} times, a sampled-out one {unsampled:.2}: the dropped span should skip the SDK's"
        );
    });
}
