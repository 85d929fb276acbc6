//! A broker that is down (a closed port): every call returns promptly, every span ends,
//! with `error.type` where the call failed, and nothing is left open. Needs no broker.

use std::time::{Duration, Instant};

use async_nats::ConnectOptions;
use otel_kit_messaging::nats::Client;
use otel_kit_testing::TestTelemetry;

use crate::support::closed_port;

/// The bound on the whole test: a blocked application would hit it.
const BOUND: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_that_is_down_fails_fast_and_every_span_ends() {
    let t = TestTelemetry::new();
    let port = closed_port();
    let url = format!("nats://127.0.0.1:{port}");

    let started = Instant::now();
    tokio::time::timeout(BOUND, async {
        // Without retries, connecting fails at once: there is nothing to wrap.
        assert!(async_nats::connect(url.as_str()).await.is_err());

        // With retries the client is returned at once and keeps trying in the background;
        // what it is asked to do meanwhile fails within its own timeouts.
        let inner = ConnectOptions::new()
            .retry_on_initial_connect()
            .request_timeout(Some(Duration::from_millis(300)))
            .connect(url.as_str())
            .await
            .expect("a client that retries");
        let nats = Client::builder(inner)
            .providers(t.providers())
            .server("127.0.0.1", port)
            .build();

        let request = nats.request("down.requests", "?".into()).await;
        assert!(request.is_err(), "no broker, no reply");

        let mut context = async_nats::jetstream::new(nats.inner().clone());
        context.set_timeout(Duration::from_millis(300));
        let js = nats.jetstream(context);
        let stored = match js.publish("down.stream", "x".into()).await {
            Ok(ack) => ack.await.map(drop),
            Err(error) => Err(error),
        };
        assert!(stored.is_err(), "no broker, no ack");

        // A request the caller gives up on before the client does: cancelled.
        let abandoned = tokio::time::timeout(
            Duration::from_millis(50),
            nats.request("down.abandoned", "?".into()),
        )
        .await;
        assert!(abandoned.is_err());
    })
    .await
    .expect("every call returned within the bound");
    assert!(started.elapsed() < BOUND);

    let spans = t.spans();
    spans.assert_count(3);
    spans
        .span("request down.requests")
        .is_error()
        .has_attribute("error.type", "timed_out")
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("server.port", i64::from(port));
    spans
        .span("publish down.stream")
        .is_error()
        .has_attribute("error.type", "timed_out");
    spans
        .span("request down.abandoned")
        .has_status_unset()
        .lacks_attribute("error.type");

    let metrics = t.metrics();
    metrics
        .metric("messaging.client.sent.messages")
        .point(&[
            ("error.type", "timed_out".into()),
            ("messaging.operation.name", "request".into()),
        ])
        .has_value(1);
    metrics
        .metric("messaging.client.operation.duration")
        .histogram_point(&[
            ("error.type", "timed_out".into()),
            ("messaging.operation.name", "publish".into()),
        ])
        .has_count(1);
    metrics.assert_absent("messaging.client.consumed.messages");
    // The two calls that failed raised, once each; the abandoned one did not (the
    // caller cancelled it).
    let logs = t.logs();
    let sends: Vec<_> = logs
        .as_slice()
        .iter()
        .filter(|r| r.event_name == "messaging.send.exception")
        .collect();
    assert_eq!(sends.len(), 2, "{}", logs.listing());
    for span in ["request down.requests", "publish down.stream"] {
        let span = spans.span(span);
        logs.record_where(&span.record().name, |r| {
            r.span_id.as_deref() == Some(span.record().span_id.as_str())
        })
        .has_severity(opentelemetry::logs::Severity::Warn)
        .has_attribute("exception.type", "async_nats::error::Error");
    }
}
