//! `layers()` composes with a subscriber the user builds.

use opentelemetry::trace::TraceContextExt as _;
use otel_kit_init::subscriber::{self, Console, ConsoleFormat, LogFilter};
use otel_kit_testing::TestTelemetry;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;

use crate::support::subscriber::{Capture, remote_parent, text_ids};

#[test]
fn our_layers_and_a_users_layer_each_keep_their_own_filter() {
    let t = TestTelemetry::new();
    let ours = Capture::default();
    let theirs = Capture::default();
    let layers = subscriber::layers(
        t.tracer("composed"),
        t.logger_provider(),
        Console::new(ConsoleFormat::Text, ours.clone()),
        &LogFilter::default(),
    );
    let user_layer = tracing_subscriber::fmt::layer()
        .with_writer(theirs.clone())
        .with_ansi(false)
        .with_filter(LevelFilter::DEBUG);
    let subscriber = tracing_subscriber::registry()
        .with(layers.into_layer())
        .with(user_layer);

    let exported = tracing::subscriber::with_default(subscriber, || {
        let span = tracing::info_span!("request", otel.kind = "server");
        span.set_parent(remote_parent())
            .expect("the otel layer is reachable through the boxes");
        let _entered = span.enter();
        tracing::debug!("verbose");
        tracing::info!("normal");
        span.context().span().span_context().clone()
    });

    let spans = t.spans();
    let request = spans.span("request").record().clone();
    assert_eq!(exported.trace_id().to_string(), request.trace_id);
    assert_eq!(exported.span_id().to_string(), request.span_id);

    // Ours at info, theirs at debug: RUST_LOG filtering is per layer, not global.
    assert_eq!(ours.app_lines().len(), 1, "{}", ours.text());
    assert_eq!(
        text_ids(&ours.line("normal")),
        Some((request.trace_id, request.span_id))
    );
    assert_eq!(theirs.app_lines().len(), 2, "{}", theirs.text());
    theirs.line("verbose");

    t.logs()
        .assert_count(1)
        .record("normal")
        .is_in_span(&spans.span("request"));
}

#[test]
fn the_fields_can_be_used_on_their_own() {
    let t = TestTelemetry::new();
    let console = Capture::default();
    let layers = subscriber::layers(
        t.tracer("partial"),
        t.logger_provider(),
        Console::new(ConsoleFormat::Json, console.clone()),
        &LogFilter::default(),
    );
    // No console layer: traces and OTLP logs only.
    let subscriber = tracing_subscriber::registry().with(layers.traces.and_then(layers.logs));
    tracing::subscriber::with_default(subscriber, || {
        tracing::info_span!("outer").in_scope(|| {
            tracing::debug_span!("skipped").in_scope(|| {
                tracing::info_span!("inner").in_scope(|| tracing::info!("inside"));
            });
        });
    });

    let spans = t.spans();
    spans.assert_count(2).assert_single_trace();
    // The source location in registered attributes only: no `code.module.name`.
    spans
        .span("inner")
        .has_parent(&spans.span("outer"))
        .has_attribute_key("code.file.path")
        .has_attribute_key("code.line.number")
        .lacks_attribute("code.module.name");
    t.logs()
        .assert_count(1)
        .record("inside")
        .is_in_span(&spans.span("inner"));
    assert!(console.text().is_empty(), "{}", console.text());
}

#[test]
fn genai_events_are_log_records_and_not_span_events_of_the_current_span() {
    let t = TestTelemetry::new();
    let console = Capture::default();
    let layers = subscriber::layers(
        t.tracer("composed"),
        t.logger_provider(),
        Console::new(ConsoleFormat::Text, console.clone()),
        &LogFilter::default(),
    );
    let subscriber = tracing_subscriber::registry().with(layers.into_layer());

    tracing::subscriber::with_default(subscriber, || {
        let span = tracing::info_span!("handler");
        let _entered = span.enter();
        // What otel-kit-genai emits when content capture goes to events.
        tracing::event!(
            name: "gen_ai.client.inference.operation.details",
            target: "gen_ai",
            tracing::Level::INFO,
            gen_ai.input.messages = "[{\"role\":\"user\"}]",
        );
        tracing::info!("an ordinary event");
    });

    let spans = t.spans();
    let handler = spans.span("handler");
    // The ordinary event is a span event; the GenAI event is not copied onto the span.
    handler.has_event_count(1);
    t.logs()
        .record_where("the GenAI event", |r| {
            r.event_name == "gen_ai.client.inference.operation.details"
        })
        .has_attribute("gen_ai.input.messages", "[{\"role\":\"user\"}]")
        .is_in_span(&handler);
    // A plain log line is no event: no event name (the bridge alone would name it
    // `event <file>:<line>`).
    let logs = t.logs();
    let ordinary = logs.record("an ordinary event").is_in_span(&handler);
    assert_eq!(
        ordinary.record().event_name,
        "",
        "a plain log line has no event name"
    );
}
