//! `WaterfallSpanExporter` behind real SDK tracer providers: a trace printed when its
//! local root ends, remote parents, late spans, limits, flush, shutdown.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opentelemetry::Context;
use opentelemetry::KeyValue;
use opentelemetry::trace::{
    Span as _, SpanContext, SpanId, SpanKind, Status, TraceContextExt as _, TraceFlags, TraceId, TraceState,
    Tracer as _, TracerProvider as _,
};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkError;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanExporter};
use otel_kit_console::{WaterfallSpanExporter, WaterfallSpanProcessor};

use crate::buffer::{buffer, text};

fn provider(exporter: WaterfallSpanExporter) -> SdkTracerProvider {
    SdkTracerProvider::builder()
        .with_resource(Resource::builder_empty().with_service_name("checkout").build())
        .with_span_processor(WaterfallSpanProcessor::new(exporter))
        .build()
}

fn at(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000) + Duration::from_millis(ms)
}

/// Span lines: those that end with the bar's closing `|`, without the column header.
fn span_lines(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| l.ends_with('|') && !l.starts_with("span "))
        .collect()
}

fn remote_parent() -> Context {
    Context::new().with_remote_span_context(SpanContext::new(
        TraceId::from(0xabc),
        SpanId::from(0x99),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    ))
}

#[test]
fn nothing_prints_until_the_root_ends_then_the_whole_tree_does() {
    let buf = buffer();
    let provider = provider(WaterfallSpanExporter::new(buf.clone()));
    let tracer = provider.tracer("shop");
    let root = tracer
        .span_builder("POST /checkout")
        .with_kind(SpanKind::Server)
        .with_start_time(at(0))
        .with_attributes([
            KeyValue::new("http.route", "/checkout"),
            KeyValue::new("http.request.method", "POST"),
        ])
        .start(&tracer);
    let cx = Context::current_with_span(root);
    let mut db = tracer
        .span_builder("INSERT orders")
        .with_kind(SpanKind::Client)
        .with_start_time(at(10))
        .with_attributes([KeyValue::new("db.system.name", "postgresql")])
        .start_with_context(&tracer, &cx);
    db.end_with_timestamp(at(30));
    let mut pay = tracer
        .span_builder("charge card")
        .with_start_time(at(40))
        .start_with_context(&tracer, &cx);
    pay.set_status(Status::error("card declined"));
    pay.end_with_timestamp(at(100));
    assert_eq!(text(&buf), "", "children wait for their root");

    cx.span().end_with_timestamp(at(100));
    let out = text(&buf);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("trace ") && lines[0].ends_with(": 3 spans, 1 service, 100.0 ms, 1 with ERROR"),
        "{out}"
    );
    let names: Vec<&str> = span_lines(&out).iter().map(|l| l[..29].trim_end()).collect();
    assert_eq!(
        names,
        ["POST /checkout", "  INSERT orders", "  charge card"],
        "{out}"
    );
    assert!(
        span_lines(&out)[0].contains("checkout     SERVER   unset"),
        "{out}"
    );
    assert!(
        out.contains("\n  http.request.method=POST http.route=/checkout\n"),
        "{out}"
    );
    assert!(out.contains("\n    db.system.name=postgresql\n"), "{out}");
    assert!(out.contains("\n    error=\"card declined\"\n"), "{out}");
    // 100 ms on 40 columns: the payment runs from column 16 to the end.
    let pay_bar = span_lines(&out)[2].rsplit('|').nth(1).expect("bar");
    assert_eq!(pay_bar, format!("{}{}", " ".repeat(16), "█".repeat(24)), "{out}");
}

#[test]
fn a_server_span_under_a_remote_parent_is_a_local_root() {
    let buf = buffer();
    let provider = provider(WaterfallSpanExporter::new(buf.clone()));
    let tracer = provider.tracer("shop");
    let server = tracer
        .span_builder("GET /stock")
        .with_kind(SpanKind::Server)
        .start_with_context(&tracer, &remote_parent());
    let cx = Context::current_with_span(server);
    tracer.start_with_context("SELECT stock", &cx).end();
    cx.span().end();
    let out = text(&buf);
    assert!(
        out.starts_with("trace 00000000000000000000000000000abc: 2 spans"),
        "{out}"
    );
    assert!(out.contains("(remote parent 0000000000000099)"), "{out}");
}

