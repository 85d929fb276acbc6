//! `OTEL_TRACES_EXPORTER=console` with `OTEL_KIT_CONSOLE_SPAN_FORMAT`: the format chosen
//! by the variable or in code, and the waterfall a real `init()` prints on standard
//! output (read from a child process of this test binary).

use std::process::Command;

use opentelemetry::KeyValue;
use opentelemetry::trace::{SpanKind, Status, TraceContextExt as _, Tracer as _, TracerProvider as _};
use otel_kit_init::config::{ConsoleSpanFormat, ExporterKind};

use crate::support::{env, read_config};

const CHILD: &str = "OTEL_KIT_TEST_WATERFALL_CHILD";

fn console(pairs: &[(&str, &str)], code: Option<ConsoleSpanFormat>) -> otel_kit_init::Telemetry {
    let mut all = vec![
        ("OTEL_SERVICE_NAME", "shop"),
        ("OTEL_TRACES_EXPORTER", "console"),
        ("OTEL_METRICS_EXPORTER", "none"),
        ("OTEL_LOGS_EXPORTER", "none"),
    ];
    all.extend_from_slice(pairs);
    let builder = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment(env(&all));
    let builder = match code {
        Some(format) => builder.console_span_format(format),
        None => builder,
    };
    builder.init().expect("init")
}

#[test]
fn the_variable_picks_the_format_and_a_bad_value_warns_once() {
    let (config, warnings) = read_config(&[]);
    assert_eq!(
        (config.export.console_span_format, warnings.len()),
        (ConsoleSpanFormat::Lines, 0)
    );
    let (config, warnings) = read_config(&[("OTEL_KIT_CONSOLE_SPAN_FORMAT", " WATERFALL ")]);
    assert_eq!(
        (config.export.console_span_format, warnings.len()),
        (ConsoleSpanFormat::Waterfall, 0)
    );
    let (config, warnings) = read_config(&[("OTEL_KIT_CONSOLE_SPAN_FORMAT", "tree")]);
    assert_eq!(config.export.console_span_format, ConsoleSpanFormat::Lines);
    assert_eq!(
        warnings,
        ["OTEL_KIT_CONSOLE_SPAN_FORMAT=\"tree\" is not one of lines, waterfall; using lines"]
    );
}

#[test]
fn code_wins_over_the_variable_and_silences_its_warning() {
    let t = console(
        &[("OTEL_KIT_CONSOLE_SPAN_FORMAT", "tree")],
        Some(ConsoleSpanFormat::Waterfall),
    );
    assert_eq!(
        t.effective_config().export.console_span_format,
        ConsoleSpanFormat::Waterfall
    );
    assert!(
        t.warnings()
            .iter()
            .all(|w| !w.contains("OTEL_KIT_CONSOLE_SPAN_FORMAT")),
        "{:?}",
        t.warnings()
    );
    t.shutdown().expect("shutdown");

    let t = console(&[("OTEL_KIT_CONSOLE_SPAN_FORMAT", "waterfall")], None);
    assert_eq!(
        t.effective_config().export.console_span_format,
        ConsoleSpanFormat::Waterfall
    );
    assert_eq!(
        t.effective_config().export.traces_exporters,
        [ExporterKind::Console]
    );
    t.shutdown().expect("shutdown");
}

/// In the child: a trace through `init()`'s console exporter, then shutdown. In the
/// parent: that child's standard output holds the trace as a waterfall.
#[test]
fn init_prints_a_waterfall_per_trace_on_stdout() {
    const NAME: &str = "config::console_spans::init_prints_a_waterfall_per_trace_on_stdout";
    if std::env::var_os(CHILD).is_some() {
        let t = console(&[("OTEL_KIT_CONSOLE_SPAN_FORMAT", "waterfall")], None);
        let tracer = t.tracer_provider().tracer("shop");
        let root = tracer
            .span_builder("POST /checkout")
            .with_kind(SpanKind::Server)
            .with_attributes([KeyValue::new("http.route", "/checkout")])
            .start(&tracer);
        let cx = opentelemetry::Context::current_with_span(root);
        let mut charge = tracer.start_with_context("charge card", &cx);
        opentelemetry::trace::Span::set_status(&mut charge, Status::error("card declined"));
        drop(charge);
        cx.span().end();
        t.shutdown().expect("shutdown");
        return;
    }
    let output = Command::new(std::env::current_exe().expect("the test binary"))
        .args([NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .expect("the child runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    let header = lines
        .iter()
        // The harness prints `test <name> ... ` before the first line.
        .position(|l| l.contains("trace ") && l.ends_with(", 1 with ERROR"))
        .unwrap_or_else(|| panic!("a waterfall on stdout: {stdout}"));
    assert!(lines[header].contains(": 2 spans, 1 service, "), "{stdout}");
    assert!(
        lines[header + 2].starts_with("POST /checkout                shop         SERVER "),
        "{stdout}"
    );
    assert_eq!(lines[header + 3], "  http.route=/checkout", "{stdout}");
    assert!(
        lines[header + 4].starts_with("  charge card                 shop         INTERNAL ERROR "),
        "{stdout}"
    );
    assert_eq!(lines[header + 5], "    error=\"card declined\"", "{stdout}");
}
