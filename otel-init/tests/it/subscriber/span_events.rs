//! One copy of each log line: through `init()`'s own subscriber and a real collector
//! (rotel, relaying to the in-process one; straight to the in-process one when
//! `TEST_OTLP_COLLECTOR_BIN` is unset), a `tracing` event inside a span is a log record
//! and no span event when logs go over OTLP, both with the switch, and a span event
//! when logs are not exported. An `error` event marks its span as failed either way,
//! and an exception stays one log record. Each test installs the global subscriber, so
//! runs in its own process.

use std::time::Duration;

use opentelemetry::Context;
use opentelemetry::logs::Severity;
use opentelemetry::trace::{Status, TraceContextExt as _};
use otel_kit_init::Telemetry;
use otel_kit_init::subscriber::SpanEvents;
use otel_kit_testing::{Protocol, Rotel, TestCollector};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use crate::support::env;
use crate::support::own_process::ran_in_own_process;

const WAIT: Duration = Duration::from_secs(10);

/// The collector that receives, and rotel in front of it when there is one.
async fn collector() -> (TestCollector, Option<Rotel>) {
    let collector = TestCollector::start().await.expect("collector");
    let rotel = match std::env::var_os("TEST_OTLP_COLLECTOR_BIN") {
        Some(bin) if !bin.is_empty() => {
            Some(Rotel::start(bin.as_ref(), &collector, Protocol::Grpc).expect("start rotel"))
        }
        _ => {
            eprintln!("TEST_OTLP_COLLECTOR_BIN is not set: exporting to the in-process collector only");
            None
        }
    };
    (collector, rotel)
}

pub(super) fn start(
    collector: &TestCollector,
    rotel: Option<&Rotel>,
    extra: &[(&str, &str)],
    span_events: Option<SpanEvents>,
) -> Telemetry {
    let endpoint = rotel.map_or_else(|| collector.endpoint(), |r| r.endpoint("http/protobuf"));
    let mut vars = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_SERVICE_NAME", "shop"),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ("OTEL_BLRP_SCHEDULE_DELAY", "50"),
        ("OTEL_METRICS_EXPORTER", "none"),
        ("RUST_LOG", "info"),
    ];
    vars.extend_from_slice(extra);
    let builder = otel_kit_init::builder().environment(env(&vars));
    let builder = match span_events {
        Some(chosen) => builder.span_events(chosen),
        None => builder,
    };
    builder.init().expect("init")
}

/// A line inside `pay`, an `error` line inside `refund`, and an exception event through
/// the kit's logs API inside `ship`: what instrumentations record on a panic.
fn emit() {
    tracing::info_span!("pay").in_scope(|| tracing::info!(order = 7, "order paid"));
    tracing::info_span!("refund").in_scope(|| tracing::error!("refund failed"));
    let ship = tracing::info_span!("ship");
    let cx: Context = ship.context();
    let logger = otel_kit_core::log_events::global_logger_provider()
        .expect("init() sets the kit's logger provider")
        .event_logger(opentelemetry::InstrumentationScope::builder("shop").build());
    otel_kit_core::__private::exception::panic_event(
        "http.server.request.exception",
        Severity::Error,
        "boom",
    )
    .emit(&*logger, &cx);
    assert!(cx.span().span_context().is_valid());
    drop(ship);
}

pub(super) async fn finish(t: Telemetry) {
    tokio::task::spawn_blocking(move || t.shutdown())
        .await
        .expect("join")
        .expect("shutdown");
}

