//! Request/reply over core NATS: the request is a PRODUCER span whose context the
//! responder processes in; the reply goes to a temporary inbox and is linked back.

use futures_util::StreamExt as _;
use opentelemetry::trace::SpanKind;
use otel_kit_testing::TestTelemetry;

use crate::support::{self, PATIENCE, in_parent, nats_url, unique};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_and_its_reply_are_one_trace() {
    let Some(url) = nats_url("a_request_and_its_reply_are_one_trace") else {
        return;
    };
    let t = TestTelemetry::new();
    let nats = support::client(&url, &t).await;
    let subject = format!("{}.inventory.reserve", unique("request"));
    let mut requests = nats.subscribe(subject.clone()).await.expect("subscribe");
    let responder = nats.clone();
    let serving = tokio::spawn(async move {
        let delivery = requests.next().await.expect("a request");
        delivery
            .process(|request| async move { responder.respond(&request, "reserved".into()).await })
            .await
    });

    let (reply, _) = in_parent(&t, nats.request(subject.clone(), "sku-1".into())).await;
    assert_eq!(&reply.expect("a reply").payload[..], b"reserved");
    tokio::time::timeout(PATIENCE, serving)
        .await
        .expect("served in time")
        .expect("the responder did not panic")
        .expect("the reply was sent");

    let spans = t.wait_for_spans(4, PATIENCE).await;
    spans.assert_single_trace().assert_tree(&format!(
        "
        test
          request {subject}
            process {subject}
              publish
        "
    ));
    let reply = spans
        .span("publish")
        .has_kind(SpanKind::Producer)
        .has_attribute("messaging.destination.temporary", true)
        .has_attribute("messaging.destination.anonymous", true)
        .has_attribute_key("messaging.destination.name");
    spans
        .span(&format!("request {subject}"))
        .has_kind(SpanKind::Producer)
        .has_attribute("messaging.operation.name", "request")
        .has_attribute("messaging.operation.type", "send")
        .has_attribute("messaging.destination.name", subject.as_str())
        .has_link_to(&reply)
        .has_status_unset();

    let metrics = t.metrics();
    metrics
        .metric("messaging.client.consumed.messages")
        .point(&[("messaging.operation.name", "request".into())])
        .has_value(1);
    metrics
        .metric("messaging.client.sent.messages")
        .point(&[("messaging.operation.name", "request".into())])
        .has_value(1);
    // The reply's inbox is on no metric: it is temporary.
    for (metric, key, value) in support::metric_attributes(&metrics) {
        assert!(
            !format!("{value:?}").contains("_INBOX"),
            "{metric}: {key} = {value:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_nobody_answers_fails_with_no_responders() {
    let Some(url) = nats_url("a_request_nobody_answers_fails_with_no_responders") else {
        return;
    };
    let t = TestTelemetry::new();
    let nats = support::client(&url, &t).await;
    let subject = format!("{}.nobody", unique("request"));
    let failed = tokio::time::timeout(PATIENCE, nats.request(subject.clone(), "?".into()))
        .await
        .expect("answered in time");
    let error = failed.expect_err("no responders");
    assert_eq!(error.kind(), async_nats::RequestErrorKind::NoResponders);

    let spans = t.spans();
    let span = spans
        .span(&format!("request {subject}"))
        .is_error()
        .has_attribute("error.type", "no_responders");
    let logs = t.logs();
    logs.assert_count(1)
        .event("messaging.send.exception")
        .has_severity(opentelemetry::logs::Severity::Warn)
        .has_attribute("exception.type", "async_nats::error::Error")
        // The error's own text, which is also the span's description.
        .has_attribute("exception.message", error.to_string())
        .is_in_span(&span);
    otel_kit_testing::Conformance::semconv()
        .check_spans(&spans)
        .check_logs(&logs)
        .report()
        .assert_conforms();
    let metrics = t.metrics();
    metrics
        .metric("messaging.client.operation.duration")
        .histogram_point(&[("error.type", "no_responders".into())])
        .has_count(1);
    metrics
        .metric("messaging.client.sent.messages")
        .point(&[("error.type", "no_responders".into())])
        .has_value(1);
    metrics.assert_absent("messaging.client.consumed.messages");
}
