//! The Jaeger remote sampler against a strategies endpoint on loopback whose answer
//! changes while the sampler runs: the initial sampling until the first strategy, each
//! strategy followed within its polling interval, and the last good strategy kept while
//! the endpoint refuses, hangs, fails or answers garbage.
//!
//! Sampled fractions are counted over 2,000 root spans through a real tracer provider.
//! Timing margins are generous (the sampler polls every 200 ms; waits allow seconds), and
//! the "follows within" bound is checked against several intervals, not one.

use std::time::{Duration, Instant};

use opentelemetry_sdk::trace::SdkTracer;
use otel_kit_sampling::{JaegerRemote, Sampling};

use super::strategies_server::{Answer, StrategiesServer, per_operation, probabilistic, rate_limiting};
use crate::pipeline::{Pipeline, remote_parent, root, span};

const ROOTS: usize = 2000;
const INTERVAL: Duration = Duration::from_millis(200);
/// How long any wait for the sampler may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(10);

fn remote(server: &StrategiesServer, initial: Sampling) -> JaegerRemote {
    JaegerRemote::new(server.endpoint())
        .polling_interval(INTERVAL)
        .initial_sampling(initial)
        .service_name("checkout")
}

/// How many of `ROOTS` new root spans named `name` were sampled.
fn sampled_roots(tracer: &SdkTracer, name: &str) -> usize {
    (0..ROOTS).filter(|_| root(tracer, name, &[])).count()
}

/// Binomial(2000, p) within six standard deviations (plus one span, for p near 0 or 1).
fn assert_fraction(sampled: usize, p: f64, what: &str) {
    let mean = ROOTS as f64 * p;
    let margin = 6.0 * (ROOTS as f64 * p * (1.0 - p)).sqrt() + 1.0;
    assert!(
        (sampled as f64 - mean).abs() <= margin,
        "{what}: sampled {sampled} of {ROOTS}, expected {mean} +- {margin:.0}"
    );
}

/// Sets `answer` and waits until the sampler has fetched and applied it.
fn serve(server: &StrategiesServer, answer: Answer) -> Duration {
    server.answer(answer);
    server.wait_served(2, PATIENCE)
}

#[test]
fn follows_probabilistic_per_operation_and_rate_limiting_strategies_as_they_change() {
    let server = StrategiesServer::start(Answer::Status(503));
    let pipeline = Pipeline::new(Sampling::jaeger_remote(remote(&server, Sampling::ratio(0.5))));
    let tracer = pipeline.tracer();

    // No strategy yet: the initial sampling.
    server.wait_served(2, PATIENCE);
    assert_fraction(sampled_roots(&tracer, "GET /a"), 0.5, "initial");
    assert_eq!(
        server.request_lines()[0],
        "GET /sampling?service=checkout HTTP/1.1",
        "polls /sampling with the service name"
    );

    let took = serve(&server, probabilistic(0.1));
    assert!(
        took < INTERVAL * 5,
        "the second fetch of a new strategy came {took:?} after the change"
    );
    assert_fraction(sampled_roots(&tracer, "GET /a"), 0.1, "probabilistic 0.1");

    serve(
        &server,
        per_operation(0.0, &[("GET /keep", 1.0), ("GET /half", 0.5)]),
    );
    assert_eq!(sampled_roots(&tracer, "GET /keep"), ROOTS, "an operation at 1.0");
    assert_eq!(sampled_roots(&tracer, "GET /other"), 0, "the default 0.0");
    assert_fraction(sampled_roots(&tracer, "GET /half"), 0.5, "an operation at 0.5");

    // A rate limit: a burst of max(1, rate), then the rate, also under steady traffic
    // (opentelemetry_sdk's own bucket would allow 100 at once, then nothing while spans
    // keep coming more often than once a second).
    serve(&server, rate_limiting(20));
    let start = Instant::now();
    let burst = sampled_roots(&tracer, "GET /a");
    let most = 20.0 + 20.0 * start.elapsed().as_secs_f64() + 1.0;
    assert!(
        (20..=most as usize).contains(&burst),
        "rate limiting 20/s, 2,000 roots at once: sampled {burst}"
    );
    let start = Instant::now();
    let mut steady = 0;
    while start.elapsed() < Duration::from_secs(2) {
        steady += usize::from(root(&tracer, "GET /a", &[]));
        std::thread::sleep(Duration::from_millis(10));
    }
    let expected = 20.0 * start.elapsed().as_secs_f64();
    assert!(
        (steady as f64) >= expected * 0.6 && (steady as f64) <= expected + 21.0,
        "rate limiting 20/s, a root every 10 ms for 2 s: sampled {steady}, expected about {expected:.0}"
    );

    serve(&server, probabilistic(1.0));
    assert_eq!(
        sampled_roots(&tracer, "GET /a"),
        ROOTS,
        "100% when the strategy says so"
    );
    serve(&server, probabilistic(0.0));
    assert_eq!(sampled_roots(&tracer, "GET /a"), 0, "and 0% again after it");
}

