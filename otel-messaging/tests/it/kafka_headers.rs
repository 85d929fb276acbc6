//! Kafka record headers a hostile or broken producer wrote, sent untraced and consumed
//! through the adapter: a 400 KiB header, malformed, duplicated and conflicting
//! traceparents. Nothing panics; what cannot be trusted starts a new trace; what is over
//! the bounds is not read. And the adapter's own producer replaces a stale traceparent
//! rather than add a second one.

use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt as _;
use otel_kit_messaging::kafka::KafkaHeaderExtractor;
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
        opentelemetry::propagation::Extractor::get(&KafkaHeaderExtractor::new(record_headers), "traceparent")
            .is_some()
    );
    delivery.process(|_| async {}).await;

    let spans = t.spans();
    let send = spans.span(&format!("send {topic}")).has_link_count(0);
    spans.span(&format!("process {topic}")).has_parent(&send);
}

/// Produces to `topic`, with the raw client in `python` (kafka-python), one record whose
/// first header is a valid `traceparent` and whose next 10,000 header names are not UTF-8.
fn produce_poison(python: &std::ffi::OsStr, broker: &kafka::Broker, topic: &str) {
    produce_poison_after(python, broker, topic, &traceparent());
}

/// The poison record with `first` as its first header's `traceparent` value.
fn produce_poison_after(python: &std::ffi::OsStr, broker: &kafka::Broker, topic: &str, first: &str) {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/support/raw_kafka_producer.py"
    );
    let produced = std::process::Command::new(python)
        .args([script, &broker.bootstrap(), topic, "10000", first])
        .output()
        .expect("run the raw producer");
    assert!(
        produced.status.success(),
        "the raw producer failed: {}",
        String::from_utf8_lossy(&produced.stderr)
    );
}

/// What a poison-record test needs, in the child process it runs alone in: a Python with
/// kafka-python and a broker; `None` (having said why, or in the parent) when it skips.
fn poison_test(test: &str) -> Option<(std::ffi::OsString, kafka::Broker)> {
    let Some(python) = std::env::var_os("TEST_KAFKA_PYTHON") else {
        eprintln!(
            "skipping {test}: TEST_KAFKA_PYTHON (a Python with kafka-python, .ci/run sets it) is not set"
        );
        return None;
    };
    if otel_kit_testing::ran_alone(test) {
        return None;
    }
    Some((python, broker(test)?))
}

/// A record with 10,000 header names that are not UTF-8 (rdkafka panics reading each),
/// produced by a raw client (`TEST_KAFKA_PYTHON`: a Python with kafka-python), is
/// consumed and processed through the adapter in its own process, with a panic hook that
/// counts: at most one panic, the record processed within a second, and the valid
/// `traceparent` before the hostile names still read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_of_ten_thousand_unreadable_header_names_costs_at_most_one_panic() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    const TEST: &str =
        "kafka_headers::a_record_of_ten_thousand_unreadable_header_names_costs_at_most_one_panic";
    let Some((python, broker)) = poison_test(TEST) else {
        return;
    };
    let t = TestTelemetry::new();
    let topic = unique("kafka_poison");
    kafka::create_topic(&broker, &topic, 1).await;
    let consumer = kafka::consumer(&broker, "poison", &topic, &t, |b| b);
    produce_poison(&python, &broker, &topic);

    static PANICS: AtomicUsize = AtomicUsize::new(0);
    std::panic::set_hook(Box::new(|_| {
        PANICS.fetch_add(1, Ordering::Relaxed);
    }));
    let delivery = tokio::time::timeout(PATIENCE, consumer.recv())
        .await
        .expect("the record within the patience")
        .expect("the record");
    let started = Instant::now();
    delivery.process(|_| async {}).await;
    let took = started.elapsed();
    let _ = std::panic::take_hook();
    let panics = PANICS.load(Ordering::Relaxed);
    println!("a record of 10,000 unreadable header names: {panics} panic(s), processed in {took:?}");
    assert!(panics <= 1, "{panics} panics for one record");
    assert!(took < Duration::from_secs(1), "processed in {took:?}");
    let spans = t.spans();
    // The traceparent before the hostile names is read.
    spans.span(&format!("process {topic}")).has_trace_id(TRACE);
}

