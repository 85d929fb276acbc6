//! `RUST_LOG` filters the console and the log bridge, never the spans propagation needs.

use crate::support::subscriber::{
    REMOTE_SPAN_ID, REMOTE_TRACE_ID, dispatch, dispatch_with, remote_parent, text_ids,
};
use opentelemetry::trace::TraceContextExt as _;
use otel_kit_init::subscriber::{Console, ConsoleFormat, LogFilter};
use otel_kit_testing::TestTelemetry;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

#[test]
fn invalid_rust_log_warns_and_falls_back_to_info() {
    let (filter, warning) = LogFilter::from_rust_log(Some("checkout=loud,info"));
    assert_eq!(filter.directives(), "info");
    let warning = warning.expect("an invalid value is reported");
    assert_eq!(warning.variable, "RUST_LOG");
    assert_eq!(warning.value, "checkout=loud,info");
    assert!(warning.message.contains("using \"info\""), "{warning}");

    // The fallback really filters at info.
    let t = TestTelemetry::new();
    let (dispatch, console) = dispatch_with(&t, &filter, |c| Console::new(ConsoleFormat::Text, c));
    tracing::dispatcher::with_default(&dispatch, || {
        tracing::debug!("hidden");
        tracing::info!("shown");
    });
    assert_eq!(console.app_lines().len(), 1, "{}", console.text());
    console.line("shown");
}

#[test]
fn valid_unset_and_blank_rust_log() {
    assert_eq!(
        LogFilter::from_rust_log(Some(" warn,hyper=off ")).0.directives(),
        "warn,hyper=off"
    );
    assert_eq!(LogFilter::from_rust_log(Some(" warn,hyper=off ")).1, None);
    for unset in [None, Some(""), Some("   ")] {
        assert_eq!(
            LogFilter::from_rust_log(unset),
            (LogFilter::default(), None),
            "{unset:?}"
        );
    }
    assert!(LogFilter::parse("=").is_err());
}

/// The reported peer bug: a `debug_span!` inside a request under `RUST_LOG=info` must not
/// cut the trace. The console loses the debug lines; the trace keeps the server span, the
/// caller's parent, and the info span opened inside the debug one.
#[test]
fn debug_lines_leave_the_console_but_the_trace_stays_connected() {
    let t = TestTelemetry::new();
    let (dispatch, console) = dispatch(&t, ConsoleFormat::Text, "info");
    tracing::dispatcher::with_default(&dispatch, || {
        let server = tracing::info_span!("GET /orders", otel.kind = "server", http.route = "/orders");
        server
            .set_parent(remote_parent())
            .expect("server span is recorded");
        server.in_scope(|| {
            tracing::info!("request received");
            tracing::debug_span!("load_cache").in_scope(|| {
                tracing::debug!("cache miss");
                tracing::info_span!("query_db").in_scope(|| tracing::info!("rows loaded"));
            });
        });
    });

    let spans = t.spans();
    spans.assert_count(2).assert_single_trace();
    let server = spans.span("GET /orders");
    server
        .has_trace_id(REMOTE_TRACE_ID)
        .has_parent_span_id(REMOTE_SPAN_ID);
    let query = spans.span("query_db");
    query.has_parent(&server);
    assert!(spans.find("load_cache").is_none(), "{}", spans.tree());

    // Console: no debug line, and no trace of the filtered span in the others.
    let text = console.text();
    assert!(
        !text.contains("cache miss") && !text.contains("load_cache"),
        "{text}"
    );
    let rows = console.line("rows loaded");
    let query = query.record();
    assert_eq!(
        text_ids(&rows),
        Some((query.trace_id.clone(), query.span_id.clone()))
    );
    assert_eq!(
        text_ids(&console.line("request received")).map(|ids| ids.0),
        Some(REMOTE_TRACE_ID.to_owned())
    );

    let logs = t.logs();
    logs.assert_count(2);
    logs.record("rows loaded").is_in_span(&spans.span("query_db"));
}

/// With a global level filter this span would not exist, `set_parent` would fail and
/// `handler` would start a new trace.
#[test]
fn a_debug_level_server_span_with_otel_fields_is_traced_under_info() {
    let t = TestTelemetry::new();
    let (dispatch, console) = dispatch(&t, ConsoleFormat::Text, "info");
    let injected = tracing::dispatcher::with_default(&dispatch, || {
        let server = tracing::debug_span!("GET /legacy", otel.kind = "server");
        server
            .set_parent(remote_parent())
            .expect("otel.* spans are recorded at any level");
        server.in_scope(|| {
            tracing::info_span!("handler").in_scope(|| {
                tracing::info!("handled");
                // What an HTTP client would inject into an outgoing request.
                tracing::Span::current().context().span().span_context().clone()
            })
        })
    });

    let spans = t.spans();
    spans.assert_count(2).assert_single_trace();
    let server = spans.span("GET /legacy");
    server
        .has_trace_id(REMOTE_TRACE_ID)
        .has_parent_span_id(REMOTE_SPAN_ID);
    let handler = spans.span("handler");
    handler.has_parent(&server);
    assert_eq!(injected.trace_id().to_string(), REMOTE_TRACE_ID);
    assert_eq!(injected.span_id().to_string(), handler.record().span_id);

    // The debug span itself stays off the console.
    let line = console.line("handled");
    assert!(!line.contains("GET /legacy"), "{line}");
    assert!(line.contains("handler: "), "{line}");
}

#[test]
fn a_quiet_console_does_not_quieten_traces() {
    let t = TestTelemetry::new();
    let (dispatch, console) = dispatch(&t, ConsoleFormat::Text, "warn");
    tracing::dispatcher::with_default(&dispatch, || {
        tracing::info_span!("batch").in_scope(|| {
            tracing::info!("progress");
            tracing::info_span!("item").in_scope(|| tracing::warn!("slow item"));
        });
    });

    let spans = t.spans();
    spans.span("item").has_parent(&spans.span("batch"));
    let item = spans.span("item").record().clone();
    assert_eq!(console.app_lines().len(), 1, "{}", console.text());
    assert_eq!(
        text_ids(&console.line("slow item")),
        Some((item.trace_id, item.span_id))
    );
    // Events follow RUST_LOG everywhere: not logged, not a span event.
    t.logs().assert_count(1).record("slow item");
    spans.span("batch").has_event_count(0);
}

#[test]
fn rust_log_can_add_verbose_spans_to_traces() {
    let t = TestTelemetry::new();
    // Integration tests are crates: the target is the file name.
    let (dispatch, console) = dispatch(&t, ConsoleFormat::Text, "info,it::subscriber::filter=debug");
    tracing::dispatcher::with_default(&dispatch, || {
        tracing::info_span!("outer").in_scope(|| {
            tracing::debug_span!("inner").in_scope(|| tracing::debug!("detail"));
            tracing::trace_span!("too_fine").in_scope(|| tracing::trace!("noise"));
        });
    });

    let spans = t.spans();
    spans.assert_count(2);
    spans
        .span("inner")
        .has_parent(&spans.span("outer"))
        .has_event("detail");
    let inner = spans.span("inner").record().clone();
    assert_eq!(
        text_ids(&console.line("detail")),
        Some((inner.trace_id, inner.span_id))
    );
    assert!(!console.text().contains("noise"), "{}", console.text());
    t.logs()
        .assert_count(1)
        .record("detail")
        .is_in_span(&spans.span("inner"));
}
