//! W3C baggage limits: 64 members and 8192 bytes over all `baggage` headers, members
//! beyond them dropped (never the whole list, never the trace context), bounded work on
//! hostile input, and injection within the limits.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use opentelemetry::baggage::{Baggage, BaggageExt as _};
use opentelemetry::propagation::{Extractor, TextMapPropagator as _};
use opentelemetry::trace::{SpanContext, TraceContextExt as _, TraceFlags, TraceState};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{IdGenerator as _, RandomIdGenerator};
use otel_kit_propagators::{LimitedBaggagePropagator, MessageHeaders, Propagators};

const MAX_MEMBERS: usize = LimitedBaggagePropagator::MAX_MEMBERS;
const MAX_BYTES: usize = LimitedBaggagePropagator::MAX_BYTES;

/// Generous for a debug build on a shared machine, and still far below what scanning
/// and allocating per member of a megabyte of input would take.
const BOUND: Duration = Duration::from_millis(50);

fn extract(carrier: &dyn Extractor) -> Context {
    LimitedBaggagePropagator::new().extract_with_context(&Context::new(), carrier)
}

/// The keys kept, sorted.
fn kept(cx: &Context) -> Vec<String> {
    let mut keys: Vec<String> = cx.baggage().iter().map(|(k, _)| k.to_string()).collect();
    keys.sort_unstable();
    keys
}

fn sorted(keys: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut keys: Vec<String> = keys.into_iter().collect();
    keys.sort_unstable();
    keys
}

/// `key=vvv…` exactly `len` bytes long.
fn member(key: &str, len: usize) -> String {
    format!("{key}={}", "v".repeat(len - key.len() - 1))
}

