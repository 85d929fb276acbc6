//! The flood: `count` requests from `CONCURRENCY` clients (one connection each), in this
//! process, to the server process. Both shapes carry the same parts (a path the app
//! routes to its fallback, a query, a `User-Agent`, the captured header), each
//! different per request; only their sizes differ.

use std::time::{Duration, Instant};

use crate::server::CAPTURED_HEADER;

/// Concurrent clients, each on its own connection: the number of hyper connections
/// (and read buffers) the server holds at once.
pub(crate) const CONCURRENCY: usize = 8;

/// `http::Uri` admits at most 65,534 bytes of request target, so path and query share
/// it: even requests send the longest path with a query just over the cap, odd ones the
/// reverse.
const LONG_TARGET: usize = 60_000;
const SHORT_TARGET: usize = 5_000;
/// The `User-Agent` and captured header of a hostile request: 200 KiB to 400 KiB.
const HUGE_MIN: usize = 200 << 10;
const HUGE_SPREAD: usize = 200 << 10;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Ordinary,
    Hostile,
}

impl Shape {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Shape::Ordinary => "ordinary",
            Shape::Hostile => "hostile",
        }
    }

    /// Path (with its leading `/`), query, user agent and captured header of request `i`.
    fn request(self, i: usize, filler: &str) -> (String, String, String, String) {
        // Spread over the range by a step coprime to it, so sizes differ too.
        let huge = HUGE_MIN + (i * 7_919) % HUGE_SPREAD;
        let (path, query, huge) = match self {
            Shape::Ordinary => (8, 8, 16),
            Shape::Hostile if i.is_multiple_of(2) => (LONG_TARGET, SHORT_TARGET, huge),
            Shape::Hostile => (SHORT_TARGET, LONG_TARGET, huge),
        };
        (
            format!("/{i}-{}", &filler[..path]),
            format!("k={i}-{}", &filler[..query]),
            format!("agent/{i}-{}", &filler[..huge]),
            format!("{i}-{}", &filler[..huge]),
        )
    }
}

/// Sends `count` requests of `shape` to `port`; every one must be served.
pub(crate) async fn flood(port: u16, shape: Shape, count: usize) -> Duration {
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .expect("client");
    let filler = "x".repeat(HUGE_MIN + HUGE_SPREAD);
    let started = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|task| {
            let (client, filler) = (client.clone(), filler.clone());
            tokio::spawn(async move {
                for i in (task..count).step_by(CONCURRENCY) {
                    let (path, query, agent, header) = shape.request(i, &filler);
                    let response = client
                        .get(format!("http://127.0.0.1:{port}{path}?{query}"))
                        .header("user-agent", agent)
                        .header(CAPTURED_HEADER, header)
                        .send()
                        .await
                        .expect("request");
                    assert!(response.status().is_success(), "{}", response.status());
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("client task");
    }
    started.elapsed()
}
