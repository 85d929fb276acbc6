//! Kafka record headers a hostile or broken producer wrote, sent untraced and consumed
//! through the adapter: a 400 KiB header, malformed, duplicated and conflicting
//! traceparents. Nothing panics; what cannot be trusted starts a new trace; what is over
//! the bounds is not read. And the adapter's own producer replaces a stale traceparent
//! rather than add a second one.

use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt as _;
use otel_kit_messaging::kafka::HeaderExtractor;
use otel_kit_testing::TestTelemetry;
use rdkafka::message::{Header, Headers as _, Message as _, OwnedHeaders};
use rdkafka::producer::FutureRecord;

use crate::support::kafka::{self, broker};
use crate::support::{PATIENCE, unique};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";

fn traceparent() -> String {
    format!("00-{TRACE}-{SPAN}-01")
}

/// What a case expects of the process span.
enum Expect {
    /// A child of the producer in the headers, linked to it.
    ChildOfProducer,
    /// A new trace, linked to nothing.
    NewTrace,
}

fn headers(list: &[(&str, &str)]) -> OwnedHeaders {
    list.iter().fold(OwnedHeaders::new(), |headers, (key, value)| {
        headers.insert(Header {
            key,
            value: Some(*value),
        })
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_record_headers_never_break_processing() {
    let Some(broker) = broker("hostile_record_headers_never_break_processing") else {
        return;
    };
    let t = TestTelemetry::new();
    let topic = unique("kafka_hostile");
    kafka::create_topic(&broker, &topic, 1).await;
    // A producer that knows nothing of tracing writes the headers.
    let foreign = kafka::raw_producer(&kafka::config(&broker));
    let consumer = kafka::consumer(&broker, "hostile", &topic, &t, |b| b);

    let huge = "k=".to_owned() + &"v".repeat(400 * 1024);
    let tp = traceparent();
    let other = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let cases: Vec<(&str, OwnedHeaders, Expect)> = vec![
        (
            "a 400 KiB baggage header",
            headers(&[("traceparent", &tp), ("baggage", &huge)]),
            Expect::ChildOfProducer,
        ),
        (
            "a 400 KiB traceparent",
            headers(&[("traceparent", &huge)]),
            Expect::NewTrace,
        ),
        (
            "a garbage traceparent",
            headers(&[("traceparent", "00-not-a-trace-id-01")]),
            Expect::NewTrace,
        ),
        (
            "two different traceparents",
            headers(&[("traceparent", &tp), ("Traceparent", other)]),
            Expect::NewTrace,
        ),
        (
            "the same traceparent twice",
            headers(&[("traceparent", &tp), ("traceparent", &tp)]),
            Expect::ChildOfProducer,
        ),
        (
            "Traceparent as Go writes it",
            headers(&[("Traceparent", &tp)]),
            Expect::ChildOfProducer,
        ),
        (
            "a header without a value",
            OwnedHeaders::new()
                .insert(Header::<&str> {
                    key: "traceparent",
                    value: None,
                })
                .insert(Header {
                    key: "traceparent",
                    value: Some(tp.as_str()),
                }),
            Expect::ChildOfProducer,
        ),
    ];

    for (case, headers, expect) in cases {
        t.reset();
        foreign
            .send(
                FutureRecord::<(), _>::to(&topic).payload(case).headers(headers),
                PATIENCE,
            )
            .await
            .unwrap_or_else(|(e, _)| panic!("{case}: send: {e}"));
        let delivery = tokio::time::timeout(PATIENCE, consumer.recv())
            .await
            .unwrap_or_else(|_| panic!("{case}: a record within the patience"))
            .expect("a record");
        assert_eq!(delivery.message().payload(), Some(case.as_bytes()));
        let baggage_members = delivery
            .process(|_| async { Ok::<_, std::convert::Infallible>(Context::current().baggage().len()) })
            .await
            .unwrap_or_else(|never| match never {});
        assert_eq!(baggage_members, 0, "{case}: baggage over 8 KiB is not read");

        let spans = t.spans();
        let process = spans.span(&format!("process {topic}"));
        match expect {
            Expect::ChildOfProducer => {
                process
                    .has_trace_id(TRACE)
                    .has_parent_span_id(SPAN)
                    .has_link_to_ids(TRACE, SPAN);
            }
            Expect::NewTrace => {
                process.is_root().has_link_count(0);
                assert_ne!(process.trace_id, TRACE, "{case}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_producer_replaces_a_stale_traceparent() {
    let Some(broker) = broker("the_producer_replaces_a_stale_traceparent") else {
        return;
    };
    let t = TestTelemetry::new();
    let topic = unique("kafka_stale");
    kafka::create_topic(&broker, &topic, 1).await;
    let producer = kafka::producer(&broker, &t);
    let consumer = kafka::consumer(&broker, "stale", &topic, &t, |b| b);

    let stale = headers(&[("Traceparent", "00-not-a-trace-id-01"), ("x-app", "kept")]);
    producer
        .send(
            FutureRecord::<(), _>::to(&topic).payload("p").headers(stale),
            PATIENCE,
        )
        .await
        .expect("sent");
    let delivery = tokio::time::timeout(PATIENCE, consumer.recv())
        .await
        .expect("a record within the patience")
        .expect("a record");
    let record_headers = delivery.message().headers().expect("headers");
    let names: Vec<&str> = record_headers.iter().map(|h| h.key).collect();
    assert_eq!(
        names
            .iter()
            .filter(|n| n.eq_ignore_ascii_case("traceparent"))
            .count(),
        1,
        "{names:?}"
    );
    assert!(names.contains(&"x-app"), "{names:?}");
    assert!(
        opentelemetry::propagation::Extractor::get(&HeaderExtractor(record_headers), "traceparent").is_some()
    );
    delivery.process(|_| async {}).await;

    let spans = t.spans();
    let send = spans.span(&format!("send {topic}")).has_link_count(0);
    spans.span(&format!("process {topic}")).has_parent(&send);
}
