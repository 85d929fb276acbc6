//! A zero export timeout in a file is the schema's "no limit", warned about once and
//! capped at 60 s; a collector that accepts and never answers cannot stall flush or
//! shutdown, nor hold an export for good.

use std::time::{Duration, Instant};

use opentelemetry::trace::{Tracer as _, TracerProvider as _};

/// Accepts connections and holds them, never answering.
async fn silent_collector() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (format!("http://{addr}"), task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zero_timeout_is_capped_at_a_minute_and_never_stalls_shutdown() {
    let (endpoint, silent) = silent_collector().await;
    for exporter in ["otlp_http", "otlp_grpc"] {
        let endpoint = if exporter == "otlp_http" {
            format!("{endpoint}/v1/traces")
        } else {
            endpoint.clone()
        };
        let yaml = format!(
            "file_format: \"1.0\"\ntracer_provider:\n  processors:\n    - batch:\n        schedule_delay: 10\n        export_timeout: 0\n        exporter:\n          {exporter}:\n            endpoint: {endpoint}\n            timeout: 0\n"
        );
        let telemetry = otel_kit_init::builder()
            .without_globals()
            .without_tracing_subscriber()
            .environment_variables::<&str, &str>([])
            .shutdown_timeout(Duration::from_secs(2))
            .config_yaml(yaml)
            .init()
            .expect("init");
        let zero = telemetry
            .warnings()
            .iter()
            .filter(|w| w.contains("no limit"))
            .count();
        assert_eq!(
            zero,
            2,
            "one warning per zero timeout: {:?}",
            telemetry.warnings()
        );
        let otlp = &telemetry.effective_config().export.otlp.traces;
        assert_eq!(otlp.settings.timeout, Duration::from_secs(60), "no limit, capped");
        telemetry.tracer_provider().tracer("t").in_span("held", |_| {});
        tokio::time::sleep(Duration::from_millis(100)).await;
        let started = Instant::now();
        let _ = telemetry.force_flush();
        let _ = telemetry.shutdown();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{exporter}: {:?}",
            started.elapsed()
        );
    }
    silent.abort();
}
