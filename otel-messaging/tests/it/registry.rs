//! The registry check (`otel_kit_testing::Conformance`) over every kind of span, metric
//! and event the crate emits: core publish/subscribe, a failing and a panicking handler,
//! request/reply and a request nobody answers, JetStream publish, consume, ack, nak,
//! fetch and a batch.
//!
//! `messaging.system.name = "nats"` is not among the registry's members; the conventions say
//! of that list "If one of them applies, then the respective value MUST be used;
//! otherwise, a custom value MAY be used", and the check treats that enum as open.

use futures_util::StreamExt as _;
use otel_kit_testing::{Conformance, TestTelemetry};

use crate::support::{self, PATIENCE, TestStream, in_parent, nats_url, unique};

async fn next(subscriber: &mut otel_kit_messaging::nats::Subscriber) -> otel_kit_messaging::nats::Delivery {
    tokio::time::timeout(PATIENCE, subscriber.next())
        .await
        .expect("delivered")
        .expect("open")
}

/// A handler's bug.
fn handler_bug() {
    panic!("handler bug");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_span_metric_and_event_conforms_to_the_registry() {
    let Some(url) = nats_url("every_span_metric_and_event_conforms_to_the_registry") else {
        return;
    };
    let t = TestTelemetry::new();
    let nats = support::builder(&url, &t).await.record_body_size(true).build();
    let base = unique("registry");

    // Core publish/subscribe: a handler that succeeds, one that fails, one that panics.
    let subject = format!("{base}.orders.created");
    let mut orders = nats
        .subscribe(format!("{base}.orders.*"))
        .await
        .expect("subscribe");
    for _ in 0..3 {
        let (sent, _) = in_parent(&t, nats.publish(subject.clone(), "order".into())).await;
        sent.expect("publish");
    }
    next(&mut orders).await.process(|_| async {}).await;
    let failed: Result<(), std::io::Error> = next(&mut orders)
        .await
        .process(|_| async { Err(std::io::Error::other("declined")) })
        .await;
    assert!(failed.is_err());
    let panicking = next(&mut orders).await.process(|_| async { handler_bug() });
    assert!(tokio::spawn(panicking).await.is_err());

    // Request/reply, and a request nobody answers.
    let service = format!("{base}.inventory");
    let mut requests = nats.subscribe(service.clone()).await.expect("subscribe");
    let responder = nats.clone();
    let serving = tokio::spawn(async move {
        let delivery = requests.next().await.expect("a request");
        delivery
            .process(|request| async move { responder.respond(&request, "ok".into()).await })
            .await
    });
    nats.request(service, "sku".into()).await.expect("reply");
    serving.await.expect("served").expect("replied");
    assert!(nats.request(format!("{base}.nobody"), "?".into()).await.is_err());

    // JetStream: publish, consume with ack and nak, fetch and a batch.
    let stream = TestStream::new(&nats, "registry_js").await;
    let filter = format!("{}.>", stream.prefix);
    let consumer = stream.js.consumer(stream.consumer("registry", &filter).await);
    for n in 0..3 {
        stream
            .js
            .publish(format!("{}.jobs.{n}", stream.prefix), "job".into())
            .await
            .expect("sent")
            .await
            .expect("stored");
    }
    let mut messages = consumer.messages().await.expect("messages");
    let first = tokio::time::timeout(PATIENCE, messages.next())
        .await
        .expect("delivered")
        .expect("open")
        .expect("message");
    let nakked: Result<(), async_nats::Error> = first.process(|m| async move { m.nak(None).await }).await;
    nakked.expect("nak");
    drop(messages);
    let batch = consumer.fetch(10).await.expect("fetch");
    let acked: Result<(), async_nats::Error> = consumer
        .process_batch(batch, |messages| async move {
            for message in &messages {
                message.ack().await?;
            }
            Ok(())
        })
        .await;
    acked.expect("acked");
    stream.delete().await;

    let spans = t.spans();
    let metrics = t.metrics();
    let logs = t.logs();
    for name in [
        "messaging.client.sent.messages",
        "messaging.client.consumed.messages",
        "messaging.client.operation.duration",
        "messaging.process.duration",
    ] {
        assert!(metrics.find(name).is_some(), "{name} was recorded");
    }
    // The handler's error and the panic: one exception event each; the request nobody
    // answered: a send exception.
    let exception = |name: &'static str, exception_type: &'static str| {
        logs.record_where(exception_type, move |r| {
            r.event_name == name
                && r.attribute("exception.type").and_then(|v| v.as_str()) == Some(exception_type)
        });
    };
    exception("messaging.process.exception", "std::io::error::Error");
    exception("messaging.process.exception", "panic");
    exception("messaging.send.exception", "async_nats::error::Error");

    let report = Conformance::semconv()
        .check_spans(&spans)
        .check_metrics(&metrics)
        .check_logs(&logs)
        .report();
    println!("{report}");
    report.assert_conforms();
    assert!(report.attributes_checked() > 250, "{report}");
    assert!(report.requirements_checked() > 40, "{report}");
}