#[test]
fn a_span_that_outlives_its_root_prints_late_and_marked() {
    let buf = buffer();
    let provider = provider(WaterfallSpanExporter::new(buf.clone()));
    let tracer = provider.tracer("shop");
    let root = tracer.start("handle");
    let cx = Context::current_with_span(root);
    let background = tracer.start_with_context("send email", &cx);
    cx.span().end();
    let before = text(&buf);
    assert_eq!(span_lines(&before).len(), 1, "{before}");
    drop(background);
    let out = text(&buf);
    let late = &out[before.len()..];
    assert!(
        late.lines()
            .next()
            .is_some_and(|l| l.ends_with(", LATE: ended after its parent's trace was printed")),
        "{late}"
    );
    assert!(late.contains("send email"), "{late}");
}

#[test]
fn a_trace_over_the_per_trace_limit_prints_the_first_spans_and_counts_the_rest() {
    let buf = buffer();
    let provider = provider(WaterfallSpanExporter::new(buf.clone()).with_max_spans_per_trace(5));
    let tracer = provider.tracer("shop");
    let cx = Context::current_with_span(tracer.start("batch"));
    for _ in 0..1000 {
        tracer.start_with_context("item", &cx).end();
    }
    cx.span().end();
    let out = text(&buf);
    assert_eq!(span_lines(&out).len(), 6, "{out}");
    assert!(
        out.lines()
            .next()
            .is_some_and(|l| l.ends_with(", 995 spans dropped (over 5 per trace)")),
        "{out}"
    );
}

#[test]
fn traces_whose_roots_never_end_are_bounded_then_flushed_incomplete() {
    let buf = buffer();
    let provider = provider(
        WaterfallSpanExporter::new(buf.clone())
            .with_max_spans_per_trace(2)
            .with_max_pending_spans(4),
    );
    let tracer = provider.tracer("shop");
    let mut roots = Vec::new();
    for _ in 0..10 {
        let cx = Context::current_with_span(tracer.start("never ends"));
        tracer.start_with_context("child", &cx).end();
        roots.push(cx);
    }
    let out = text(&buf);
    let incomplete = out
        .lines()
        .filter(|l| l.contains("INCOMPLETE: its root had not ended when the pending limit was reached"))
        .count();
    assert_eq!(
        incomplete, 6,
        "the oldest six went out to keep at most four: {out}"
    );

    provider.force_flush().expect("flush");
    let out = text(&buf);
    assert_eq!(
        out.lines()
            .filter(|l| l.contains("INCOMPLETE: printed at flush"))
            .count(),
        4,
        "{out}"
    );
    assert_eq!(
        out.lines()
            .filter(|l| l.trim_start().starts_with("child "))
            .count(),
        10,
        "every child printed once: {out}"
    );
    drop(roots);
}

#[test]
fn shutdown_prints_what_waits_then_refuses_exports() {
    let buf = buffer();
    let mut exporter = WaterfallSpanExporter::new(buf.clone());
    exporter.set_resource(&Resource::builder_empty().with_service_name("svc").build());
    let provider = provider(exporter);
    let tracer = provider.tracer("shop");
    let cx = Context::current_with_span(tracer.start("open"));
    tracer.start_with_context("done", &cx).end();
    provider.shutdown().expect("shutdown");
    let out = text(&buf);
    assert!(
        out.lines()
            .next()
            .is_some_and(|l| l.ends_with("INCOMPLETE: printed at shutdown before its root ended")),
        "{out}"
    );
    drop(cx);

    let exporter = WaterfallSpanExporter::new(buffer());
    exporter.shutdown().expect("first shutdown");
    let result = futures_executor(exporter.export(Vec::new()));
    assert!(matches!(result, Err(OTelSdkError::AlreadyShutdown)), "{result:?}");
}

/// Polls a future that never waits (the exporter's `export` completes at once).
fn futures_executor<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(future)
}
