//! Headers a hostile or broken producer wrote, published untraced and consumed through
//! the adapter: oversized, malformed, duplicated and flooded. Nothing panics; what cannot
//! be trusted starts a new trace; what is over the bounds is not read.

use async_nats::HeaderMap;
use futures_util::StreamExt as _;
use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt as _;
use otel_kit_testing::TestTelemetry;

use crate::support::{self, PATIENCE, nats_url, unique};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_headers_never_break_processing() {
    let Some(url) = nats_url("hostile_headers_never_break_processing") else {
        return;
    };
    let t = TestTelemetry::new();
    let nats = support::client(&url, &t).await;
    let subject = format!("{}.hostile", unique("hostile"));
    let mut subscriber = nats.subscribe(subject.clone()).await.expect("subscribe");

    let huge_baggage = (0..12_000)
        .map(|n| format!("k{n}=v"))
        .collect::<Vec<_>>()
        .join(",");
    let mut cases: Vec<(&str, HeaderMap, Expect)> = Vec::new();

    let mut oversized = HeaderMap::new();
    oversized.insert("traceparent", traceparent().as_str());
    oversized.insert("baggage", huge_baggage.as_str());
    oversized.insert("tracestate", format!("k={}", "x".repeat(20_000)).as_str());
    cases.push((
        "oversized baggage and tracestate",
        oversized,
        Expect::ChildOfProducer,
    ));

    let mut malformed = HeaderMap::new();
    malformed.insert("traceparent", "00-not-a-trace-id-01");
    cases.push(("malformed traceparent", malformed, Expect::NewTrace));

    let mut zero = HeaderMap::new();
    zero.insert("traceparent", format!("00-{}-{SPAN}-01", "0".repeat(32)).as_str());
    cases.push(("all-zero trace id", zero, Expect::NewTrace));

    let mut padded = HeaderMap::new();
    padded.insert(
        "traceparent",
        format!("{}{}", traceparent(), "-x".repeat(6000)).as_str(),
    );
    cases.push(("traceparent over the value bound", padded, Expect::NewTrace));

    let mut conflicting = HeaderMap::new();
    conflicting.insert("traceparent", traceparent().as_str());
    conflicting.insert(
        "Traceparent",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    );
    cases.push(("two different traceparents", conflicting, Expect::NewTrace));

    let mut repeated = HeaderMap::new();
    repeated.append("traceparent", traceparent().as_str());
    repeated.append("traceparent", traceparent().as_str());
    cases.push(("the same traceparent twice", repeated, Expect::ChildOfProducer));

    let mut capitalised = HeaderMap::new();
    capitalised.insert("Traceparent", traceparent().as_str());
    cases.push((
        "Traceparent as Go writes it",
        capitalised,
        Expect::ChildOfProducer,
    ));

    let mut flood = HeaderMap::new();
    for n in 0..5_000 {
        flood.insert(format!("x-junk-{n}").as_str(), "junk");
    }
    flood.insert("traceparent", traceparent().as_str());
    cases.push(("5000 other headers", flood, Expect::ChildOfProducer));

    for (case, headers, expect) in cases {
        t.reset();
        nats.inner()
            .publish_with_headers(subject.clone(), headers, case.into())
            .await
            .expect("publish");
        let delivery = tokio::time::timeout(PATIENCE, subscriber.next())
            .await
            .expect("delivered")
            .expect("open");
        let baggage_members = delivery
            .process(|_| async { Ok::<_, std::convert::Infallible>(Context::current().baggage().len()) })
            .await
            .unwrap_or_else(|never| match never {});
        assert_eq!(baggage_members, 0, "{case}: baggage over 8 KiB is not read");

        let spans = t.spans();
        let process = spans.span(&format!("process {subject}"));
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
