//! Oversized and hostile propagation headers through otel-kit-init's propagators: a 1 MB
//! `traceparent`, a 1 MB `tracestate`, a `traceparent` repeated in 1,000 header values,
//! 10,000 baggage members over many `baggage` headers. Each case asserts the documented
//! outcome (a new trace; the W3C baggage limits of `LimitedBaggagePropagator`), a time
//! bound, and a bound on the bytes allocated while extracting, and prints what it
//! measured.
//!
//! Memory is counted by otel-kit-testing's counting allocator, this binary's global
//! allocator (`main.rs`): "allocated" is every byte allocated during the call
//! (reallocation growth included), an upper bound on the peak; "net" is what is still
//! allocated afterwards (the returned context included). Each test runs in its own
//! process, so that no other test allocates meanwhile (and the two that install the
//! global propagator change no other test's).

use std::time::Duration;

use http::{HeaderMap, HeaderValue};
use opentelemetry::baggage::{BaggageExt as _, KeyValueMetadata};
use opentelemetry::propagation::{Extractor, TextMapPropagator as _};
use opentelemetry::trace::{SpanContext, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use opentelemetry::{Context, KeyValue};
use otel_kit_propagators::{HeaderExtractor, LimitedBaggagePropagator, MessageHeaders, Propagators};
use otel_kit_testing::allocations::{Cost, measure};

use crate::support::own_process::ran_in_own_process;

const ONE_MB: usize = 1 << 20;
const MAX_MEMBERS: usize = LimitedBaggagePropagator::MAX_MEMBERS;
const MAX_BYTES: usize = LimitedBaggagePropagator::MAX_BYTES;

/// Generous for a debug build on a loaded 2-core machine (most cases take 1-20 ms
/// there, most of it `HeaderValue::to_str` checking a megabyte byte by byte), and still
/// far below what a quadratic pass over a megabyte would take.
const TIME_BOUND: Duration = Duration::from_millis(250);
/// For the one case that walks a whole megabyte member by member (a `tracestate` of
/// 524,288 empty members: about 200 ms in debug, see the linearity check there).
const SLOW_TIME_BOUND: Duration = Duration::from_secs(2);

/// Extraction never copies the header text: it allocates a vector of borrowed values
/// and a context. 64 KB covers that for 1,000 values, and is 1/16 of the 1 MB input.
const ALLOC_BOUND: usize = 64 * 1024;

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn assert_bounded(what: &str, cost: &Cost, alloc_bound: usize) {
    assert_bounded_in(what, cost, alloc_bound, TIME_BOUND);
}

fn assert_bounded_in(what: &str, cost: &Cost, alloc_bound: usize, time_bound: Duration) {
    assert!(cost.elapsed < time_bound, "{what} took {:?}", cost.elapsed);
    assert!(
        cost.allocated < alloc_bound,
        "{what} allocated {} B (bound {alloc_bound} B)",
        cost.allocated
    );
}

fn extract(propagators: &Propagators, carrier: &dyn Extractor) -> Context {
    propagators.extract_with_context(&Context::new(), carrier)
}

/// A `traceparent` of `len` bytes: a valid one followed by filler (a later version may
/// continue after a `-`, version `00` may not).
fn long_traceparent(version: &str, len: usize) -> String {
    let mut value = format!("{version}{}-", &TRACEPARENT[2..]);
    value.push_str(&"a".repeat(len - value.len()));
    value
}

fn warm_up(propagators: &Propagators) {
    let mut headers = HeaderMap::new();
    headers.insert("traceparent", HeaderValue::from_static(TRACEPARENT));
    headers.insert("baggage", HeaderValue::from_static("a=1"));
    let cx = extract(propagators, &HeaderExtractor(&headers));
    assert!(cx.span().span_context().is_valid());
}

#[test]
fn a_one_megabyte_traceparent_starts_a_new_trace_without_a_copy() {
    if ran_in_own_process(
        module_path!(),
        "a_one_megabyte_traceparent_starts_a_new_trace_without_a_copy",
    ) {
        return;
    }
    let propagators = Propagators::default();
    warm_up(&propagators);

    // Version 00 must be exactly 55 bytes; a later version may continue after a `-`,
    // and W3C asks that only its first 55 bytes be read.
    for version in ["00", "cc"] {
        let value = long_traceparent(version, ONE_MB);
        let mut headers = HeaderMap::new();
        headers.insert("traceparent", HeaderValue::from_str(&value).unwrap());
        let what = format!("1 MB traceparent, version {version}, HeaderMap");
        let (cx, cost) = measure(&what, value.len(), || {
            extract(&propagators, &HeaderExtractor(&headers))
        });
        let span_context = cx.span().span_context().clone();
        if version == "00" {
            assert!(
                !span_context.is_valid(),
                "{what}: a 1 MB version-00 traceparent is invalid"
            );
        } else {
            // W3C: a higher version is parsed as version 00 from its first 55 bytes, and
            // the rest after a `-` is ignored: the trace context is kept.
            assert_eq!(
                span_context.trace_id(),
                TraceId::from(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736),
                "{what}"
            );
        }
        assert_bounded(&what, &cost, ALLOC_BOUND);

        // The same through the byte-valued message carrier.
        let message = vec![("traceparent", value.into_bytes())];
        let what = format!("1 MB traceparent, version {version}, MessageHeaders");
        let (cx, cost) = measure(&what, ONE_MB, || {
            extract(&propagators, &MessageHeaders::new(&message))
        });
        assert_eq!(cx.span().span_context().is_valid(), version != "00", "{what}");
        assert_bounded(&what, &cost, ALLOC_BOUND);
    }

    // A megabyte that is not a traceparent at all (no dashes).
    let junk = "f".repeat(ONE_MB);
    let mut headers = HeaderMap::new();
    headers.insert("traceparent", HeaderValue::from_str(&junk).unwrap());
    let (cx, cost) = measure("1 MB of hex digits as traceparent", ONE_MB, || {
        extract(&propagators, &HeaderExtractor(&headers))
    });
    assert!(!cx.span().span_context().is_valid());
    assert_bounded("1 MB of hex digits as traceparent", &cost, ALLOC_BOUND);
}

#[test]
fn a_one_megabyte_tracestate_is_discarded_and_the_parent_kept() {
    if ran_in_own_process(
        module_path!(),
        "a_one_megabyte_tracestate_is_discarded_and_the_parent_kept",
    ) {
        return;
    }
    let propagators = Propagators::default();
    warm_up(&propagators);

    let cases = [
        // One member of a megabyte: the value is over 256 characters, the list invalid.
        ("one 1 MB member", format!("k={}", "v".repeat(ONE_MB - 2))),
        // Small valid members far beyond 32: the list is invalid at member 33.
        ("1 MB of small members", {
            let mut list = String::new();
            let mut i = 0;
            while list.len() < ONE_MB {
                list.push_str(&format!("k{i}=v,"));
                i += 1;
            }
            list
        }),
        // A megabyte of empty members: skipped, so the list is empty, not invalid.
        ("1 MB of separators", ", ".repeat(ONE_MB / 2)),
    ];
    for (what, value) in cases {
        let mut headers = HeaderMap::new();
        headers.insert("traceparent", HeaderValue::from_static(TRACEPARENT));
        headers.insert("tracestate", HeaderValue::from_str(&value).unwrap());
        let what = format!("1 MB tracestate, {what}");
        let (cx, cost) = measure(&what, value.len(), || {
            extract(&propagators, &HeaderExtractor(&headers))
        });
        let span_context = cx.span().span_context().clone();
        assert!(span_context.is_valid(), "{what}: the traceparent is kept");
        assert_eq!(
            span_context.trace_state().header(),
            "",
            "{what}: the tracestate is dropped"
        );
        // Nothing is re-injected from it either.
        let mut out = std::collections::HashMap::new();
        propagators.inject_context(&cx, &mut out);
        assert!(!out.contains_key("tracestate"), "{what}: {:?}", out.keys());
        assert_bounded_in(&what, &cost, ALLOC_BOUND, SLOW_TIME_BOUND);
    }

    // Empty members are skipped without counting towards the 32, so a list of only
    // separators is read to its end. The time bound is what guards against a quadratic
    // pass; the ratio (about 8x for 8x the input) is printed, not asserted, because on a
    // shared machine cache misses alone move it (speed targets live in benchmarks).
    let time_of = |len: usize| {
        let mut headers = HeaderMap::new();
        headers.insert("traceparent", HeaderValue::from_static(TRACEPARENT));
        headers.insert(
            "tracestate",
            HeaderValue::from_str(&", ".repeat(len / 2)).unwrap(),
        );
        let what = format!("tracestate of {len} B of separators");
        let (cx, cost) = measure(&what, len, || extract(&propagators, &HeaderExtractor(&headers)));
        assert!(cx.span().span_context().is_valid());
        cost.elapsed
    };
    let small = (0..3).map(|_| time_of(ONE_MB / 8)).min().unwrap();
    let large = (0..3).map(|_| time_of(ONE_MB)).min().unwrap();
    let ratio = large.as_secs_f64() / small.as_secs_f64();
    println!("tracestate separators: 1 MB / 128 KB time ratio {ratio:.1}");
    assert!(large < SLOW_TIME_BOUND, "1 MB of separators took {large:?}");

    // The same megabyte of small members spread over 1,000 `tracestate` values.
    let mut headers = HeaderMap::new();
    headers.insert("traceparent", HeaderValue::from_static(TRACEPARENT));
    let field: String = (0..100).map(|i| format!("k{i}=v,")).collect();
    for _ in 0..1000 {
        headers.append("tracestate", HeaderValue::from_str(&field).unwrap());
    }
    let what = "tracestate in 1,000 header values";
    let (cx, cost) = measure(what, field.len() * 1000, || {
        extract(&propagators, &HeaderExtractor(&headers))
    });
    assert!(cx.span().span_context().is_valid());
    assert_eq!(cx.span().span_context().trace_state().header(), "");
    assert_bounded(what, &cost, ALLOC_BOUND);
}

#[test]
fn a_traceparent_repeated_in_a_thousand_values_starts_a_new_trace() {
    if ran_in_own_process(
        module_path!(),
        "a_traceparent_repeated_in_a_thousand_values_starts_a_new_trace",
    ) {
        return;
    }
    let propagators = Propagators::default();
    warm_up(&propagators);

    let mut headers = HeaderMap::new();
    for _ in 0..1000 {
        headers.append("traceparent", HeaderValue::from_static(TRACEPARENT));
    }
    let what = "traceparent in 1,000 header values";
    let (cx, cost) = measure(what, TRACEPARENT.len() * 1000, || {
        extract(&propagators, &HeaderExtractor(&headers))
    });
    // Two or more `traceparent` fields are not a valid header: a new trace starts.
    assert!(!cx.span().span_context().is_valid());
    assert_bounded(what, &cost, ALLOC_BOUND);

    // Through the global propagator, as a service uses it.
    propagators.clone().install_global();
    let (cx, cost) = measure("the same, global propagator", TRACEPARENT.len() * 1000, || {
        otel_kit_propagators::extract_from(&HeaderExtractor(&headers))
    });
    assert!(!cx.span().span_context().is_valid());
    assert_bounded("the same, global propagator", &cost, ALLOC_BOUND);
}

#[test]
fn ten_thousand_baggage_members_keep_the_limits_on_extraction_and_injection() {
    if ran_in_own_process(
        module_path!(),
        "ten_thousand_baggage_members_keep_the_limits_on_extraction_and_injection",
    ) {
        return;
    }
    let propagators = Propagators::default();
    warm_up(&propagators);

    // 10,000 members: 100 in each of 100 `baggage` headers, plus a traceparent.
    let mut headers = HeaderMap::new();
    headers.insert("traceparent", HeaderValue::from_static(TRACEPARENT));
    let mut input = 0;
    for h in 0..100 {
        let members: Vec<String> = (0..100)
            .map(|m| format!("k{}=v{}", h * 100 + m, h * 100 + m))
            .collect();
        let value = members.join(",");
        input += value.len();
        headers.append("baggage", HeaderValue::from_str(&value).unwrap());
    }
    let what = "10,000 baggage members in 100 headers";
    let (cx, cost) = measure(what, input, || extract(&propagators, &HeaderExtractor(&headers)));
    assert_eq!(cx.baggage().len(), MAX_MEMBERS, "{what}: at most 64 members");
    for i in 0..MAX_MEMBERS {
        assert!(
            cx.baggage().get(format!("k{i}")).is_some(),
            "{what}: the first 64 in order"
        );
    }
    assert!(
        cx.span().span_context().is_valid(),
        "{what}: the trace context is kept"
    );
    // The list built for the SDK parser is at most 8192 bytes; the parsed baggage adds
    // its entries. Far below the input (about 110 KB).
    assert_bounded(what, &cost, 4 * MAX_BYTES + ALLOC_BOUND);

    // Injection afterwards writes at most the limits.
    let mut out = std::collections::HashMap::new();
    propagators.inject_context(&cx, &mut out);
    let header = &out["baggage"];
    assert!(header.len() <= MAX_BYTES, "{} bytes", header.len());
    assert_eq!(header.split(',').count(), MAX_MEMBERS);

    // 10,000 headers of one member each, each member long: the byte limit cuts first.
    let mut headers = HeaderMap::new();
    let filler = "x".repeat(200);
    for i in 0..10_000 {
        headers.append(
            "baggage",
            HeaderValue::from_str(&format!("k{i}={filler}")).unwrap(),
        );
    }
    let what = "10,000 baggage headers of 200-byte members";
    let (cx, cost) = measure(what, 10_000 * 206, || {
        extract(&propagators, &HeaderExtractor(&headers))
    });
    // 8192 bytes hold 39 members of 203-206 bytes with their separators.
    let kept = cx.baggage().len();
    assert!((1..MAX_MEMBERS).contains(&kept), "{what}: {kept} members");
    let bytes: usize = cx
        .baggage()
        .iter()
        .map(|(k, (v, _))| k.as_str().len() + 1 + v.as_str().len())
        .sum();
    assert!(bytes + kept - 1 <= MAX_BYTES, "{what}: {bytes} bytes");
    // The carrier's `get_all` collects 10,000 borrowed values (a vector of 16-byte
    // `&str`, grown by doubling to 16,384 slots: 256 KB): the one cost proportional to
    // the input that the propagator documents. The text itself is not copied (2 MB).
    assert_bounded(what, &cost, 4 * MAX_BYTES + 16 * 16_384 + ALLOC_BOUND);
    let mut out = std::collections::HashMap::new();
    propagators.inject_context(&cx, &mut out);
    assert!(out["baggage"].len() <= MAX_BYTES);

    // Injection of more than the limit set in code: members are left out whole.
    let big = Context::new().with_baggage(
        (0..MAX_MEMBERS).map(|i| KeyValueMetadata::from(KeyValue::new(format!("k{i:02}"), "é".repeat(60)))),
    );
    let mut out = std::collections::HashMap::new();
    let ((), cost) = measure("inject 64 members of 120 bytes (360 encoded)", 64 * 124, || {
        propagators.inject_context(&big, &mut out)
    });
    let header = &out["baggage"];
    assert!(header.len() <= MAX_BYTES, "{} bytes", header.len());
    assert!(cost.elapsed < TIME_BOUND);
}

#[test]
fn the_trace_context_is_kept_under_a_flood_of_baggage() {
    if ran_in_own_process(
        module_path!(),
        "the_trace_context_is_kept_under_a_flood_of_baggage",
    ) {
        return;
    }
    let propagators = Propagators::default();
    // A sanity check of the parent the other tests compare with.
    let parent = SpanContext::new(
        TraceId::from(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736),
        opentelemetry::trace::SpanId::from(0x00f0_67aa_0ba9_02b7),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    let mut headers = HeaderMap::new();
    headers.insert("traceparent", HeaderValue::from_static(TRACEPARENT));
    headers.insert(
        "baggage",
        HeaderValue::from_str(&"a=b,".repeat(ONE_MB / 4)).unwrap(),
    );
    let (cx, cost) = measure("1 MB baggage header of 262,144 members", ONE_MB, || {
        extract(&propagators, &HeaderExtractor(&headers))
    });
    assert_eq!(cx.span().span_context(), &parent);
    assert_eq!(cx.baggage().len(), 1, "one key, repeated: its last value");
    assert_bounded("1 MB baggage header", &cost, 4 * MAX_BYTES + ALLOC_BOUND);
}

/// Over-limit baggage read with the global propagator while a `tracing` subscriber
/// with the OpenTelemetry log bridge is in effect (here the test harness's, whose log
/// processor is the SDK's `SimpleLogProcessor`, as is otel-kit-init's console logs
/// exporter).
#[test]
fn extract_from_with_over_limit_baggage_under_a_log_bridge_does_not_panic() {
    if ran_in_own_process(
        module_path!(),
        "extract_from_with_over_limit_baggage_under_a_log_bridge_does_not_panic",
    ) {
        return;
    }
    let t = otel_kit_testing::TestTelemetry::new();
    Propagators::default().install_global();
    let headers: Vec<(String, String)> = (0..100)
        .map(|i| ("baggage".to_owned(), format!("k{i}=v")))
        .collect();
    let cx = t.in_scope(|| otel_kit_propagators::extract_from(&MessageHeaders::new(&headers)));
    assert_eq!(cx.baggage().len(), MAX_MEMBERS);
    // The same through the `HashMap` carrier.
    let map = std::collections::HashMap::from([(
        "baggage".to_owned(),
        (0..100).map(|i| format!("k{i}=v")).collect::<Vec<_>>().join(","),
    )]);
    let cx = t.in_scope(|| otel_kit_propagators::extract(&map));
    assert_eq!(cx.baggage().len(), MAX_MEMBERS);
}
