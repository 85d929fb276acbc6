//! `ConsoleLogExporter` behind a real `SdkLoggerProvider` with a simple processor,
//! driven through `opentelemetry::logs::Logger`: line shape, trace ids, typed values,
//! truncation and shutdown.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry::Key;
use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::trace::{
    SpanId, TraceContextExt as _, TraceFlags, TraceId, Tracer as _, TracerProvider as _,
};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::logs::{LogBatch, LogExporter, SdkLogger, SdkLoggerProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use otel_kit_console::{ConsoleLogExporter, MAX_VALUE_CHARS};

use crate::buffer::{buffer, text};

fn provider(exporter: impl LogExporter + 'static) -> SdkLoggerProvider {
    SdkLoggerProvider::builder()
        .with_resource(Resource::builder_empty().with_service_name("checkout").build())
        .with_simple_exporter(exporter)
        .build()
}

/// Emits an INFO record with `body` through `logger`.
fn info(logger: &SdkLogger, body: &'static str) {
    let mut record = logger.create_log_record();
    record.set_severity_number(Severity::Info);
    record.set_body(body.into());
    logger.emit(record);
}

#[test]
fn record_line_has_severity_scope_body_and_typed_attributes() {
    let buf = buffer();
    let provider = provider(ConsoleLogExporter::new(buf.clone()));
    let logger = provider.logger("billing");
    let mut record = logger.create_log_record();
    record.set_severity_number(Severity::Info);
    record.set_body("payment accepted".into());
    record.add_attribute("order.id", "A-17");
    record.add_attribute("amount.cents", 1299);
    record.add_attribute("rate", 1.0);
    record.add_attribute("first", true);
    logger.emit(record);

    assert_eq!(
        text(&buf),
        "# service checkout, 1 log\n\
         log INFO billing \"payment accepted\" order.id=\"A-17\" amount.cents=1299 rate=1.0 \
         first=true\n"
    );
}

#[test]
fn inside_a_span_the_record_carries_that_spans_ids() {
    let buf = buffer();
    let provider = provider(ConsoleLogExporter::new(buf.clone()));
    let logger = provider.logger("api");
    let tracer_provider = SdkTracerProvider::builder().build();
    let tracer = tracer_provider.tracer("api");
    let span_ctx = tracer.in_span("handle", |cx| {
        info(&logger, "inside");
        cx.span().span_context().clone()
    });
    info(&logger, "outside");

    let out = text(&buf);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[1..],
        [
            format!(
                "log INFO api \"inside\" trace_id={} span_id={}",
                span_ctx.trace_id(),
                span_ctx.span_id()
            )
            .as_str(),
            "log INFO api \"outside\"",
        ]
    );
}

#[test]
fn explicit_trace_context_target_and_event_name() {
    let buf = buffer();
    let provider = provider(ConsoleLogExporter::new(buf.clone()));
    let logger = provider.logger("appender");
    let trace_id = TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap();
    let span_id = SpanId::from_hex("00f067aa0ba902b7").unwrap();
    let mut record = logger.create_log_record();
    record.set_severity_number(Severity::Error);
    record.set_target("app::payments");
    record.set_event_name("payment.failed");
    record.set_body("declined".into());
    record.set_trace_context(trace_id, span_id, Some(TraceFlags::SAMPLED));
    logger.emit(record);

    assert_eq!(
        text(&buf).lines().nth(1),
        Some(
            "log ERROR app::payments \"declined\" event=payment.failed \
             trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7"
        )
    );
}

#[test]
fn missing_parts_show_as_dashes_and_severity_text_is_a_fallback() {
    let buf = buffer();
    let provider = provider(ConsoleLogExporter::new(buf.clone()));
    let bare = provider.logger("");
    bare.emit(bare.create_log_record());
    let texty = provider.logger("legacy");
    let mut record = texty.create_log_record();
    record.set_severity_text("notice");
    texty.emit(record);

    let out = text(&buf);
    let lines: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(lines, ["log - - -", "log notice legacy -"]);
}

