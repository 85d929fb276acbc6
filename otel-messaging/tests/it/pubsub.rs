//! Core NATS publish/subscribe: the trace from publish to processing (or the link, per
//! the option), the attributes and metrics, templates, queue groups, failing handlers,
//! batches, and a message that carries its own creation context.

use async_nats::HeaderMap;
use futures_util::StreamExt as _;
use opentelemetry::trace::SpanKind;
use otel_kit_messaging::ProcessParent;
use otel_kit_messaging::nats::Delivery;
use otel_kit_testing::TestTelemetry;

use crate::support::{self, PATIENCE, in_parent, nats_url, unique};

/// The next delivery of `subscriber`, within the test's patience.
async fn next(subscriber: &mut otel_kit_messaging::nats::Subscriber) -> Delivery {
    tokio::time::timeout(PATIENCE, subscriber.next())
        .await
        .expect("a message within the patience")
        .expect("the subscription is open")
}

/// The port of `url` (`nats://host:port`).
fn port_of(url: &str) -> i64 {
    url.rsplit(':')
        .next()
        .and_then(|port| port.trim_end_matches('/').parse().ok())
        .expect("a port in TEST_NATS_URL")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_published_in_one_trace_is_processed_in_it() {
    let Some(url) = nats_url("a_message_published_in_one_trace_is_processed_in_it") else {
        return;
    };
    let t = TestTelemetry::new();
    let nats = support::client(&url, &t).await;
    let subject = format!("{}.orders.created", unique("pubsub"));
    let mut subscriber = nats.subscribe(subject.clone()).await.expect("subscribe");

    let (published, trace_id) = in_parent(&t, nats.publish(subject.clone(), "order 7".into())).await;
    published.expect("publish");
    let delivery = next(&mut subscriber).await;
    assert!(
        delivery.creation_context().is_some(),
        "the headers carry the context"
    );
    let seen: Result<String, std::str::Utf8Error> = delivery
        .process(|message| async move { std::str::from_utf8(&message.payload).map(str::to_owned) })
        .await;
    assert_eq!(seen.expect("utf-8"), "order 7");

    let announced = nats.inner().server_info().host;
    let spans = t.spans();
    spans.assert_single_trace().assert_tree(&format!(
        "
        test
          publish {subject}
            process {subject}
        "
    ));
    let publish = spans
        .span(&format!("publish {subject}"))
        .has_kind(SpanKind::Producer)
        .has_trace_id(&trace_id)
        .has_attribute("messaging.system.name", "nats")
        .has_attribute("messaging.operation.name", "publish")
        .has_attribute("messaging.operation.type", "send")
        .has_attribute("messaging.destination.name", subject.as_str())
        .has_attribute("server.address", announced.as_str())
        .has_attribute("server.port", port_of(&url))
        .has_attribute(
            "messaging.client.id",
            nats.inner().server_info().client_id.to_string(),
        )
        .lacks_attribute("messaging.message.body.size")
        .has_status_unset();
    spans
        .span(&format!("process {subject}"))
        .has_kind(SpanKind::Consumer)
        .has_parent(&publish)
        .has_link_to(&publish)
        .has_attribute("messaging.operation.name", "process")
        .has_attribute("messaging.operation.type", "process")
        .has_attribute("messaging.destination.name", subject.as_str())
        .lacks_attribute("messaging.batch.message_count");

    let metrics = t.metrics();
    let by_subject = [("messaging.destination.name", subject.as_str().into())];
    metrics
        .metric("messaging.client.sent.messages")
        .has_unit("{message}")
        .point(&by_subject)
        .has_value(1);
    metrics
        .metric("messaging.client.consumed.messages")
        .point(&[
            ("messaging.destination.name", subject.as_str().into()),
            ("messaging.operation.name", "process".into()),
        ])
        .has_value(1);
    metrics
        .metric("messaging.client.operation.duration")
        .has_unit("s")
        .histogram_point(&[
            ("messaging.operation.type", "send".into()),
            ("server.port", port_of(&url).into()),
        ])
        .has_count(1)
        .has_bucket_boundaries(&otel_kit_messaging::MESSAGING_DURATION_BUCKETS);
    metrics
        .metric("messaging.process.duration")
        .histogram_point(&by_subject)
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_link_only_the_process_span_has_its_own_trace_linked_to_the_producer() {
    let Some(url) = nats_url("with_link_only_the_process_span_has_its_own_trace_linked_to_the_producer")
    else {
        return;
    };
    let t = TestTelemetry::new();
    let nats = support::builder(&url, &t)
        .await
        .process_parent(ProcessParent::LinkOnly)
        .record_body_size(true)
        .build();
    let subject = format!("{}.jobs", unique("linkonly"));
    let mut subscriber = nats.subscribe(subject.clone()).await.expect("subscribe");
    nats.publish(subject.clone(), "12345".into())
        .await
        .expect("publish");
    next(&mut subscriber).await.process(|_| async {}).await;

    let spans = t.spans();
    let publish = spans
        .span(&format!("publish {subject}"))
        .is_root()
        .has_attribute("messaging.message.body.size", 5);
    spans
        .span(&format!("process {subject}"))
        .is_root()
        .has_link_count(1)
        .has_link_to(&publish)
        .has_attribute("messaging.message.body.size", 5);
    assert_eq!(spans.trace_ids().len(), 2, "two traces, one link");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_name_spans_and_keep_ids_off_metrics_and_a_queue_group_is_recorded() {
    let Some(url) = nats_url("templates_name_spans_and_keep_ids_off_metrics_and_a_queue_group_is_recorded")
    else {
        return;
    };
    let t = TestTelemetry::new();
    let base = unique("templates");
    let template = format!("{base}.orders.*.shipped");
    let nats = support::builder(&url, &t)
        .await
        .subject_template(template.clone())
        .build();
    let pattern = format!("{base}.orders.>");
    let mut subscriber = nats
        .queue_subscribe(pattern.clone(), "shipping".into())
        .await
        .expect("subscribe");
    for order in [41, 42] {
        nats.publish(format!("{base}.orders.{order}.shipped"), "x".into())
            .await
            .expect("publish");
    }
    for _ in 0..2 {
        next(&mut subscriber).await.process(|_| async {}).await;
    }

    let spans = t.spans();
    for publish in spans.named(&format!("publish {template}")) {
        publish.has_attribute("messaging.destination.template", template.as_str());
    }
    assert_eq!(spans.named(&format!("publish {template}")).len(), 2);
    // The publisher's template matches first; the subscription's pattern is next.
    for process in spans.named(&format!("process {template}")) {
        process
            .has_attribute("messaging.consumer.group.name", "shipping")
            .has_attribute_key("messaging.destination.name");
    }
    assert_eq!(spans.named(&format!("process {template}")).len(), 2);

    let metrics = t.metrics();
    metrics
        .metric("messaging.client.sent.messages")
        .point(&[("messaging.destination.template", template.as_str().into())])
        .has_value(2);
    let consumed = metrics.metric("messaging.client.consumed.messages");
    consumed
        .point(&[
            ("messaging.destination.template", template.as_str().into()),
            ("messaging.consumer.group.name", "shipping".into()),
        ])
        .has_value(2);
    for (metric, key, _) in support::metric_attributes(&metrics) {
        assert_ne!(
            key, "messaging.destination.name",
            "{metric}: no subject with an id on a metric"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subject_with_an_id_and_no_declared_template_gets_one_by_default() {
    let Some(url) = nats_url("a_subject_with_an_id_and_no_declared_template_gets_one_by_default") else {
        return;
    };
    let t = TestTelemetry::new();
    let nats = support::client(&url, &t).await;
    let base = unique("undeclared");
    let template = format!("{base}.orders.*.shipped");
    for order in [4711, 4712, 4713] {
        let subject = format!("{base}.orders.{order}.shipped");
        let mut subscriber = nats.subscribe(subject.clone()).await.expect("subscribe");
        nats.publish(subject, "x".into()).await.expect("publish");
        next(&mut subscriber).await.process(|_| async {}).await;
    }

    // One span name and one series for the three orders, each span keeping its subject.
    let spans = t.spans();
    assert_eq!(spans.named(&format!("publish {template}")).len(), 3);
    assert_eq!(spans.named(&format!("process {template}")).len(), 3);
    spans
        .span_where("the first publish", |s| {
            s.attribute("messaging.destination.name") == Some(&format!("{base}.orders.4711.shipped").into())
                && s.kind == SpanKind::Producer
        })
        .has_attribute("messaging.destination.template", template.as_str());
    let metrics = t.metrics();
    metrics
        .metric("messaging.client.sent.messages")
        .point(&[("messaging.destination.template", template.as_str().into())])
        .has_value(3);
    for (metric, key, _) in support::metric_attributes(&metrics) {
        assert_ne!(
            key, "messaging.destination.name",
            "{metric}: no subject with an id on a metric"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_handler_fails_its_span_with_the_error_type() {
    let Some(url) = nats_url("a_failing_handler_fails_its_span_with_the_error_type") else {
        return;
    };
    let t = TestTelemetry::new();
    let nats = support::client(&url, &t).await;
    let subject = format!("{}.payments", unique("failing"));
    let mut subscriber = nats.subscribe(subject.clone()).await.expect("subscribe");
    nats.publish(subject.clone(), "not a number".into())
        .await
        .expect("publish");
    let handled: Result<u32, std::num::ParseIntError> = next(&mut subscriber)
        .await
        .process(|message| async move { std::str::from_utf8(&message.payload).unwrap_or("").parse() })
        .await;
    assert!(handled.is_err());

    let spans = t.spans();
    let span = spans
        .span(&format!("process {subject}"))
        .is_error()
        .has_error_description("invalid digit found in string")
        .has_attribute("error.type", "core::num::error::ParseIntError");
    t.metrics()
        .metric("messaging.process.duration")
        .histogram_point(&[("error.type", "core::num::error::ParseIntError".into())])
        .has_count(1);
    // The handler's error ends processing: one `messaging.process.exception` at ERROR
    // (nothing after the handler handles it), in the process span (docs/errors.md).
    let logs = t.logs();
    logs.assert_count(1)
        .event("messaging.process.exception")
        .has_severity(opentelemetry::logs::Severity::Error)
        .has_attribute("exception.type", "core::num::error::ParseIntError")
        .has_attribute("exception.message", "invalid digit found in string")
        .is_in_span(&span);
    otel_kit_testing::Conformance::semconv()
        .check_spans(&spans)
        .check_logs(&logs)
        .report()
        .assert_conforms();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_processed_in_one_span_linked_to_every_producer() {
    let Some(url) = nats_url("a_batch_is_processed_in_one_span_linked_to_every_producer") else {
        return;
    };
    let t = TestTelemetry::new();
    let nats = support::client(&url, &t).await;
    let subject = format!("{}.events", unique("batch"));
    let mut subscriber = nats.subscribe(subject.clone()).await.expect("subscribe");
    let mut traces = Vec::new();
    for n in 0..3 {
        let (published, trace) = in_parent(&t, nats.publish(subject.clone(), format!("{n}").into())).await;
        published.expect("publish");
        traces.push(trace);
    }
    let mut batch = Vec::new();
    for _ in 0..3 {
        batch.push(next(&mut subscriber).await);
    }
    let count = nats
        .process_batch(batch, |messages| async move {
            Ok::<_, std::convert::Infallible>(messages.len())
        })
        .await;
    assert_eq!(count, Ok(3));

    let spans = t.spans();
    let process = spans
        .span(&format!("process {subject}"))
        .is_root()
        .has_kind(SpanKind::Consumer)
        .has_attribute("messaging.batch.message_count", 3)
        .has_attribute("messaging.destination.name", subject.as_str())
        .has_link_count(3);
    for publish in spans.named(&format!("publish {subject}")) {
        process.has_link_to(&publish);
    }
    assert_eq!(
        spans.trace_ids().len(),
        4,
        "three producers' traces and the batch's own"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_that_carries_its_own_creation_context_keeps_it() {
    let Some(url) = nats_url("a_message_that_carries_its_own_creation_context_keeps_it") else {
        return;
    };
    let t = TestTelemetry::new();
    let nats = support::client(&url, &t).await;
    let subject = format!("{}.forwarded", unique("custom"));
    let mut subscriber = nats.subscribe(subject.clone()).await.expect("subscribe");
    let original = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let mut headers = HeaderMap::new();
    headers.insert("traceparent", original);
    nats.publish_with_headers(subject.clone(), headers, "x".into())
        .await
        .expect("publish");
    let delivery = next(&mut subscriber).await;
    let carried = delivery
        .message()
        .headers
        .as_ref()
        .and_then(|h| h.get("traceparent"))
        .map(|v| v.as_str().to_owned());
    assert_eq!(carried.as_deref(), Some(original), "left as the producer set it");
    delivery.process(|_| async {}).await;

    let spans = t.spans();
    spans
        .span(&format!("publish {subject}"))
        .has_kind(SpanKind::Client)
        .has_link_to_ids("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331");
    spans
        .span(&format!("process {subject}"))
        .has_parent_span_id("b7ad6b7169203331")
        .has_trace_id("0af7651916cd43dd8448eb211c80319c");
}

/// A NATS server of this test's own that listens on every interface (it announces
/// `0.0.0.0`), killed when dropped; `None` when no `nats-server` is installed.
struct EveryInterface(std::process::Child);

impl Drop for EveryInterface {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_announcing_every_interface_is_recorded_by_the_address_connected_to() {
    // `.ci/run` installs and starts nats-server; TEST_NATS_URL says it is there.
    if nats_url("a_server_announcing_every_interface_is_recorded_by_the_address_connected_to").is_none() {
        return;
    }
    let port = support::closed_port();
    let server = std::process::Command::new("nats-server")
        .args(["-a", "0.0.0.0", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(server) = server else {
        eprintln!("skipping: no nats-server on the PATH");
        return;
    };
    let _server = EveryInterface(server);
    let url = format!("nats://127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + PATIENCE;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(std::time::Instant::now() < deadline, "nats-server did not listen");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let t = TestTelemetry::new();
    let nats = support::client(&url, &t).await;
    assert_eq!(nats.inner().server_info().host, "0.0.0.0");
    nats.publish("anywhere.orders", "x".into())
        .await
        .expect("publish");

    t.spans()
        .span("publish anywhere.orders")
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("server.port", i64::from(port));
}
