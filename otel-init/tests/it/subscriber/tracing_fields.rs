//! Telemetry as Rust code writes it, through `init()`'s own subscriber to a collector:
//! integer fields as integers on spans, span events and log records; `#[instrument(err)]`,
//! `err(Debug)` and an `error` field holding an error with sources as the span's status
//! and the record's `exception.message` (docs/errors.md); `ret` as a bounded event
//! field; `follows_from` as a link. Each test installs the global subscriber, so runs in
//! its own process.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use opentelemetry::trace::Status;
use otel_kit_init::Telemetry;
use otel_kit_init::subscriber::SpanEvents;
use otel_kit_testing::{AttributeValue, LogRecord, TestCollector};

use super::span_events::finish;
use crate::support::own_process::ran_in_own_process;

const WAIT: Duration = Duration::from_secs(10);

/// The kit's bound on a message (`exception::MAX_MESSAGE_BYTES`).
const BOUND: usize = 1024;

/// `init()` exporting to `collector`, with `span_events`.
fn start(collector: &TestCollector, span_events: SpanEvents) -> Telemetry {
    super::span_events::start(collector, None, &[], Some(span_events))
}

fn find<'a>(attributes: &'a [(String, AttributeValue)], key: &str) -> Option<&'a AttributeValue> {
    attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn record(logs: &[LogRecord], pred: impl Fn(&LogRecord) -> bool) -> &LogRecord {
    let found: Vec<_> = logs.iter().filter(|r| pred(r)).collect();
    assert_eq!(found.len(), 1, "{logs:#?}");
    found[0]
}

#[tracing::instrument]
fn load(id: u64, n: usize, small: u8, wide: i128, huge: u128) {
    tracing::info!(rows = n, total = u64::MAX, "loaded");
}

/// `#[instrument] fn f(id: u64, n: usize)`: integers on the span, its span event and its
/// log record; a value beyond `i64` as its decimal text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn integer_fields_are_integers_on_spans_events_and_records() {
    if ran_in_own_process(
        module_path!(),
        "integer_fields_are_integers_on_spans_events_and_records",
    ) {
        return;
    }
    let collector = TestCollector::start().await.expect("collector");
    let t = start(&collector, SpanEvents::Recorded);
    let holder = tracing::info_span!("holder", late = tracing::field::Empty);
    holder.record("late", 42_u32);
    holder.in_scope(|| load(7, 3, 255, -5, u128::MAX));
    drop(holder);
    let spans = collector.wait_for_spans(2, WAIT).await;
    let logs = collector.wait_for_logs(1, WAIT).await;
    let load = spans.find("load").expect("load");
    let int = |v: i64| Some(AttributeValue::Int(v));
    assert_eq!(load.attribute("id").cloned(), int(7));
    assert_eq!(load.attribute("n").cloned(), int(3));
    assert_eq!(load.attribute("small").cloned(), int(255));
    assert_eq!(load.attribute("wide").cloned(), int(-5));
    assert_eq!(
        load.attribute("huge").cloned(),
        Some(AttributeValue::String(u128::MAX.to_string()))
    );
    let holder = spans.find("holder").expect("holder");
    assert_eq!(holder.attribute("late").cloned(), int(42), "a recorded u32");

    assert_eq!(load.events.len(), 1, "{:?}", load.events);
    let event = &load.events[0].attributes;
    assert_eq!(find(event, "rows").cloned(), int(3));
    assert_eq!(
        find(event, "total").cloned(),
        Some(AttributeValue::String(u64::MAX.to_string()))
    );

    let line = record(logs.as_slice(), |r| r.body.as_str() == Some("loaded"));
    assert_eq!(line.attribute("rows").cloned(), int(3));
    assert_eq!(
        line.attribute("total").cloned(),
        Some(AttributeValue::String(u64::MAX.to_string()))
    );
    assert_eq!(line.span_id.as_deref(), Some(load.span_id.as_str()));
    finish(t).await;
}

