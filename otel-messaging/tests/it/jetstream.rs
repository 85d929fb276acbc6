//! JetStream: a publish span that ends with the stream's ack, consumption with acks as
//! settle spans, a nak and its redelivery, a fetch as one receive span with links, and
//! a publish no stream takes.

use std::time::Duration;

use async_nats::HeaderMap;
use futures_util::StreamExt as _;
use opentelemetry::trace::SpanKind;
use otel_kit_messaging::nats::JetStreamDelivery;
use otel_kit_testing::TestTelemetry;

use crate::support::{self, PATIENCE, TestStream, in_parent, nats_url};

/// The next delivery of `messages`.
async fn next(messages: &mut otel_kit_messaging::nats::Messages) -> JetStreamDelivery {
    tokio::time::timeout(PATIENCE, messages.next())
        .await
        .expect("a message within the patience")
        .expect("the stream is open")
        .expect("a message, not an error")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_message_is_acked_in_a_child_of_its_process_span() {
    let Some(url) = nats_url("a_published_message_is_acked_in_a_child_of_its_process_span") else {
        return;
    };
    let t = TestTelemetry::new();
    let nats = support::client(&url, &t).await;
    let stream = TestStream::new(&nats, "js_ack").await;
    let subject = format!("{}.orders.created", stream.prefix);
    let consumer = stream.js.consumer(stream.consumer("billing", &subject).await);

    let mut headers = HeaderMap::new();
    headers.insert(async_nats::header::NATS_MESSAGE_ID, "order-7");
    let (ack, trace_id) = in_parent(&t, async {
        stream
            .js
            .publish_with_headers(subject.clone(), headers, "order 7".into())
            .await
            .expect("sent")
            .await
    })
    .await;
    let ack = ack.expect("stored");
    assert_eq!(ack.stream, stream.name);

    let mut messages = consumer.messages().await.expect("messages");
    let acked: Result<(), async_nats::Error> = next(&mut messages)
        .await
        .process(|message| async move { message.ack().await })
        .await;
    acked.expect("acked");

    let spans = t.spans();
    spans.assert_single_trace().assert_tree(&format!(
        "
        test
          publish {subject}
            process {subject}
              ack {subject}
        "
    ));
    let publish = spans
        .span(&format!("publish {subject}"))
        .has_kind(SpanKind::Producer)
        .has_trace_id(&trace_id)
        .has_attribute("messaging.message.id", "order-7")
        .has_status_unset();
    spans
        .span(&format!("process {subject}"))
        .has_parent(&publish)
        .has_attribute("messaging.destination.subscription.name", "billing")
        .has_attribute("messaging.message.id", "order-7");
    spans
        .span(&format!("ack {subject}"))
        .has_kind(SpanKind::Client)
        .has_attribute("messaging.operation.type", "settle")
        .has_attribute("messaging.operation.name", "ack")
        .has_attribute("messaging.destination.subscription.name", "billing")
        .has_link_to(&publish);

    let metrics = t.metrics();
    metrics
        .metric("messaging.client.operation.duration")
        .histogram_point(&[
            ("messaging.operation.type", "settle".into()),
            ("messaging.operation.name", "ack".into()),
            ("messaging.destination.subscription.name", "billing".into()),
        ])
        .has_count(1);
    metrics
        .metric("messaging.client.consumed.messages")
        .point(&[("messaging.destination.subscription.name", "billing".into())])
        .has_value(1);
    stream.delete().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nak_redelivers_and_each_delivery_is_processed_in_the_producers_trace() {
    let Some(url) = nats_url("a_nak_redelivers_and_each_delivery_is_processed_in_the_producers_trace") else {
        return;
    };
    let t = TestTelemetry::new();
    let nats = support::client(&url, &t).await;
    let stream = TestStream::new(&nats, "js_nak").await;
    let subject = format!("{}.jobs", stream.prefix);
    let consumer = stream.js.consumer(stream.consumer("worker", &subject).await);
    let (ack, _) = in_parent(&t, async {
        stream
            .js
            .publish(subject.clone(), "job".into())
            .await
            .expect("sent")
            .await
    })
    .await;
    ack.expect("stored");

    let mut messages = consumer.messages().await.expect("messages");
    let first = next(&mut messages).await;
    let nakked: Result<(), async_nats::Error> = first
        .process(|message| async move { message.nak(None).await })
        .await;
    nakked.expect("nak sent");
    let second = next(&mut messages).await;
    let delivered = second.message().info().expect("JetStream info").delivered;
    assert_eq!(delivered, 2, "the same message, redelivered");
    let acked: Result<(), async_nats::Error> =
        second.process(|message| async move { message.ack().await }).await;
    acked.expect("acked");

    let spans = t.spans();
    let publish = spans.span(&format!("publish {subject}"));
    let processes = spans.named(&format!("process {subject}"));
    assert_eq!(processes.len(), 2);
    for process in processes {
        process.has_parent(&publish).has_link_to(&publish);
    }
    spans
        .span(&format!("nak {subject}"))
        .has_attribute("messaging.operation.type", "settle")
        .has_link_to(&publish);
    spans.span(&format!("ack {subject}"));
    spans.assert_single_trace();
    t.metrics()
        .metric("messaging.client.consumed.messages")
        .point(&[("messaging.operation.name", "process".into())])
        .has_value(2);
    stream.delete().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetch_is_one_receive_span_linked_to_each_producer() {
    let Some(url) = nats_url("a_fetch_is_one_receive_span_linked_to_each_producer") else {
        return;
    };
    let t = TestTelemetry::new();
    let nats = support::client(&url, &t).await;
    let stream = TestStream::new(&nats, "js_fetch").await;
    let filter = format!("{}.orders.>", stream.prefix);
    let consumer = stream.js.consumer(stream.consumer("batcher", &filter).await);
    for n in 0..3 {
        let mut headers = HeaderMap::new();
        headers.insert(async_nats::header::NATS_MESSAGE_ID, format!("m-{n}").as_str());
        let (ack, _) = in_parent(&t, async {
            stream
                .js
                .publish_with_headers(format!("{}.orders.{n}", stream.prefix), headers, "x".into())
                .await
                .expect("sent")
                .await
        })
        .await;
        ack.expect("stored");
    }

    let batch = consumer.fetch(10).await.expect("fetched");
    assert_eq!(batch.len(), 3);
    let done: Result<(), async_nats::Error> = consumer
        .process_batch(batch, |messages| async move {
            for message in &messages {
                message.ack().await?;
            }
            Ok(())
        })
        .await;
    done.expect("acked");

    let spans = t.spans();
    let fetch = spans
        .span(&format!("fetch {filter}"))
        .has_kind(SpanKind::Client)
        .is_root()
        .has_attribute("messaging.operation.type", "receive")
        .has_attribute("messaging.operation.name", "fetch")
        .has_attribute("messaging.destination.template", filter.as_str())
        .has_attribute("messaging.batch.message_count", 3)
        .has_link_count(3);
    let process = spans
        .span(&format!("process {filter}"))
        .has_attribute("messaging.batch.message_count", 3)
        .has_link_count(3);
    for publish in spans.iter().filter(|s| s.name.starts_with("publish ")) {
        fetch.has_link_to(publish);
        process.has_link_to(publish);
    }
    let ids: Vec<String> = fetch
        .record()
        .links
        .iter()
        .filter_map(|link| {
            link.attributes
                .iter()
                .find(|(key, _)| key == "messaging.message.id")
                .and_then(|(_, value)| value.as_str().map(str::to_owned))
        })
        .collect();
    assert_eq!(ids, ["m-0", "m-1", "m-2"], "each link names its message");
    for ack in spans.iter().filter(|s| s.name.starts_with("ack ")) {
        assert_eq!(
            ack.parent_span_id.as_deref(),
            Some(process.record().span_id.as_str())
        );
    }

    let metrics = t.metrics();
    metrics
        .metric("messaging.client.consumed.messages")
        .point(&[
            ("messaging.operation.name", "fetch".into()),
            ("messaging.destination.template", filter.as_str().into()),
        ])
        .has_value(3);
    metrics
        .metric("messaging.client.operation.duration")
        .histogram_point(&[("messaging.operation.type", "receive".into())])
        .has_count(1);
    stream.delete().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_no_stream_takes_fails_with_stream_not_found() {
    let Some(url) = nats_url("a_publish_no_stream_takes_fails_with_stream_not_found") else {
        return;
    };
    let t = TestTelemetry::new();
    let nats = support::client(&url, &t).await;
    let mut context = async_nats::jetstream::new(nats.inner().clone());
    context.set_timeout(Duration::from_secs(5));
    let js = nats.jetstream(context);
    let subject = format!("{}.nowhere", support::unique("js_nostream"));
    let result = tokio::time::timeout(PATIENCE, async {
        js.publish(subject.clone(), "x".into()).await?.await
    })
    .await
    .expect("answered in time");
    assert_eq!(
        result.expect_err("no stream").kind(),
        async_nats::jetstream::context::PublishErrorKind::StreamNotFound
    );
    let spans = t.spans();
    let span = spans
        .span(&format!("publish {subject}"))
        .is_error()
        .has_attribute("error.type", "stream_not_found");
    // The ack's error, handed to the caller: one `messaging.send.exception` (WARN).
    t.logs()
        .assert_count(1)
        .event("messaging.send.exception")
        .has_severity(opentelemetry::logs::Severity::Warn)
        .has_attribute("exception.type", "async_nats::error::Error")
        .is_in_span(&span);
    t.metrics()
        .metric("messaging.client.sent.messages")
        .point(&[("error.type", "stream_not_found".into())])
        .has_value(1);
}
