//! The heap an in-flight request holds, the kit's server layer against the bare
//! hello world, at 1 to 256 requests in flight: what the kit adds per request stays the
//! same as more are in flight (no table that grows in steps, nothing kept per request
//! beyond its span), at 100 % and at a 10 % ratio.
//!
//! Each child serves the hello-world route, whose handler holds `GET /users/0` until
//! released, and counts the bytes its process holds once every one of K such requests
//! is inside the handler (its server span open), against before they were sent; the
//! connections are open and warmed first, so hyper's per-connection buffers are not
//! counted.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use http_peers::Variant;
use otel_kit_testing::allocations::Measurement;
use tokio::sync::Semaphore;

use crate::child;
use crate::client::Client;

/// Requests in flight at once, in the order measured.
const IN_FLIGHT: [usize; 5] = [1, 4, 16, 64, 256];

/// Held requests inside the handler.
static ARRIVED: AtomicUsize = AtomicUsize::new(0);
/// Releases held requests, one permit each.
static GATE: Semaphore = Semaphore::const_new(0);

#[test]
fn memory_per_in_flight_request_stays_flat_from_1_to_256() {
    const TEST: &str = "in_flight::memory_per_in_flight_request_stays_flat_from_1_to_256";
    let Some(parent) = child::parent_or_serve(serve_and_hold) else {
        return;
    };
    let held = |variant, env: &[(&str, &str)]| -> Vec<f64> {
        parent
            .run(TEST, variant, env)
            .iter()
            .map(|line| line.parse().expect("bytes"))
            .collect()
    };
    let plain = held(Variant::Plain, &[]);
    let full = held(Variant::OursFull, &[]);
    let tenth = held(
        Variant::OursFull,
        &[
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0.1"),
        ],
    );
    println!("| requests in flight | heap added per request by the kit, 100 % | at 10 % |");
    println!("| ---: | ---: | ---: |");
    let mut added = Vec::new();
    for (i, k) in IN_FLIGHT.iter().enumerate() {
        let each = |bytes: &[f64]| bytes[i] / *k as f64;
        let (full_added, tenth_added) = (each(&full) - each(&plain), each(&tenth) - each(&plain));
        println!("| {k} | {full_added:.0} B | {tenth_added:.0} B |");
        added.push((full_added, tenth_added));
    }
    // From 16 on (fewer in flight, the allocator's and the runtime's own growth is a
    // large share of so few bytes), what each request adds stays within a third of what
    // it adds at 16, and a sampled-out request holds less than a recorded one.
    let (full_at_16, tenth_at_16) = added[2];
    for (k, (full_added, tenth_added)) in IN_FLIGHT.iter().zip(&added).skip(2) {
        assert!(
            (full_added - full_at_16).abs() <= full_at_16 / 3.0,
            "at 100 %, {full_added:.0} bytes per request with {k} in flight against {full_at_16:.0} with 16"
        );
        assert!(
            (tenth_added - tenth_at_16).abs() <= full_at_16 / 3.0,
            "at 10 %, {tenth_added:.0} bytes per request with {k} in flight against {tenth_at_16:.0} with 16"
        );
    }
    assert!(
        tenth_at_16 < full_at_16,
        "{tenth_at_16:.0} at 10 %, {full_at_16:.0} at 100 %"
    );
}

/// `GET /users/0` waits in the handler until released; any other id answers at once.
async fn held(Path(id): Path<u32>) -> &'static str {
    if id == 0 {
        ARRIVED.fetch_add(1, Ordering::SeqCst);
        GATE.acquire().await.expect("the gate stays open").forget();
    }
    "user"
}

/// In the child: serves the hello world (the kit's server layer when `variant` is
/// traced), then for each K opens K warmed connections, sends K held requests, and
/// reports the bytes held once all are in the handler.
fn serve_and_hold(variant: Variant) {
    let runtime = child::runtime();
    let telemetry = http_peers::server::start_telemetry(variant).expect("telemetry");
    let addr = runtime.block_on(async {
        let routes = Router::new().route(http_peers::server::ROUTE, get(held));
        let router = if variant.traced() {
            routes.layer(otel_kit_http::ServerLayer::new())
        } else {
            routes
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        addr
    });
    let mut warm = Client::connect(addr);
    for i in 0..200 {
        warm.get(i);
    }
    for k in IN_FLIGHT {
        let mut clients: Vec<Client> = (0..k).map(|_| Client::connect(addr)).collect();
        for (i, client) in clients.iter_mut().enumerate() {
            client.get(i);
        }
        ARRIVED.store(0, Ordering::SeqCst);
        let holding = Measurement::start();
        for client in &mut clients {
            client.send(0);
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while ARRIVED.load(Ordering::SeqCst) < k {
            assert!(
                Instant::now() < deadline,
                "{} of {k} requests arrived",
                ARRIVED.load(Ordering::SeqCst)
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        let cost = holding.finish(variant.name(), k);
        GATE.add_permits(k);
        for client in &mut clients {
            client.receive();
        }
        child::report(&cost.net.to_string());
    }
    drop(runtime);
    http_peers::server::finish(telemetry).expect("telemetry shutdown");
}
