//! The cost the tower client layer adds per request, against the bare hyper-util
//! legacy client, on the same loopback server in the same run.
//!
//! The server: an axum hello world (`GET /users/{id}` answers `ok`) on 127.0.0.1, on a
//! runtime of its own thread. The clients: one hyper-util legacy client (HTTP/1, its
//! connection pool shared), sent requests bare (`baseline`) and through
//! `ClientLayer::new()` (`layer_sampled`, and `layer_sampled_out` under `AlwaysOff`), on
//! a current-thread runtime driven by the bench's thread; each request reads the whole
//! response body. Globals as a service has them: a tracer provider whose only processor
//! drops ended spans, a meter provider aggregating in memory (`PeriodicReader` interval
//! one day), the propagators `otel_kit_init` installs by default (W3C trace context and
//! baggage).
//!
//! `cargo bench -p otel-kit-http --bench tower_client`
//!
//! `TOWER_CLIENT_BENCH_PAIRED=<n>` sends `n` pairs of requests (after 1,000 of warm-up),
//! alternating bare and traced (which goes first alternates too), and prints the median
//! of each side and of the paired differences: load that drifts during a run weighs on
//! both sides alike, which criterion's one-after-the-other groups cannot promise on a
//! shared machine.
#![allow(missing_docs)]

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use bytes::Bytes;
use criterion::{Criterion, criterion_group};
use http::{Request, Response};
use http_body_util::{BodyExt as _, Empty};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use opentelemetry::global;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use otel_kit_http::ClientLayer;
use otel_kit_http::tower_client::ClientService;
use otel_kit_testing::NoopSpanProcessor;
use tower::{Layer as _, Service, ServiceExt as _};

type Hyper = Client<HttpConnector, Empty<Bytes>>;

/// Serves the hello world on a thread of its own; returns its address.
fn serve() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send addr");
            let app = Router::new().route("/users/{id}", get(|| async { "ok" }));
            axum::serve(listener, app).await.expect("serve");
        });
    });
    rx.recv().expect("server address")
}

fn install_globals(sampler: Sampler) {
    global::set_tracer_provider(
        SdkTracerProvider::builder()
            .with_span_processor(NoopSpanProcessor)
            .with_sampler(sampler)
            .build(),
    );
}

/// The runtime the clients run on, the bare client and the traced one (a clone: one pool).
fn clients() -> (tokio::runtime::Runtime, Hyper, ClientService<Hyper>) {
    otel_kit_init::reexports::otel_kit_propagators::Propagators::default().install_global();
    global::set_meter_provider(
        SdkMeterProvider::builder()
            .with_reader(
                PeriodicReader::builder(InMemoryMetricExporter::default())
                    .with_interval(Duration::from_secs(86_400))
                    .build(),
            )
            .build(),
    );
    install_globals(Sampler::AlwaysOn);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let bare: Hyper = Client::builder(TokioExecutor::new()).build_http();
    let traced = ClientLayer::new().layer(bare.clone());
    (rt, bare, traced)
}

/// One request to `url` through `client`, its body read.
async fn send<S>(client: &mut S, url: &str)
where
    S: Service<Request<Empty<Bytes>>, Response = Response<Incoming>>,
    S::Error: std::fmt::Debug,
{
    let request = Request::get(url).body(Empty::new()).expect("request");
    let response = client
        .ready()
        .await
        .expect("ready")
        .call(request)
        .await
        .expect("response");
    black_box(response.into_body().collect().await.expect("body").to_bytes());
}

fn bench(c: &mut Criterion) {
    let url = format!("http://{}/users/42", serve());
    let (rt, mut bare, mut traced) = clients();
    let mut group = c.benchmark_group("tower_client");
    group.bench_function("baseline", |b| b.iter(|| rt.block_on(send(&mut bare, &url))));
    group.bench_function("layer_sampled", |b| {
        b.iter(|| rt.block_on(send(&mut traced, &url)))
    });
    install_globals(Sampler::AlwaysOff);
    group.bench_function("layer_sampled_out", |b| {
        b.iter(|| rt.block_on(send(&mut traced, &url)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).sample_size(60);
    targets = bench
}

/// `TOWER_CLIENT_BENCH_PAIRED=<n>`: see the module documentation.
fn run_paired(n: usize) {
    let url = format!("http://{}/users/42", serve());
    let (rt, mut bare, mut traced) = clients();
    let (mut bare_ns, mut traced_ns, mut differences) = (Vec::new(), Vec::new(), Vec::new());
    rt.block_on(async {
        for i in 0..(n + 1000) {
            // [bare, traced], in the order of this pair.
            let mut timed = [0.0; 2];
            let order = if i % 2 == 0 { [false, true] } else { [true, false] };
            for traced_turn in order {
                let started = Instant::now();
                if traced_turn {
                    send(&mut traced, &url).await;
                } else {
                    send(&mut bare, &url).await;
                }
                timed[usize::from(traced_turn)] = started.elapsed().as_nanos() as f64;
            }
            if i >= 1000 {
                bare_ns.push(timed[0]);
                traced_ns.push(timed[1]);
                differences.push(timed[1] - timed[0]);
            }
        }
    });
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (b, t, d) = (
        median(&mut bare_ns),
        median(&mut traced_ns),
        median(&mut differences),
    );
    println!(
        "tower client, {n} pairs: bare median {b:.0} ns, traced median {t:.0} ns (ratio {:.3}), \
         median paired difference {d:+.0} ns ({:+.2}% of bare)",
        t / b,
        d / b * 100.0
    );
}

fn main() {
    if let Ok(n) = std::env::var("TOWER_CLIENT_BENCH_PAIRED") {
        run_paired(n.parse().expect("TOWER_CLIENT_BENCH_PAIRED=<pairs>"));
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