#[test]
fn the_last_good_strategy_stays_while_the_endpoint_fails_in_every_way() {
    let server = StrategiesServer::start(Answer::Close);
    let pipeline = Pipeline::new(Sampling::jaeger_remote(remote(&server, Sampling::ratio(0.5))));
    let tracer = pipeline.tracer();
    server.wait_served(3, PATIENCE);
    assert_fraction(
        sampled_roots(&tracer, "op"),
        0.5,
        "initial, endpoint closing on us",
    );

    serve(&server, probabilistic(0.2));
    assert_fraction(sampled_roots(&tracer, "op"), 0.2, "first strategy");

    let mut huge = br#"{"probabilisticSampling":{"samplingRate":1.0}}"#.to_vec();
    huge.extend(std::iter::repeat_n(b' ', 2 * 1024 * 1024));
    let failures = [
        ("closed connections", Answer::Close),
        ("500", Answer::Status(500)),
        ("404", Answer::Status(404)),
        ("not JSON", Answer::Body(b"<html>oops</html>".to_vec())),
        ("binary", Answer::Body((0..=255u8).cycle().take(4096).collect())),
        ("a 2 MiB body saying 1.0", Answer::Body(huge)),
        (
            "JSON without a strategy",
            Answer::Strategy(r#"{"strategyType":"PROBABILISTIC"}"#.into()),
        ),
        ("a probability of 5", probabilistic(5.0)),
        ("an operation at 1.5", per_operation(0.0, &[("op", 1.5)])),
        ("a default probability of 2", per_operation(2.0, &[])),
        (
            "a string rate",
            Answer::Strategy(r#"{"probabilisticSampling":{"samplingRate":"1"}}"#.into()),
        ),
        ("a JSON array", Answer::Strategy("[1]".into())),
        ("a negative rate", rate_limiting(-3)),
    ];
    for (what, answer) in failures {
        server.answer(answer);
        server.wait_served(3, PATIENCE);
        assert_fraction(sampled_roots(&tracer, "op"), 0.2, what);
    }

    // A peer that accepts and never answers: each fetch hits its deadline (200 ms, the
    // interval) and polling goes on, so new connections keep arriving.
    server.answer(Answer::Hang);
    let took = server.wait_served(3, PATIENCE);
    assert!(took < Duration::from_secs(5), "3 hanging fetches took {took:?}");
    let start = Instant::now();
    assert_fraction(sampled_roots(&tracer, "op"), 0.2, "hanging endpoint");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "decisions never wait for the endpoint"
    );

    // A peer that answers at once but sends its body a byte at a time: the deadline
    // covers the whole response, not just its head.
    server.answer(Answer::Drip);
    server.wait_served(3, PATIENCE);
    assert_fraction(sampled_roots(&tracer, "op"), 0.2, "dripping endpoint");

    // And it recovers.
    serve(&server, probabilistic(0.0));
    assert_eq!(sampled_roots(&tracer, "op"), 0);
}

#[test]
fn a_down_endpoint_keeps_the_initial_sampling_and_never_samples_everything() {
    // A port nobody listens on: every connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let sampling = Sampling::parent_based_jaeger_remote(
        JaegerRemote::new(format!("http://127.0.0.1:{port}"))
            .polling_interval(INTERVAL)
            .service_name("checkout"),
    );
    let pipeline = Pipeline::new(sampling);
    let tracer = pipeline.tracer();
    std::thread::sleep(INTERVAL * 4);
    // The default initial sampling: traceidratio(0.001).
    let sampled = sampled_roots(&tracer, "op");
    assert!(sampled <= 12, "sampled {sampled} of {ROOTS} at the initial 0.001");
}

