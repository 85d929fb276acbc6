//! The incoming-context counter and the sampler's metrics as Prometheus reads them:
//! `init()` with the Prometheus exporter and a root ratio of 0.25, an axum service
//! with the layer over real HTTP, then `/metrics` scraped over real HTTP. The exact
//! series names are what the shipped dashboards and rules query.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use otel_kit_http::{Providers, ServerLayer};

use crate::support::prometheus::scrape;
use crate::support::server::{PARENT, TRACE, serve, traceparent};

const ROOTS: u32 = 800;

/// The value of the one sample of metric `name` with every label of `labels`.
fn sample(body: &str, name: &str, labels: &[&str]) -> f64 {
    body.lines()
        .filter(|line| line.starts_with(&format!("{name}{{")))
        .find(|line| labels.iter().all(|label| line.contains(label)))
        .and_then(|line| line.rsplit_once("} ")?.1.split(' ').next())
        .unwrap_or_else(|| panic!("no sample {name} {labels:?} in:\n{body}"))
        .parse()
        .expect("a number")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_reads_the_incoming_context_and_the_root_sampling() {
    let telemetry = otel_kit_init::builder()
        .service_name("scraped")
        .environment_variables([
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
            ("OTEL_METRICS_EXPORTER", "prometheus"),
            ("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1"),
            ("OTEL_EXPORTER_PROMETHEUS_PORT", "0"),
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0.25"),
        ])
        .without_globals()
        .without_tracing_subscriber()
        .init()
        .expect("init");
    let providers = Providers::new()
        .tracer_provider(telemetry.tracer_provider().clone())
        .meter_provider(telemetry.meter_provider().clone())
        .propagator(telemetry.propagators().clone());
    let app = Router::new()
        .route("/users/{id}", get(|| async { "user" }))
        .layer(ServerLayer::new().providers(providers));
    let base = serve(app).await;
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    for _ in 0..ROOTS {
        client
            .get(format!("{base}/users/1"))
            .send()
            .await
            .expect("absent");
    }
    for value in [traceparent(TRACE, PARENT), "00-garbage".to_owned()] {
        client
            .get(format!("{base}/users/1"))
            .header("traceparent", value)
            .send()
            .await
            .expect("valid, then invalid");
    }
    let address = telemetry.prometheus_address().expect("the listener");
    let body = tokio::time::timeout(Duration::from_secs(5), scrape(address))
        .await
        .expect("scraped in time");

    let context = |state: &str| {
        let state = format!("otel_kit_context_state=\"{state}\"");
        sample(
            &body,
            "otel_kit_server_incoming_context_total",
            &[&state, "otel_scope_name=\"otel-kit-http\""],
        )
    };
    assert!(
        body.contains("# TYPE otel_kit_server_incoming_context_total counter\n"),
        "{body}"
    );
    assert_eq!(
        (context("absent"), context("valid"), context("invalid")),
        (f64::from(ROOTS), 1.0, 1.0)
    );

    let decision = |decision: &str| {
        let decision = format!("otel_kit_sampler_decision=\"{decision}\"");
        sample(
            &body,
            "otel_kit_sampler_root_decisions_total",
            &[&decision, "otel_scope_name=\"otel-kit-sampling\""],
        )
    };
    // The valid parent is followed, not decided: roots are the absent and the invalid.
    let (sampled, dropped) = (decision("sampled"), decision("dropped"));
    assert_eq!(sampled + dropped, f64::from(ROOTS + 1), "{body}");
    let fraction = sampled / (sampled + dropped);
    assert!((0.19..=0.31).contains(&fraction), "sampled fraction {fraction}");
    assert!(
        body.contains("# TYPE otel_kit_sampler_probability_ratio gauge\n"),
        "{body}"
    );
    assert_eq!(
        sample(
            &body,
            "otel_kit_sampler_probability_ratio",
            &["otel_scope_name=\"otel-kit-sampling\""]
        ),
        0.25
    );
    telemetry.shutdown().expect("shutdown");
}
