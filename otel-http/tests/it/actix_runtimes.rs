//! The tokio runtime metrics on actix-web: `HttpServer` runs each worker on its own
//! single-threaded tokio runtime, and `init()` observes only the runtime it ran on. The
//! app factory runs once on each worker, on that worker's runtime, so registering
//! `Handle::current()` there (`Telemetry::observe_tokio_runtime`, named after the
//! worker's thread) makes every worker's runtime observed. A real `HttpServer` with two
//! workers, requests over loopback, then `/metrics` scraped from the Prometheus
//! listener: one `tokio.worker.count` series per actix worker, named after its thread.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use actix_web::{App, HttpServer, web};

use crate::support::prometheus::scrape;

const WORKERS: usize = 2;

/// The lines of metric `name` (its samples).
fn samples<'a>(body: &'a str, name: &str) -> Vec<&'a str> {
    body.lines()
        .filter(|line| line.starts_with(&format!("{name}{{")))
        .collect()
}

#[test]
fn each_actix_worker_runtime_is_observed() {
    let telemetry = otel_kit_init::builder()
        .service_name("actix-runtimes")
        .environment_variables([
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
            ("OTEL_METRICS_EXPORTER", "prometheus"),
            ("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1"),
            ("OTEL_EXPORTER_PROMETHEUS_PORT", "0"),
        ])
        .without_globals()
        .without_tracing_subscriber()
        .init()
        .expect("init");
    let telemetry = Arc::new(telemetry);

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let (ready, started) = mpsc::channel();
    let observed = Arc::clone(&telemetry);
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                // On the worker's thread, inside its runtime: what the guide shows.
                let worker = std::thread::current().name().unwrap_or("actix-worker").to_owned();
                observed.observe_tokio_runtime(worker, &tokio::runtime::Handle::current());
                App::new().route("/", web::get().to(|| async { "ok" }))
            })
            .workers(WORKERS)
            .disable_signals()
            .listen(listener)
            .expect("listen")
            .run();
            ready.send(()).expect("started");
            server.await.expect("serve");
        });
    });
    started.recv().expect("the server thread started");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::builder().no_proxy().build().expect("client");
        for _ in 0..10 {
            client
                .get(format!("http://{addr}/"))
                .send()
                .await
                .expect("served");
        }
        let address = telemetry.prometheus_address().expect("the listener");
        let body = tokio::time::timeout(Duration::from_secs(5), scrape(address))
            .await
            .expect("scraped in time");
        let workers = samples(&body, "tokio_worker_count");
        // actix names each worker's thread after its arbiter (`actix-rt|system:0|arbiter:N`).
        let mut names: Vec<&str> = workers
            .iter()
            .filter_map(|line| line.split("tokio_runtime_name=\"").nth(1)?.split('"').next())
            .collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(
            names.len(),
            WORKERS,
            "one runtime per worker, and no idle main one: {workers:#?}"
        );
        for line in &workers {
            assert!(
                line.contains("tokio_runtime_name=\"actix-rt|"),
                "a worker's runtime: {line}"
            );
            // Each actix worker is a single-threaded runtime.
            assert!(line.ends_with("} 1"), "{line}");
        }
    });
}