#[test]
fn structured_values_render_by_type() {
    let buf = buffer();
    let provider = provider(ConsoleLogExporter::new(buf.clone()));
    let logger = provider.logger("s");
    let mut record = logger.create_log_record();
    record.set_severity_number(Severity::Debug);
    let map = HashMap::from([
        (Key::new("z"), AnyValue::Int(1)),
        (Key::new("a"), AnyValue::String("x".into())),
    ]);
    record.set_body(AnyValue::Map(Box::new(map)));
    record.add_attribute("raw", AnyValue::Bytes(Box::new(vec![0x0a, 0xff])));
    record.add_attribute(
        "list",
        AnyValue::ListAny(Box::new(vec![
            AnyValue::Int(1),
            AnyValue::Double(2.0),
            AnyValue::String("q\"".into()),
            AnyValue::Boolean(false),
        ])),
    );
    logger.emit(record);

    assert_eq!(
        text(&buf).lines().nth(1),
        Some(r#"log DEBUG s {a="x" z=1} raw=0x0aff list=[1,2.0,"q\"",false]"#)
    );
}

#[test]
fn long_bodies_and_attributes_are_truncated() {
    let buf = buffer();
    let provider = provider(ConsoleLogExporter::new(buf.clone()));
    let logger = provider.logger("t");
    let mut record = logger.create_log_record();
    record.set_severity_number(Severity::Warn);
    record.set_body(AnyValue::String("b".repeat(MAX_VALUE_CHARS + 3).into()));
    record.add_attribute("v", "v".repeat(MAX_VALUE_CHARS + 1000));
    record.add_attribute("fits", "f".repeat(MAX_VALUE_CHARS));
    logger.emit(record);

    let expected = format!(
        "log WARN t \"{}\"…(+3) v=\"{}\"…(+1000) fits=\"{}\"",
        "b".repeat(MAX_VALUE_CHARS),
        "v".repeat(MAX_VALUE_CHARS),
        "f".repeat(MAX_VALUE_CHARS),
    );
    assert_eq!(text(&buf).lines().nth(1), Some(expected.as_str()));
}

#[test]
fn header_comes_once_for_one_record_exports_and_per_larger_batch() {
    let buf = buffer();
    let provider = provider(ConsoleLogExporter::new(buf.clone()));
    let logger = provider.logger("h");
    for _ in 0..3 {
        info(&logger, "tick");
    }
    let out = text(&buf);
    assert_eq!(
        out.lines().filter(|l| l.starts_with('#')).collect::<Vec<_>>(),
        ["# service checkout, 1 log"]
    );

    let buf = buffer();
    let provider = SdkLoggerProvider::builder()
        .with_resource(Resource::builder_empty().with_service_name("batchy").build())
        .with_batch_exporter(ConsoleLogExporter::new(buf.clone()))
        .build();
    let logger = provider.logger("h");
    for _ in 0..4 {
        info(&logger, "tock");
    }
    provider.force_flush().unwrap();
    let out = text(&buf);
    assert_eq!(out.lines().next(), Some("# service batchy, 4 logs"));
    assert_eq!(out.lines().filter(|l| *l == r#"log INFO h "tock""#).count(), 4);
    provider.shutdown().unwrap();
}

/// Forwards to a console exporter the test also holds, recording each export's result.
#[derive(Debug, Clone)]
struct Observed {
    console: Arc<ConsoleLogExporter>,
    results: Arc<Mutex<Vec<bool>>>,
}

impl LogExporter for Observed {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        let result = self.console.export(batch).await;
        let already = matches!(result, Err(OTelSdkError::AlreadyShutdown));
        self.results.lock().expect("not poisoned").push(already);
        result
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.console.shutdown_with_timeout(timeout)
    }
}

#[test]
fn after_shutdown_exports_fail_and_print_nothing() {
    let buf = buffer();
    let observed = Observed {
        console: Arc::new(ConsoleLogExporter::new(buf.clone())),
        results: Arc::default(),
    };
    let provider = provider(observed.clone());
    let logger = provider.logger("s");
    info(&logger, "before");
    let printed = text(&buf);
    assert!(printed.contains(r#""before""#));

    observed.console.shutdown().unwrap();
    info(&logger, "after");
    assert_eq!(text(&buf), printed);
    assert_eq!(*observed.results.lock().unwrap(), [false, true]);

    // The provider's own shutdown now finds the exporter already shut down.
    let _ = provider.shutdown();
    assert!(matches!(
        observed.console.shutdown(),
        Err(OTelSdkError::AlreadyShutdown)
    ));
}

#[tokio::test]
async fn direct_export_after_shutdown_is_refused() {
    let buf = buffer();
    let exporter = ConsoleLogExporter::new(buf.clone());
    // An empty batch prints nothing, not even a header.
    exporter.export(LogBatch::new(&[])).await.unwrap();
    assert_eq!(text(&buf), "");
    exporter.shutdown().unwrap();
    assert!(matches!(
        exporter.export(LogBatch::new(&[])).await,
        Err(OTelSdkError::AlreadyShutdown)
    ));
    assert_eq!(text(&buf), "");
}
