//! The Jaeger remote sampler through `init()`: `OTEL_TRACES_SAMPLER=parentbased_jaeger_remote`
//! and its ARG read from the environment, the service name of `init()`'s resource sent to
//! the strategies endpoint, and the control's override over the remote sampler. The
//! sampler alone is tested in otel-kit-sampling's integration tests, whose loopback
//! strategies endpoint this test shares.

use std::time::Duration;

use opentelemetry::trace::{TraceContextExt as _, Tracer as _, TracerProvider as _};
use opentelemetry_sdk::trace::SdkTracer;

use crate::support::strategies_server::{StrategiesServer, probabilistic};

/// How long any wait for the sampler may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(10);

#[test]
fn init_reads_the_environment_names_the_service_and_keeps_the_override() {
    let server = StrategiesServer::start(probabilistic(0.0));
    let arg = format!(
        "endpoint={},pollingIntervalMs=200,initialSamplingRate=1",
        server.endpoint()
    );
    let env = [
        ("OTEL_SERVICE_NAME", "payments".to_owned()),
        ("OTEL_TRACES_SAMPLER", "parentbased_jaeger_remote".to_owned()),
        ("OTEL_TRACES_SAMPLER_ARG", arg),
        ("OTEL_TRACES_EXPORTER", "none".to_owned()),
        ("OTEL_METRICS_EXPORTER", "none".to_owned()),
        ("OTEL_LOGS_EXPORTER", "none".to_owned()),
    ];
    let telemetry = otel_kit_init::builder()
        .environment(move |k| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))
        .without_globals()
        .without_tracing_subscriber()
        .init()
        .expect("init");
    let tracer = telemetry.tracer_provider().tracer("jaeger-it");
    let sampled = |tracer: &SdkTracer| {
        (0..200)
            .filter(|_| tracer.in_span("op", |cx| cx.span().span_context().is_sampled()))
            .count()
    };
    server.wait_served(2, PATIENCE);
    assert_eq!(
        server.request_lines()[0],
        "GET /sampling?service=payments HTTP/1.1",
        "the service name of init()'s resource"
    );
    assert_eq!(sampled(&tracer), 0, "the strategy's 0.0, not the initial 1.0");

    let control = telemetry.control();
    control
        .trace_everything_for(Duration::from_secs(600))
        .expect("valid");
    assert_eq!(sampled(&tracer), 200, "the override samples every root");
    assert!(control.cancel_trace_everything());
    assert_eq!(sampled(&tracer), 0);
    assert!(
        control.set_sampling_ratio(0.5).is_err(),
        "a remote sampler has no ratio to set"
    );
}
