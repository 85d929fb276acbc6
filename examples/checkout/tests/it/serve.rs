//! `checkout serve` under SIGTERM, as Kubernetes stops it: requests in flight finish,
//! the notifications queue drains (the in-process channel, or the JetStream stream when
//! `TEST_NATS_URL` is set), and every span reaches the collector.

use std::io::Read as _;
use std::process::Command;
use std::time::{Duration, Instant};

use otel_kit::testing::TestCollector;

use crate::demo::{Services, demo};

const WAIT: Duration = Duration::from_secs(30);

/// Serves with `services`, sends checkouts, SIGTERM while some are in flight; every
/// request finishes, every confirmation is processed and every span flushed.
async fn serve_drains(services: Services, name: &str) {
    let collector = TestCollector::start().await.expect("collector");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let listen = format!("127.0.0.1:{port}");
    let sqlite = std::env::temp_dir().join(format!("checkout-{name}-{}.sqlite", std::process::id()));
    let (endpoint, database_url) = (collector.endpoint(), format!("sqlite://{}", sqlite.display()));
    let mut env = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        // A long schedule delay: only the flush at shutdown can deliver the spans.
        ("OTEL_BSP_SCHEDULE_DELAY", "60000"),
        ("DATABASE_URL", database_url.as_str()),
    ];
    env.extend(services.env());
    let mut child = demo(&["serve", "--listen", &listen], &env)
        .spawn()
        .expect("start checkout serve");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + WAIT;
    while client
        .get(format!("http://{listen}/healthz"))
        .send()
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "serve did not listen");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let body = serde_json::json!({"sku": "kettle", "quantity": 1, "card": "4242424242424242", "email": "a@example.com"});
    for _ in 0..5 {
        let response = client
            .post(format!("http://{listen}/checkout"))
            .json(&body)
            .send()
            .await
            .expect("checkout");
        assert_eq!(response.status(), 201);
    }
    // Requests in flight when SIGTERM arrives: the bulk order's slow query keeps them busy.
    let bulk = serde_json::json!({"sku": "kettle", "quantity": 60, "card": "4242424242424242", "email": "b@example.com"});
    let in_flight: Vec<_> = (0..3)
        .map(|_| {
            tokio::spawn(
                client
                    .post(format!("http://{listen}/checkout"))
                    .json(&bulk)
                    .send(),
            )
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(30)).await;
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(term.success());
    for request in in_flight {
        let response = request
            .await
            .expect("join")
            .expect("a request in flight was cut off");
        assert_eq!(response.status(), 201, "in flight at SIGTERM");
    }
    let status = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                let mut stderr = String::new();
                let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut stderr));
                return (status, stderr);
            }
            assert!(Instant::now() < deadline, "serve did not exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .expect("join");
    assert!(
        status.0.success(),
        "exit after SIGTERM: {:?}\n{}",
        status.0,
        status.1
    );
    let spans = collector.spans();
    let checkouts = spans
        .as_slice()
        .iter()
        .filter(|s| s.name == "POST /checkout")
        .count();
    assert_eq!(checkouts, 8, "every request's server span, flushed at shutdown");
    let consumers = spans
        .as_slice()
        .iter()
        .filter(|s| s.name.starts_with("process notifications"))
        .count();
    assert_eq!(
        consumers,
        8,
        "the queue drained before the flush ({})",
        services.describe()
    );
    let _ = std::fs::remove_file(sqlite);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_drains_on_sigterm_and_flushes_every_span() {
    serve_drains(Services::none(), "serve").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_with_the_services_drains_the_stream_on_sigterm() {
    if let Some(services) = Services::from_env("serve_with_the_services_drains_the_stream_on_sigterm") {
        serve_drains(services, "serve-services").await;
    }
}
