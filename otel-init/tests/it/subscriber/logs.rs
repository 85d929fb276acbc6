//! The OTLP log bridge: records carry the current span's ids, follow `RUST_LOG`, and
//! never include the OpenTelemetry crates' own diagnostics.

use opentelemetry::logs::{LoggerProvider as _, Severity};
use otel_kit_init::subscriber::ConsoleFormat;
use otel_kit_testing::TestTelemetry;

use crate::support::subscriber::{dispatch, text_ids};

#[test]
fn log_records_carry_the_ids_of_the_span_they_were_emitted_in() {
    let t = TestTelemetry::new();
    let (dispatch, console) = dispatch(&t, ConsoleFormat::Text, "info");
    tracing::dispatcher::with_default(&dispatch, || {
        tracing::info!("starting");
        tracing::info_span!("checkout").in_scope(|| {
            tracing::warn!(order_id = 42, "card declined");
            tracing::info_span!("retry").in_scope(|| tracing::info!("retrying"));
        });
    });

    let spans = t.spans();
    let logs = t.logs();
    logs.assert_count(3);
    logs.record("starting").has_no_trace_context();
    logs.record("card declined")
        .has_severity(Severity::Warn)
        .has_attribute("order_id", 42)
        .is_in_span(&spans.span("checkout"));
    logs.record("retrying").is_in_span(&spans.span("retry"));

    // The console line and the exported record of one event name the same span.
    let record = logs.record("card declined").record().clone();
    let ids = text_ids(&console.line("card declined")).expect("ids on the line");
    assert_eq!((Some(ids.0), Some(ids.1)), (record.trace_id, record.span_id));
}

/// The bridge sets no event time of its own: every record it makes carries one (the
/// moment it was made, the observed time too), where OTLP would otherwise say 0.
#[test]
fn bridged_records_carry_their_time() {
    let t = TestTelemetry::new();
    let (dispatch, _console) = dispatch(&t, ConsoleFormat::Text, "info");
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after the epoch")
        .as_nanos() as u64;
    tracing::dispatcher::with_default(&dispatch, || tracing::info!("timed"));
    let logs = t.logs();
    let record = logs.record("timed").record().clone();
    assert!(record.time_unix_nano >= before, "{record:?}");
    assert_eq!(
        record.time_unix_nano, record.observed_time_unix_nano,
        "{record:?}"
    );
}

#[test]
fn opentelemetry_diagnostics_reach_the_console_but_are_not_exported() {
    let t = TestTelemetry::new();
    let (dispatch, console) = dispatch(&t, ConsoleFormat::Text, "info");
    tracing::dispatcher::with_default(&dispatch, || {
        tracing::info_span!("work").in_scope(|| {
            // The targets the SDK's and the exporters' internal-log macros use.
            tracing::warn!(target: "opentelemetry_sdk", name = "BatchSpanProcessor.ExportError", "export failed");
            tracing::error!(target: "opentelemetry-otlp", "grpc unavailable");
            tracing::info!(target: "opentelemetry", "global provider set");
            // A real one: the SDK logs `LoggerNameEmpty` at info, from inside the bridge's
            // own provider.
            let _logger = t.logger_provider().logger("");
            tracing::warn!("application warning");
        });
    });

    let logs = t.logs();
    logs.assert_count(1).record("application warning");
    for message in [
        "export failed",
        "grpc unavailable",
        "global provider set",
        "Logger name is empty",
    ] {
        console.line(message);
    }
}

#[test]
fn log_records_follow_rust_log() {
    let run = |directives: &str| {
        let t = TestTelemetry::new();
        let (dispatch, _console) = dispatch(&t, ConsoleFormat::Json, directives);
        tracing::dispatcher::with_default(&dispatch, || {
            tracing::info_span!("job").in_scope(|| {
                tracing::debug!("step detail");
                tracing::info!("step done");
            });
        });
        t.logs()
            .as_slice()
            .iter()
            .filter_map(|r| r.body_str().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    assert_eq!(run("info"), ["step done"]);
    assert_eq!(run("debug"), ["step detail", "step done"]);
    assert_eq!(
        run("warn,it::subscriber::logs=debug"),
        ["step detail", "step done"]
    );
    assert!(run("error").is_empty());
}

#[test]
fn sqlx_statement_logs_reach_the_console_but_are_not_exported() {
    let t = TestTelemetry::new();
    let (dispatch, console) = dispatch(&t, ConsoleFormat::Text, "info");
    tracing::dispatcher::with_default(&dispatch, || {
        tracing::info_span!("checkout").in_scope(|| {
            // What sqlx logs for a slow statement: the SQL as written, literals included.
            tracing::warn!(
                target: "sqlx::query",
                statement = "SELECT * FROM users WHERE password = 'hunter2'",
                "slow statement: execution time exceeded alert threshold"
            );
            tracing::warn!("application warning");
        });
    });

    let logs = t.logs();
    logs.assert_count(1).record("application warning");
    let spans = t.spans();
    let checkout = spans.span("checkout").record().clone();
    assert!(
        checkout
            .events
            .iter()
            .all(|e| !format!("{e:?}").contains("hunter2")),
        "a sqlx statement log became a span event: {:?}",
        checkout.events
    );
    console.line("slow statement");
}