/// An error with a source, as a library returns one.
#[derive(Debug)]
struct LoadError {
    source: std::io::Error,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("could not load the order")
    }
}

impl Error for LoadError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.source)
    }
}

fn load_error() -> LoadError {
    LoadError {
        source: std::io::Error::other("connection refused"),
    }
}

#[tracing::instrument(err)]
fn pay() -> Result<(), LoadError> {
    Err(load_error())
}

#[tracing::instrument(err(Debug))]
fn refund() -> Result<(), LoadError> {
    Err(load_error())
}

#[tracing::instrument(err)]
fn ship() -> Result<(), String> {
    Err(format!("card 4111 {}", "x".repeat(8 * 1024)))
}

/// `err`, `err(Debug)`, an `error` field holding an error with its sources (with a
/// message), and an 8 KB error text: each the span's status and one ERROR record's
/// `exception.message`, in either span-event mode.
async fn errors_are_status_and_exception_messages(span_events: SpanEvents) {
    let collector = TestCollector::start().await.expect("collector");
    let t = start(&collector, span_events);
    let _ = pay();
    let _ = refund();
    let _ = ship();
    tracing::info_span!("cancel").in_scope(|| {
        let error = load_error();
        tracing::error!(error = &error as &dyn Error, "cancelling failed");
    });
    tracing::info_span!("retry").in_scope(|| {
        tracing::warn!(error = %load_error(), "retrying");
    });
    let spans = collector.wait_for_spans(5, WAIT).await;
    let logs = collector.wait_for_logs(5, WAIT).await;
    let logs = logs.as_slice();
    let debug = format!("{:?}", load_error());
    let cases = [
        ("pay", "could not load the order".to_owned()),
        ("refund", debug),
        (
            "cancel",
            "could not load the order: connection refused".to_owned(),
        ),
    ];
    for (name, message) in cases {
        let span = spans.find(name).expect(name);
        assert_eq!(span.status, Status::error(message.clone()), "{name}");
        let exception = record(logs, |r| r.span_id.as_deref() == Some(span.span_id.as_str()));
        assert_eq!(exception.severity_text, "ERROR", "{name}");
        assert_eq!(
            exception
                .attribute("exception.message")
                .and_then(AttributeValue::as_str),
            Some(message.as_str()),
            "{name}"
        );
        assert!(exception.attribute("error").is_none(), "{name}: {exception:?}");
        assert!(
            exception.attribute("exception.type").is_none(),
            "{name}: tracing gives no type"
        );
    }
    let ship = spans.find("ship").expect("ship");
    let Status::Error { description } = &ship.status else {
        panic!("{:?}", ship.status);
    };
    assert_eq!(description.len(), BOUND, "cut to the bound");
    let exception = record(logs, |r| r.span_id.as_deref() == Some(ship.span_id.as_str()));
    let message = exception
        .attribute("exception.message")
        .and_then(AttributeValue::as_str);
    assert_eq!(message.map(str::len), Some(BOUND));
    assert!(message.is_some_and(|m| m.starts_with("card")));

    // A warning with an error leaves its span's status alone, and still carries the
    // error as its exception message.
    let retry = spans.find("retry").expect("retry");
    assert_eq!(retry.status, Status::Unset);
    let warning = record(logs, |r| r.span_id.as_deref() == Some(retry.span_id.as_str()));
    assert_eq!(
        warning
            .attribute("exception.message")
            .and_then(AttributeValue::as_str),
        Some("could not load the order")
    );
    finish(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_status_and_exception_messages_with_lines_as_logs_only() {
    if ran_in_own_process(
        module_path!(),
        "errors_are_status_and_exception_messages_with_lines_as_logs_only",
    ) {
        return;
    }
    errors_are_status_and_exception_messages(SpanEvents::LogsOnly).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_status_and_exception_messages_with_lines_on_spans() {
    if ran_in_own_process(
        module_path!(),
        "errors_are_status_and_exception_messages_with_lines_on_spans",
    ) {
        return;
    }
    errors_are_status_and_exception_messages(SpanEvents::Recorded).await;
}

/// An error whose sources never end (it is its own source): nothing hangs, not the span
/// bridge, the log bridge or the console, and the status says the message once (a
/// source that repeats the text before it adds nothing).
#[derive(Debug)]
struct Cyclic;

impl fmt::Display for Cyclic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("again")
    }
}

impl Error for Cyclic {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&Cyclic)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_whose_sources_never_end_is_cut() {
    if ran_in_own_process(module_path!(), "an_error_whose_sources_never_end_is_cut") {
        return;
    }
    let collector = TestCollector::start().await.expect("collector");
    let t = start(&collector, SpanEvents::Recorded);
    tracing::info_span!("loop").in_scope(|| tracing::error!(error = &Cyclic as &dyn Error));
    let spans = collector.wait_for_spans(1, WAIT).await;
    let span = spans.find("loop").expect("loop");
    let Status::Error { description } = &span.status else {
        panic!("{:?}", span.status);
    };
    assert_eq!(description, "again");
    finish(t).await;
}

#[tracing::instrument(ret)]
fn total() -> u64 {
    42
}

#[tracing::instrument(ret)]
fn report() -> String {
    "r".repeat(400 * 1024)
}

/// `ret`: an INFO record's `return` field, never a span attribute, cut to the bound (the
/// 400 KiB `Debug` text is not even formatted past it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_return_value_is_a_bounded_event_field() {
    if ran_in_own_process(module_path!(), "a_return_value_is_a_bounded_event_field") {
        return;
    }
    let collector = TestCollector::start().await.expect("collector");
    let t = start(&collector, SpanEvents::LogsOnly);
    total();
    report();
    let spans = collector.wait_for_spans(2, WAIT).await;
    let logs = collector.wait_for_logs(2, WAIT).await;
    for name in ["total", "report"] {
        let span = spans.find(name).expect(name);
        assert!(
            span.attribute("return").is_none(),
            "{name}: {:?}",
            span.attributes
        );
        assert!(span.events.is_empty(), "{name}");
    }
    let total = spans.find("total").expect("total");
    let line = record(logs.as_slice(), |r| {
        r.span_id.as_deref() == Some(total.span_id.as_str())
    });
    assert_eq!(line.severity_text, "INFO");
    // `ret` writes `return = ?value`: its `Debug` text.
    assert_eq!(
        line.attribute("return").and_then(AttributeValue::as_str),
        Some("42")
    );
    let report = spans.find("report").expect("report");
    let line = record(logs.as_slice(), |r| {
        r.span_id.as_deref() == Some(report.span_id.as_str())
    });
    let value = line
        .attribute("return")
        .and_then(AttributeValue::as_str)
        .expect("return");
    assert_eq!(value.len(), BOUND, "400 KiB cut to the bound");
    finish(t).await;
}

/// `follows_from`: a link to the span it follows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follows_from_is_a_link() {
    if ran_in_own_process(module_path!(), "follows_from_is_a_link") {
        return;
    }
    let collector = TestCollector::start().await.expect("collector");
    let t = start(&collector, SpanEvents::LogsOnly);
    let batch = tracing::info_span!("batch");
    let job = tracing::info_span!(parent: None, "job");
    job.follows_from(&batch);
    drop(job);
    drop(batch);
    let spans = collector.wait_for_spans(2, WAIT).await;
    let batch = spans.find("batch").expect("batch");
    let job = spans.find("job").expect("job");
    assert_ne!(job.trace_id, batch.trace_id, "a root of its own");
    assert_eq!(job.links.len(), 1, "{:?}", job.links);
    assert_eq!(job.links[0].trace_id, batch.trace_id);
    assert_eq!(job.links[0].span_id, batch.span_id);
    finish(t).await;
}