/// The same poison record consumed by a build that aborts on panic
/// (`TEST_KAFKA_ABORT_CONSUMER`: the `kafka_abort_consumer` example built with
/// panic = "abort"), in a process of its own: it processes the record and exits
/// normally, having said once that it reads no header.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_build_that_aborts_on_panic_survives_the_poison_record() {
    const TEST: &str = "kafka_headers::a_build_that_aborts_on_panic_survives_the_poison_record";
    let (Some(python), Some(consumer)) = (
        std::env::var_os("TEST_KAFKA_PYTHON"),
        std::env::var_os("TEST_KAFKA_ABORT_CONSUMER"),
    ) else {
        eprintln!(
            "skipping {TEST}: TEST_KAFKA_PYTHON (a Python with kafka-python) and TEST_KAFKA_ABORT_CONSUMER \
             (the kafka_abort_consumer example built with panic = \"abort\") are not both set; .ci/run sets them"
        );
        return;
    };
    let Some(broker) = broker(TEST) else {
        return;
    };
    let topic = unique("kafka_poison_abort");
    kafka::create_topic(&broker, &topic, 1).await;
    produce_poison(&python, &broker, &topic);
    let ran = tokio::task::spawn_blocking(move || {
        std::process::Command::new(consumer)
            .args([broker.bootstrap(), topic])
            .output()
            .expect("run the abort-build consumer")
    })
    .await
    .expect("join");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&ran.stdout),
        String::from_utf8_lossy(&ran.stderr),
    );
    assert!(
        ran.status.success() && stdout.contains("processed"),
        "{:?}\n{stdout}\n{stderr}",
        ran.status
    );
    assert_eq!(stderr.matches("reads no record header").count(), 1, "{stderr}");
}

/// The poison record forwarded through the adapter's producer (its headers detached as
/// they are, 10,000 names rdkafka cannot read among them): the send costs at most one
/// caught panic (it cost two for each header and field), and the forwarded record keeps
/// every header, with the send's context added after them (they were dropped).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_a_record_of_unreadable_header_names_keeps_them_and_costs_one_panic() {
    use std::sync::atomic::{AtomicUsize, Ordering};

    const TEST: &str =
        "kafka_headers::forwarding_a_record_of_unreadable_header_names_keeps_them_and_costs_one_panic";
    let Some((python, broker)) = poison_test(TEST) else {
        return;
    };
    let t = TestTelemetry::new();
    let (from, to) = (unique("kafka_poison_in"), unique("kafka_poison_out"));
    kafka::create_topic(&broker, &from, 1).await;
    kafka::create_topic(&broker, &to, 1).await;
    // Its first header a `traceparent` that is no context: the send starts a trace of
    // its own and writes its context into the headers.
    produce_poison_after(&python, &broker, &from, "none");
    // A consumer that knows nothing of tracing reads the poison record, as a forwarder's
    // own client would.
    let raw_in: rdkafka::consumer::StreamConsumer = kafka::consumer_config(&broker, "forward-in")
        .create()
        .expect("consumer");
    rdkafka::consumer::Consumer::subscribe(&raw_in, &[from.as_str()]).expect("subscribe");
    let record = tokio::time::timeout(PATIENCE, raw_in.recv())
        .await
        .expect("the record within the patience")
        .expect("the record");
    let headers = record.headers().expect("headers").detach();
    let received = headers.count();
    assert!(received > 10_000, "{received} headers");

    static PANICS: AtomicUsize = AtomicUsize::new(0);
    std::panic::set_hook(Box::new(|_| {
        PANICS.fetch_add(1, Ordering::Relaxed);
    }));
    let producer = kafka::producer(&broker, &t);
    let sent = producer
        .send(
            FutureRecord::to(&to)
                .payload("forwarded")
                .key("k")
                .headers(headers),
            std::time::Duration::from_secs(10),
        )
        .await;
    let _ = std::panic::take_hook();
    let panics = PANICS.load(Ordering::Relaxed);
    sent.expect("the forwarded record is delivered");
    assert!(panics <= 1, "{panics} panics for one send");

    let raw_out: rdkafka::consumer::StreamConsumer = kafka::consumer_config(&broker, "forward-out")
        .create()
        .expect("consumer");
    rdkafka::consumer::Consumer::subscribe(&raw_out, &[to.as_str()]).expect("subscribe");
    let forwarded = tokio::time::timeout(PATIENCE, raw_out.recv())
        .await
        .expect("the forwarded record within the patience")
        .expect("the forwarded record");
    let kept = forwarded.headers().map_or(0, |h| h.count());
    // Every header received, and the send's traceparent added (a tracestate or baggage
    // only when there is one).
    assert!(kept > received, "{kept} headers forwarded of {received}");
    // The send's own context comes after the headers received: the span of the send.
    let added = forwarded.headers().expect("headers");
    let traceparent = (received..kept)
        .map(|i| added.get(i))
        .find(|h| h.key == "traceparent")
        .expect("the send's traceparent after the received headers");
    let spans = t.spans();
    let send = spans.span(&format!("send {to}"));
    let value = std::str::from_utf8(traceparent.value.expect("a value")).expect("text");
    assert!(value.contains(&send.record().span_id), "{value}");
}
