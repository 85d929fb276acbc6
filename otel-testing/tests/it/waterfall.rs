//! A failing span assertion prints the captured spans as a waterfall: caught with
//! `catch_unwind`, its message is read line by line.

use std::panic::{AssertUnwindSafe, catch_unwind};

use opentelemetry::KeyValue;
use opentelemetry::trace::{SpanKind, Status, TraceContextExt as _, Tracer as _};
use otel_kit_testing::TestTelemetry;

fn failure(f: impl FnOnce()) -> String {
    let err = catch_unwind(AssertUnwindSafe(f)).expect_err("the assertion should have failed");
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[test]
fn a_failed_span_assertion_prints_the_waterfall() {
    let t = TestTelemetry::new();
    let tracer = t.tracer("shop");
    let server = tracer
        .span_builder("POST /checkout")
        .with_kind(SpanKind::Server)
        .with_attributes([
            KeyValue::new("http.request.method", "POST"),
            KeyValue::new("http.route", "/checkout"),
            KeyValue::new("http.response.status_code", 502),
            KeyValue::new("user.secret", "not a key attribute"),
        ])
        .start(&tracer);
    let cx = opentelemetry::Context::current_with_span(server);
    let _guard = cx.clone().attach();
    tracer.in_span("charge card", |cx| {
        cx.span()
            .set_attribute(KeyValue::new("error.type", "card_declined"));
        cx.span().set_status(Status::error("card declined"));
    });
    drop(_guard);
    cx.span().end();

    let spans = t.spans();
    let msg = failure(|| {
        spans.span("charge card").has_status(Status::Ok);
    });
    let lines: Vec<&str> = msg.lines().collect();
    let header = lines
        .iter()
        .position(|l| *l == "span tree:")
        .expect("the context line");
    let trace_line = lines[header + 1];
    assert!(trace_line.starts_with("trace "), "{msg}");
    assert!(trace_line.contains(": 2 spans, 1 service, "), "{msg}");
    assert!(trace_line.ends_with(" ms, 1 with ERROR"), "{msg}");
    assert!(
        lines[header + 2].starts_with("span ") && lines[header + 2].ends_with(" ms|"),
        "{msg}"
    );
    let root = lines[header + 3];
    assert!(root.starts_with("POST /checkout "), "{msg}");
    assert!(
        root.contains(" SERVER ") && root.ends_with('|') && root.contains('█'),
        "{msg}"
    );
    assert_eq!(
        lines[header + 4],
        "  http.request.method=POST http.route=/checkout http.response.status_code=502",
        "{msg}"
    );
    let child = lines[header + 5];
    assert!(
        child.starts_with("  charge card "),
        "indented under its parent: {msg}"
    );
    assert!(child.contains(" INTERNAL ERROR "), "{msg}");
    assert_eq!(
        lines[header + 6],
        "    error.type=card_declined error=\"card declined\"",
        "{msg}"
    );
    assert!(!msg.contains("user.secret"), "only key attributes: {msg}");
}

#[test]
fn spans_of_two_traces_print_two_waterfalls_and_none_prints_so() {
    let t = TestTelemetry::new();
    let tracer = t.tracer("shop");
    tracer.in_span("first", |_| {});
    tracer.in_span("second", |_| {});
    let msg = failure(|| {
        t.spans().assert_count(3);
    });
    assert_eq!(
        msg.lines().filter(|l| l.starts_with("trace ")).count(),
        2,
        "{msg}"
    );

    let empty = TestTelemetry::new();
    let msg = failure(|| {
        empty.spans().span("anything");
    });
    assert!(msg.ends_with("span tree:\n  (no spans)\n"), "{msg}");
}