/// A random sampled remote parent and its `traceparent`.
fn parent() -> (SpanContext, String) {
    let ids = RandomIdGenerator::default();
    let sc = SpanContext::new(
        ids.new_trace_id(),
        ids.new_span_id(),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    let header = format!("00-{}-{}-01", sc.trace_id(), sc.span_id());
    (sc, header)
}

#[test]
fn the_first_64_members_are_kept_and_the_65th_dropped() {
    let keys: Vec<String> = (0..=MAX_MEMBERS).map(|i| format!("k{i:02}")).collect();
    let header = keys
        .iter()
        .map(|k| format!("{k}=v"))
        .collect::<Vec<_>>()
        .join(",");
    let cx = extract(&HashMap::from([("baggage".to_owned(), header)]));
    assert_eq!(kept(&cx), sorted(keys[..MAX_MEMBERS].iter().cloned()));
    assert!(cx.baggage().get(&keys[MAX_MEMBERS]).is_none());
}

#[test]
fn the_member_limit_counts_over_all_headers_and_skips_malformed_entries() {
    // 30 + 30 + 10 members in three headers, with empty and malformed entries around
    // them that are not counted: members 0..64 are kept, 64..70 dropped.
    let names: Vec<String> = (0..70).map(|i| format!("m{i}")).collect();
    let list = |range: std::ops::Range<usize>| {
        let members: Vec<String> = names[range].iter().map(|k| format!(" {k} = {k} ")).collect();
        format!(",novalue,{}, ,=nokey", members.join(","))
    };
    let headers = vec![
        ("baggage".to_owned(), list(0..30)),
        ("Baggage".to_owned(), list(30..60)),
        ("BAGGAGE".to_owned(), list(60..70)),
    ];
    let cx = extract(&MessageHeaders::new(&headers));
    assert_eq!(kept(&cx), sorted(names[..MAX_MEMBERS].iter().cloned()));
    assert_eq!(
        cx.baggage().get("m0").map(|v| v.as_str()),
        Some("m0"),
        "trimmed like the SDK does"
    );
}

#[test]
fn the_byte_limit_counts_over_all_headers() {
    // Members of 1000 bytes, three per header. Member i ends at byte 1000 * (i + 1) + i
    // of the joined list: members 0..=7 end by 8007, member 8 would end at 9008.
    let names: Vec<String> = (0..9).map(|i| format!("b{i}")).collect();
    let headers: Vec<(String, String)> = names
        .chunks(3)
        .map(|chunk| {
            let members: Vec<String> = chunk.iter().map(|k| member(k, 1000)).collect();
            ("baggage".to_owned(), members.join(","))
        })
        .collect();
    let (sc, traceparent) = parent();
    let mut carrier = headers.clone();
    carrier.push(("traceparent".to_owned(), traceparent));

    let cx = Propagators::default().extract_with_context(&Context::new(), &MessageHeaders::new(&carrier));
    assert_eq!(kept(&cx), sorted(names[..8].iter().cloned()));
    // The trace context is not affected by the baggage limits.
    assert_eq!(cx.span().span_context(), &sc);
}

#[test]
fn the_byte_limit_is_exact() {
    // 8 members of 1000 bytes and 7 commas make 8007 bytes; a ninth member of 184 bytes
    // plus its comma brings the list to exactly 8192.
    let mut members: Vec<String> = (0..8).map(|i| member(&format!("e{i}"), 1000)).collect();
    members.push(member("last", MAX_BYTES - 8007 - 1));
    let exact = members.join(",");
    assert_eq!(exact.len(), MAX_BYTES);
    let cx = extract(&HashMap::from([("baggage".to_owned(), exact.clone())]));
    assert_eq!(cx.baggage().len(), 9);

    // One byte more, and the last member no longer fits.
    let over = format!("{exact}v");
    let cx = extract(&HashMap::from([("baggage".to_owned(), over)]));
    assert_eq!(cx.baggage().len(), 8);
    assert!(cx.baggage().get("last").is_none());

    // The same one byte more in a second header: the joining comma counts too.
    let split = vec![
        ("baggage", members[..8].join(",")),
        ("baggage", format!("{}v", members[8])),
    ];
    assert_eq!(extract(&MessageHeaders::new(&split)).baggage().len(), 8);
}

#[test]
fn a_one_megabyte_header_is_cut_in_bounded_time() {
    let (sc, traceparent) = parent();

    // One member of a megabyte: the members before it are kept, it and those after are
    // dropped, and the trace context is kept. (The SDK alone drops the whole header.)
    let huge = format!("a=1,b=2,{},c=3", member("huge", 1 << 20));
    let carrier = HashMap::from([
        ("baggage".to_owned(), huge),
        ("traceparent".to_owned(), traceparent.clone()),
    ]);
    let start = Instant::now();
    let cx = Propagators::default().extract_with_context(&Context::new(), &carrier);
    let took = start.elapsed();
    assert_eq!(kept(&cx), ["a", "b"]);
    assert_eq!(cx.span().span_context(), &sc);
    assert!(took < BOUND, "one 1 MB member took {took:?}");

    // A megabyte of small members: the first 64 are kept.
    let mut many = String::new();
    let mut i = 0;
    while many.len() < 1 << 20 {
        many.push_str(&format!("k{i}=v{i},"));
        i += 1;
    }
    let carrier = HashMap::from([
        ("baggage".to_owned(), many),
        ("traceparent".to_owned(), traceparent),
    ]);
    let start = Instant::now();
    let cx = Propagators::default().extract_with_context(&Context::new(), &carrier);
    let took = start.elapsed();
    assert_eq!(kept(&cx), sorted((0..MAX_MEMBERS).map(|i| format!("k{i}"))));
    assert_eq!(cx.span().span_context(), &sc);
    assert!(took < BOUND, "1 MB of members took {took:?}");

    // A megabyte of separators and whitespace keeps nothing, quickly.
    let carrier = HashMap::from([("baggage".to_owned(), ", ".repeat(1 << 19))]);
    let start = Instant::now();
    let cx = extract(&carrier);
    let took = start.elapsed();
    assert!(cx.baggage().is_empty());
    assert!(took < BOUND, "1 MB of separators took {took:?}");
}

#[test]
fn ten_thousand_members_over_many_headers_are_cut_in_bounded_time() {
    // One member per header, 10,000 headers.
    let one_each: Vec<(String, String)> = (0..10_000)
        .map(|i| ("baggage".to_owned(), format!("k{i}=v{i}")))
        .collect();
    // 100 members in each of 100 headers.
    let hundred_each: Vec<(String, String)> = (0..100)
        .map(|h| {
            let members: Vec<String> = (0..100).map(|m| format!("k{}=v", h * 100 + m)).collect();
            ("baggage".to_owned(), members.join(","))
        })
        .collect();
    for (what, headers) in [
        ("one member per header", one_each),
        ("100 members per header", hundred_each),
    ] {
        let start = Instant::now();
        let cx = extract(&MessageHeaders::new(&headers));
        let took = start.elapsed();
        assert_eq!(
            kept(&cx),
            sorted((0..MAX_MEMBERS).map(|i| format!("k{i}"))),
            "{what}"
        );
        assert!(took < BOUND, "{what} took {took:?}");
    }
}

#[test]
fn without_baggage_the_context_is_unchanged() {
    let start = Context::new().with_baggage([KeyValue::new("local", "1")]);
    let propagator = LimitedBaggagePropagator::new();
    let no_header: HashMap<String, String> = HashMap::new();
    assert_eq!(
        kept(&propagator.extract_with_context(&start, &no_header)),
        ["local"]
    );
    let nothing_usable = HashMap::from([("baggage".to_owned(), ",, novalue ,".to_owned())]);
    assert_eq!(
        kept(&propagator.extract_with_context(&start, &nothing_usable)),
        ["local"]
    );
    // Incoming baggage replaces the local baggage, as with the SDK propagator.
    let incoming = HashMap::from([("baggage".to_owned(), "remote=2".to_owned())]);
    assert_eq!(
        kept(&propagator.extract_with_context(&start, &incoming)),
        ["remote"]
    );
}

#[test]
fn injection_stays_within_the_byte_limit_with_whole_members() {
    let propagator = LimitedBaggagePropagator::new();

    // Small baggage: written whole, and reads back the same.
    let small = Context::new().with_baggage([KeyValue::new("tenant", "a b;c"), KeyValue::new("user", "42")]);
    let mut headers = HashMap::new();
    propagator.inject_context(&small, &mut headers);
    let back = extract(&headers);
    assert_eq!(back.baggage().get("tenant").map(|v| v.as_str()), Some("a b;c"));
    assert_eq!(back.baggage().get("user").map(|v| v.as_str()), Some("42"));

    // 13 values of 300 `é` (600 bytes in memory, 1800 percent-encoded): the in-memory
    // baggage holds them all (13 * 602 < 8192), encoded they need 23,438 bytes.
    let value = "é".repeat(300);
    let entries: Vec<KeyValue> = (0..13)
        .map(|i| KeyValue::new(format!("k{i:02}"), value.clone()))
        .collect();
    let baggage: Baggage = entries.into_iter().collect();
    assert_eq!(baggage.len(), 13);
    let big = Context::new().with_baggage(baggage);
    let mut headers = HashMap::new();
    propagator.inject_context(&big, &mut headers);
    let header = &headers["baggage"];
    assert!(header.len() <= MAX_BYTES, "{} bytes", header.len());
    // Each member is 1803 bytes: four fit (7215), five would not (9019). Key order
    // decides which, so the header is the same on every run.
    let back = extract(&headers);
    assert_eq!(kept(&back), ["k00", "k01", "k02", "k03"]);
    for (_, (v, _)) in back.baggage().iter() {
        assert_eq!(v.as_str(), value, "members are whole");
    }
}
