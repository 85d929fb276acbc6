//! In-process cost of the layers: one unary call from a tonic generated client to
//! the generated server, with no transport in between (the client's service is the
//! server itself), so encoding, decoding, routing and the handler are all real and
//! nothing else is. Driven by a current-thread tokio runtime (`block_on` per call).
//!
//! Cases, measured in the same run:
//! - `baseline`: no layers;
//! - `otel_kit_grpc`: `ClientLayer` and `ServerLayer` (a client and a server span per call);
//! - `otel_kit_grpc_server`: `ServerLayer` only;
//! - `peer`: tonic-tracing-opentelemetry 0.42's client and server layers (spans through
//!   `tracing` and tracing-opentelemetry 0.34);
//! - `peer_server`: its server layer only.
//!
//! Globals, set once: a tracer provider whose only processor drops ended spans,
//! `AlwaysOn`; a meter provider with a `PeriodicReader` (one-day interval) over an
//! `InMemoryMetricExporter`; `otel_kit_init`'s default propagators (W3C trace context,
//! baggage); a global `tracing` subscriber with the tracing-opentelemetry layer,
//! letting through the peer's spans (target `otel::tracing`, TRACE) and INFO elsewhere.
//!
//! Allocations per call are counted with `stats_alloc` and printed before the
//! timings. `GRPC_BENCH_ONLY=<case>:<calls>` runs one case that many times (after a
//! warm-up of 1,000) and exits, for instruction counts under callgrind.
#![allow(missing_docs)]

use std::alloc::System;
use std::hint::black_box;
use std::pin::Pin;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use opentelemetry::global;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use otel_kit_grpc::{ClientLayer, ServerLayer};
use otel_kit_testing::NoopSpanProcessor;
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use tonic::{Request, Response, Status, Streaming};
use tower::Layer as _;
use tracing_subscriber::layer::SubscriberExt as _;

use otel_kit_grpc_test_proto::pb;

use pb::Msg;
use pb::echo_client::EchoClient;
use pb::echo_server::{Echo, EchoServer};

// `stats_alloc` holds the `unsafe impl GlobalAlloc`: the workspace forbids unsafe code.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn allocations() -> usize {
    let stats = GLOBAL.stats();
    stats.allocations + stats.reallocations
}

struct EchoImpl;

type MsgStream = Pin<Box<dyn futures_util::Stream<Item = Result<Msg, Status>> + Send>>;

#[tonic::async_trait]
impl Echo for EchoImpl {
    async fn unary(&self, request: Request<Msg>) -> Result<Response<Msg>, Status> {
        Ok(Response::new(request.into_inner()))
    }
    type ServerStreamStream = MsgStream;
    async fn server_stream(&self, _: Request<Msg>) -> Result<Response<MsgStream>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn client_stream(&self, _: Request<Streaming<Msg>>) -> Result<Response<Msg>, Status> {
        Err(Status::unimplemented(""))
    }
    type BidiStream = MsgStream;
    async fn bidi(&self, _: Request<Streaming<Msg>>) -> Result<Response<MsgStream>, Status> {
        Err(Status::unimplemented(""))
    }
}

fn message() -> Msg {
    Msg {
        text: "hello".to_owned(),
        count: 1,
    }
}

/// One call through `client`, which is cloned (as generated clients are used).
macro_rules! call {
    ($rt:expr, $client:expr) => {{
        let mut client = $client.clone();
        let reply = $rt.block_on(async move { client.unary(message()).await.expect("call") });
        black_box(reply);
    }};
}

const ALLOC_CALLS: usize = 10_000;
const CASES: [&str; 5] = [
    "baseline",
    "otel_kit_grpc",
    "otel_kit_grpc_server",
    "peer",
    "peer_server",
];

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    otel_kit_init::reexports::otel_kit_propagators::Propagators::default().install_global();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(NoopSpanProcessor)
        .with_sampler(Sampler::AlwaysOn)
        .build();
    global::set_tracer_provider(provider.clone());
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(
            PeriodicReader::builder(InMemoryMetricExporter::default())
                .with_interval(Duration::from_secs(86_400))
                .build(),
        )
        .build();
    global::set_meter_provider(meter_provider.clone());
    let filter = tracing_subscriber::filter::Targets::new()
        .with_target("otel::tracing", tracing::Level::TRACE)
        .with_default(tracing::Level::INFO);
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("peer")))
        .with(filter);
    tracing::subscriber::set_global_default(subscriber).expect("subscriber");

    let server = || EchoServer::new(EchoImpl);
    let baseline = EchoClient::new(server());
    // No channel between them: the client layer is given the endpoint a channel would be.
    let target = http::Uri::from_static("http://echo.internal:50051");
    let ours = EchoClient::new(ClientLayer::new(&target).layer(ServerLayer::new().layer(server())));
    let ours_server = EchoClient::new(ServerLayer::new().layer(server()));
    let peer = EchoClient::new(
        tonic_tracing_opentelemetry::middleware::client::OtelGrpcLayer
            .layer(tonic_tracing_opentelemetry::middleware::server::OtelGrpcLayer::default().layer(server())),
    );
    let peer_server = EchoClient::new(
        tonic_tracing_opentelemetry::middleware::server::OtelGrpcLayer::default().layer(server()),
    );

    let run = |case: &str, f: &mut dyn FnMut(&mut dyn FnMut())| match case {
        "baseline" => f(&mut || call!(rt, baseline)),
        "otel_kit_grpc" => f(&mut || call!(rt, ours)),
        "otel_kit_grpc_server" => f(&mut || call!(rt, ours_server)),
        "peer" => f(&mut || call!(rt, peer)),
        "peer_server" => f(&mut || call!(rt, peer_server)),
        other => panic!("unknown case {other}"),
    };

    if let Ok(only) = std::env::var("GRPC_BENCH_ONLY") {
        let (case, calls) = only.rsplit_once(':').expect("GRPC_BENCH_ONLY=<case>:<calls>");
        let calls: usize = calls.parse().expect("a call count");
        run(case, &mut |one| {
            for _ in 0..1000 + calls {
                one();
            }
        });
        println!("ran {case} {calls} times");
        return;
    }

    println!("allocations per call (mean of {ALLOC_CALLS} after a warm-up):");
    for case in CASES {
        let mut mean = 0.0;
        run(case, &mut |one| {
            let until = Instant::now() + Duration::from_millis(30);
            while Instant::now() < until {
                one();
            }
            let before = allocations();
            for _ in 0..ALLOC_CALLS {
                one();
            }
            mean = (allocations() - before) as f64 / ALLOC_CALLS as f64;
        });
        println!("  {case:<20} {mean:>7.2}");
    }

    let mut g = c.benchmark_group("unary");
    for case in CASES {
        run(case, &mut |one| {
            g.bench_function(case, |b| b.iter(&mut *one));
        });
    }
    g.finish();
    let _ = provider.shutdown();
    let _ = meter_provider.shutdown();
}

criterion_group!(benches, bench);
criterion_main!(benches);