#[test]
fn parent_based_follows_the_parent_and_plain_decides_for_itself() {
    let server = StrategiesServer::start(probabilistic(0.0));
    let parent_based = Pipeline::new(Sampling::parent_based_jaeger_remote(remote(
        &server,
        Sampling::always_off(),
    )));
    let plain = Pipeline::new(Sampling::jaeger_remote(remote(&server, Sampling::always_off())));
    server.wait_served(4, PATIENCE);
    let (pb, pl) = (parent_based.tracer(), plain.tracer());
    assert!(
        span(&pb, "child", &remote_parent(7, true), &[]),
        "a sampled parent is followed"
    );
    assert!(!root(&pb, "root", &[]), "a root gets the strategy's 0.0");
    assert!(
        !span(&pl, "child", &remote_parent(7, true), &[]),
        "jaeger_remote applies its strategy to children too"
    );

    serve(&server, probabilistic(1.0));
    server.wait_served(4, PATIENCE);
    assert!(
        !span(&pb, "child", &remote_parent(8, false), &[]),
        "an unsampled parent is followed"
    );
    assert!(root(&pb, "root", &[]));
    assert!(span(&pl, "child", &remote_parent(8, false), &[]));
}

#[test]
fn validate_names_what_is_wrong_with_the_endpoint_and_into_sampler_falls_back() {
    for bad in [
        "",
        "localhost:5778",
        "https://jaeger:5778",
        "http://:5778",
        "http://h/sampling?x=1",
    ] {
        let sampling = Sampling::jaeger_remote(JaegerRemote::new(bad));
        let err = sampling.validate().expect_err(bad);
        assert!(
            err.to_string().starts_with("Jaeger remote sampler endpoint: "),
            "{err}"
        );
        // Unvalidated, it samples the fallback ratio: not everything.
        let pipeline = Pipeline::new(sampling);
        let sampled = sampled_roots(&pipeline.tracer(), "op");
        assert!(sampled <= 12, "{bad:?}: sampled {sampled} of {ROOTS}");
    }
    let zero = Sampling::jaeger_remote(JaegerRemote::new("http://h:1").polling_interval(Duration::ZERO));
    assert!(zero.validate().is_err());
}

/// User info in the endpoint is a credential: it is never sent (the `Host` header is
/// `host:port`), and the sampler's description and its errors show it masked.
#[test]
fn user_info_in_the_endpoint_is_neither_sent_nor_printed() {
    let server = StrategiesServer::start(probabilistic(0.5));
    let endpoint = server.endpoint().replace("http://", "http://alice:s3cret@");
    let remote = JaegerRemote::new(endpoint.clone()).polling_interval(Duration::from_secs(60));
    let sampling = Sampling::jaeger_remote(remote);
    let shown = sampling.to_string();
    assert!(shown.contains("http://alice:***@127.0.0.1:"), "{shown}");
    assert!(!shown.contains("s3cret"), "{shown}");
    let pipeline = Pipeline::new(sampling);
    server.wait_served(1, Duration::from_secs(10));
    let heads = server.request_heads(1, Duration::from_secs(10));
    let host = heads[0]
        .lines()
        .find_map(|line| {
            line.strip_prefix("host: ")
                .or_else(|| line.strip_prefix("Host: "))
        })
        .expect("a Host header");
    assert_eq!(host, server.endpoint().trim_start_matches("http://"), "{heads:?}");
    assert!(
        !heads[0].contains("alice") && !heads[0].contains("s3cret"),
        "{heads:?}"
    );
    drop(pipeline);

    let bad = Sampling::jaeger_remote(JaegerRemote::new(format!("{endpoint}/sampling?key=K3Y")));
    let err = bad.validate().expect_err("a query").to_string();
    assert!(!err.contains("s3cret") && !err.contains("K3Y"), "{err}");
}

#[test]
fn the_fetch_keeps_its_connection_while_the_endpoint_keeps_it_open() {
    let Answer::Strategy(json) = probabilistic(0.5) else {
        unreachable!("a strategy")
    };
    let server = StrategiesServer::start(Answer::KeepAlive(json));
    let pipeline = Pipeline::new(Sampling::jaeger_remote(remote(&server, Sampling::ratio(0.5))));
    let started = Instant::now();
    while server.connections_and_kept_alive_requests().1 < 6 {
        assert!(started.elapsed() < PATIENCE, "fewer than 6 fetches");
        std::thread::sleep(Duration::from_millis(20));
    }
    let (connections, requests) = server.connections_and_kept_alive_requests();
    assert_eq!(connections, 1, "{requests} fetches on {connections} connections");
    drop(pipeline);
}