/// Checks what arrived; `on_spans`: whether the lines are span events too.
async fn assert_arrived(collector: &TestCollector, rotel: Option<&Rotel>, on_spans: bool) {
    let log = || rotel.map(Rotel::log).unwrap_or_default();
    let spans = collector.wait_for_spans(3, WAIT).await;
    let logs = collector.wait_for_logs(3, WAIT).await;
    let pay = spans
        .find("pay")
        .unwrap_or_else(|| panic!("pay; rotel:\n{}", log()));
    let refund = spans.find("refund").expect("refund");
    let ship = spans.find("ship").expect("ship");

    // The line is one log record, in its span.
    let records: Vec<_> = logs
        .as_slice()
        .iter()
        .filter(|r| r.body.as_str() == Some("order paid"))
        .collect();
    assert_eq!(records.len(), 1, "{:?}", logs.as_slice());
    assert_eq!(records[0].trace_id.as_deref(), Some(pay.trace_id.as_str()));
    assert_eq!(records[0].span_id.as_deref(), Some(pay.span_id.as_str()));

    let names =
        |s: &otel_kit_testing::SpanRecord| s.events.iter().map(|e| e.name.clone()).collect::<Vec<_>>();
    if on_spans {
        assert_eq!(names(pay), ["order paid"]);
        assert_eq!(names(refund), ["refund failed"]);
    } else {
        assert!(pay.events.is_empty(), "{:?}", pay.events);
        assert!(refund.events.is_empty(), "{:?}", refund.events);
    }
    // Status from the `error` line, whichever way.
    assert!(
        matches!(refund.status, Status::Error { .. }),
        "{:?}",
        refund.status
    );
    assert_eq!(pay.status, Status::Unset);

    // The exception: one record, no span event, whichever way.
    let exceptions: Vec<_> = logs
        .as_slice()
        .iter()
        .filter(|r| r.event_name == "http.server.request.exception")
        .collect();
    assert_eq!(exceptions.len(), 1, "{:?}", logs.as_slice());
    assert_eq!(exceptions[0].span_id.as_deref(), Some(ship.span_id.as_str()));
    assert!(
        exceptions[0]
            .attribute("exception.message")
            .is_some_and(|v| v.as_str() == Some("boom"))
    );
    assert!(ship.events.is_empty(), "{:?}", ship.events);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_logs_over_otlp_a_line_is_a_log_record_only() {
    if ran_in_own_process(module_path!(), "with_logs_over_otlp_a_line_is_a_log_record_only") {
        return;
    }
    let (collector, rotel) = collector().await;
    let t = start(&collector, rotel.as_ref(), &[], None);
    emit();
    assert_arrived(&collector, rotel.as_ref(), false).await;
    finish(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environment_switch_keeps_lines_on_spans_too() {
    if ran_in_own_process(module_path!(), "the_environment_switch_keeps_lines_on_spans_too") {
        return;
    }
    let (collector, rotel) = collector().await;
    let t = start(
        &collector,
        rotel.as_ref(),
        &[("OTEL_KIT_SPAN_EVENTS", "TRUE")],
        None,
    );
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
    emit();
    assert_arrived(&collector, rotel.as_ref(), true).await;
    finish(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_wins_over_the_environment_switch() {
    if ran_in_own_process(module_path!(), "code_wins_over_the_environment_switch") {
        return;
    }
    let (collector, rotel) = collector().await;
    let t = start(
        &collector,
        rotel.as_ref(),
        &[("OTEL_KIT_SPAN_EVENTS", "false")],
        Some(SpanEvents::Recorded),
    );
    emit();
    assert_arrived(&collector, rotel.as_ref(), true).await;
    finish(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_switch_warns_once_and_keeps_the_default() {
    if ran_in_own_process(module_path!(), "a_bad_switch_warns_once_and_keeps_the_default") {
        return;
    }
    let (collector, rotel) = collector().await;
    let t = start(
        &collector,
        rotel.as_ref(),
        &[("OTEL_KIT_SPAN_EVENTS", "yes please")],
        None,
    );
    let warnings: Vec<&String> = t
        .warnings()
        .iter()
        .filter(|w| w.contains("OTEL_KIT_SPAN_EVENTS"))
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", t.warnings());
    assert!(
        warnings[0].contains("\"yes please\"") && warnings[0].contains("using false"),
        "{warnings:?}"
    );
    emit();
    assert_arrived(&collector, rotel.as_ref(), false).await;
    finish(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_exported_logs_lines_stay_span_events() {
    if ran_in_own_process(module_path!(), "without_exported_logs_lines_stay_span_events") {
        return;
    }
    let (collector, rotel) = collector().await;
    let t = start(
        &collector,
        rotel.as_ref(),
        &[("OTEL_LOGS_EXPORTER", "none")],
        None,
    );
    tracing::info_span!("pay").in_scope(|| tracing::info!(order = 7, "order paid"));
    tracing::info_span!("refund").in_scope(|| tracing::error!(error = "card declined"));
    let spans = collector.wait_for_spans(2, WAIT).await;
    let pay = spans.find("pay").expect("pay");
    assert_eq!(pay.events.len(), 1, "{:?}", pay.events);
    assert_eq!(pay.events[0].name, "order paid");
    let refund = spans.find("refund").expect("refund");
    assert!(
        matches!(refund.status, Status::Error { .. }),
        "{:?}",
        refund.status
    );
    finish(t).await;
    assert!(collector.logs().as_slice().is_empty());
}

/// The `error` field of an `error` line becomes the status description.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_field_describes_the_status_with_lines_as_logs_only() {
    if ran_in_own_process(
        module_path!(),
        "an_error_field_describes_the_status_with_lines_as_logs_only",
    ) {
        return;
    }
    let (collector, rotel) = collector().await;
    let t = start(&collector, rotel.as_ref(), &[], None);
    tracing::info_span!("refund").in_scope(|| tracing::error!(error = "card declined"));
    let spans = collector.wait_for_spans(1, WAIT).await;
    let refund = spans.find("refund").expect("refund");
    assert!(refund.events.is_empty(), "{:?}", refund.events);
    assert_eq!(
        refund.status,
        Status::Error {
            description: "card declined".into()
        }
    );
    finish(t).await;
}
