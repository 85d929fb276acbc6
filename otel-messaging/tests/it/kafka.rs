//! Kafka through rdkafka, against a real Kafka-protocol broker (`TEST_KAFKA_BROKER`, or
//! tansu from `TEST_TANSU_BIN`): a record sent in one trace is processed and committed in
//! it, with the registry check over what that records; a batch polled and processed with
//! one link per record; and a broker that is down, which needs no broker.

use std::time::{Duration, Instant};

use opentelemetry::trace::SpanKind;
use otel_kit_messaging::kafka::Builder;
use otel_kit_testing::{Conformance, TestTelemetry};
use rdkafka::consumer::CommitMode;
use rdkafka::message::Message as _;
use rdkafka::producer::{FutureRecord, Producer as _};

use crate::support::kafka::{self, broker};
use crate::support::{PATIENCE, closed_port, in_parent, unique};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_sent_in_one_trace_is_processed_and_committed_in_it() {
    let Some(broker) = broker("a_record_sent_in_one_trace_is_processed_and_committed_in_it") else {
        return;
    };
    let t = TestTelemetry::new();
    let topic = unique("kafka_orders");
    kafka::create_topic(&broker, &topic, 1).await;
    let producer = kafka::producer(&broker, &t);
    // The broker's cluster id, asked once as the application would (tansu has one).
    let cluster = producer
        .inner()
        .client()
        .fetch_cluster_id(PATIENCE)
        .expect("the broker's cluster id");
    let consumer = kafka::consumer(&broker, "billing", &topic, &t, |b| {
        b.record_message_key(true).cluster_id(cluster.clone())
    });

    let (sent, trace_id) = in_parent(&t, async {
        let record = FutureRecord::to(&topic).key("order-7").payload("created");
        producer.send(record, PATIENCE).await
    })
    .await;
    let sent = sent.expect("sent");
    let delivery = tokio::time::timeout(PATIENCE, consumer.recv())
        .await
        .expect("a record within the patience")
        .expect("a record, not an error");
    assert!(
        delivery.creation_context().is_some(),
        "the headers carry the context"
    );
    let consumer = &consumer;
    let committed = delivery
        .process(|record| async move {
            assert_eq!(record.payload(), Some(&b"created"[..]));
            consumer.commit_message(&record, CommitMode::Sync)
        })
        .await;
    committed.expect("committed");

    let spans = t.spans();
    spans.assert_single_trace().assert_tree(&format!(
        "
        test
          send {topic}
            process {topic}
              commit {topic}
        "
    ));
    let send = spans
        .span(&format!("send {topic}"))
        .has_kind(SpanKind::Producer)
        .has_trace_id(&trace_id)
        .has_attribute("messaging.system.name", "kafka")
        .has_attribute("messaging.operation.type", "send")
        .has_attribute("messaging.operation.name", "send")
        .has_attribute("messaging.destination.name", topic.as_str())
        .has_attribute("messaging.destination.partition.id", sent.partition.to_string())
        .has_attribute("kafka.offset", sent.offset)
        .has_attribute("messaging.client.id", "otel-kit-test")
        .has_attribute("server.address", broker.address.as_str())
        .has_attribute("server.port", i64::from(broker.port))
        // Not asked for on the producer: a key is often personal data.
        .lacks_attribute("kafka.message.key");
    spans
        .span(&format!("process {topic}"))
        .has_kind(SpanKind::Consumer)
        .has_parent(&send)
        .has_link_to(&send)
        .has_attribute("messaging.operation.type", "process")
        .has_attribute("messaging.consumer.group.name", "billing")
        .has_attribute("messaging.destination.partition.id", sent.partition.to_string())
        .has_attribute("kafka.offset", sent.offset)
        .has_attribute("kafka.message.key", "order-7")
        .has_attribute("kafka.cluster.id", cluster.as_str());
    spans
        .span(&format!("commit {topic}"))
        .has_kind(SpanKind::Client)
        .has_attribute("messaging.operation.type", "settle")
        .has_attribute("messaging.operation.name", "commit")
        .has_attribute("kafka.cluster.id", cluster.as_str())
        .has_link_to(&send);

    let metrics = t.metrics();
    let by_topic = [("messaging.destination.name", topic.as_str().into())];
    metrics
        .metric("messaging.client.sent.messages")
        .point(&by_topic)
        .has_value(1);
    metrics
        .metric("messaging.client.consumed.messages")
        .point(&[
            ("messaging.destination.name", topic.as_str().into()),
            ("messaging.consumer.group.name", "billing".into()),
        ])
        .has_value(1);
    metrics
        .metric("messaging.process.duration")
        .histogram_point(&by_topic)
        .has_count(1);
    metrics
        .metric("messaging.client.operation.duration")
        .histogram_point(&[
            ("messaging.operation.name", "send".into()),
            ("messaging.operation.type", "send".into()),
        ])
        .has_count(1);

    let report = Conformance::semconv()
        .check_spans(&spans)
        .check_metrics(&metrics)
        .report();
    println!("{report}");
    report.assert_conforms();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_polled_and_processed_with_one_link_per_record() {
    let Some(broker) = broker("a_batch_is_polled_and_processed_with_one_link_per_record") else {
        return;
    };
    let t = TestTelemetry::new();
    let topic = unique("kafka_batch");
    kafka::create_topic(&broker, &topic, 1).await;
    let producer = kafka::producer(&broker, &t);
    let mut traces = Vec::new();
    for n in 0..3 {
        let payload = format!("job {n}");
        let (sent, trace_id) = in_parent(
            &t,
            producer.send(FutureRecord::<(), _>::to(&topic).payload(&payload), PATIENCE),
        )
        .await;
        sent.expect("sent");
        traces.push(trace_id);
    }
    let consumer = kafka::consumer(&broker, "batcher", &topic, &t, |b| b);
    let mut batch = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    while batch.len() < 3 && Instant::now() < deadline {
        batch.extend(
            consumer
                .poll_batch(3 - batch.len(), Duration::from_secs(2))
                .await
                .expect("polled"),
        );
    }
    assert_eq!(batch.len(), 3, "three records within the patience");
    let handled = consumer
        .process_batch(batch, |records| async move {
            Ok::<_, std::convert::Infallible>(records.len())
        })
        .await;
    assert_eq!(handled, Ok(3));

    let spans = t.spans();
    let sends = spans.named(&format!("send {topic}"));
    assert_eq!(sends.len(), 3);
    let process = format!("process {topic}");
    spans
        .span(&process)
        .has_kind(SpanKind::Consumer)
        .has_attribute("messaging.batch.message_count", 3)
        .has_attribute("messaging.consumer.group.name", "batcher")
        .has_link_count(3);
    for send in &sends {
        spans.span(&process).has_link_to(send);
    }
    // The polls: every record linked once among them, as CLIENT spans of type receive.
    let polls = spans.named(&format!("poll {topic}"));
    assert!(!polls.is_empty(), "{}", spans.tree());
    let mut links = 0;
    for poll in polls {
        links += poll.links.len();
        poll.has_kind(SpanKind::Client)
            .has_attribute("messaging.operation.type", "receive");
    }
    assert_eq!(links, 3, "one link per record");
    t.metrics()
        .metric("messaging.client.consumed.messages")
        .point(&[
            ("messaging.destination.name", topic.as_str().into()),
            ("messaging.operation.name", "poll".into()),
        ])
        .has_value(3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_that_is_down_fails_the_send_within_its_deadline() {
    // No broker listens on the port: librdkafka gives up at message.timeout.ms.
    let t = TestTelemetry::new();
    let mut config = rdkafka::ClientConfig::new();
    config
        .set("bootstrap.servers", format!("127.0.0.1:{}", closed_port()))
        .set("message.timeout.ms", "1500");
    let producer = Builder::new(&config)
        .providers(t.providers())
        .producer(kafka::raw_producer(&config));
    let started = Instant::now();
    let result = producer
        .send(
            FutureRecord::to("nowhere").key("k").payload("lost"),
            Duration::from_secs(1),
        )
        .await;
    let elapsed = started.elapsed();
    let (error, _record) = result.expect_err("no broker");
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    assert_eq!(
        error.rdkafka_error_code(),
        Some(rdkafka::types::RDKafkaErrorCode::MessageTimedOut),
        "{error}"
    );
    t.spans()
        .span("send nowhere")
        .has_kind(SpanKind::Producer)
        .is_error()
        .has_attribute("error.type", "message_timed_out")
        .lacks_attribute("kafka.offset");
    t.metrics()
        .metric("messaging.client.sent.messages")
        .point(&[("error.type", "message_timed_out".into())])
        .has_value(1);
}
