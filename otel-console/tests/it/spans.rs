//! `ConsoleSpanExporter` behind real SDK tracer providers: line shapes, real ids,
//! typed attributes, truncation, headers, write failures and shutdown.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opentelemetry::trace::{
    Link, Span as _, SpanContext, SpanId, SpanKind, Status, TraceContextExt as _, Tracer as _,
    TracerProvider as _,
};
use opentelemetry::{Array, InstrumentationScope, KeyValue, StringValue, Value};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanEvents, SpanExporter, SpanLinks};
use otel_kit_console::{ConsoleSpanExporter, MAX_VALUE_CHARS, SharedWriter};

use crate::buffer::{buffer, text};

fn provider(exporter: impl SpanExporter + 'static) -> SdkTracerProvider {
    SdkTracerProvider::builder()
        .with_resource(Resource::builder_empty().with_service_name("checkout").build())
        .with_simple_exporter(exporter)
        .build()
}

fn at(nanos: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000) + Duration::from_nanos(nanos)
}

/// Ends a span `span_name` that lasted exactly `nanos` and returns its context.
fn timed_span(provider: &SdkTracerProvider, span_name: &'static str, nanos: u64) -> SpanContext {
    let tracer = provider.tracer("test");
    let mut span = tracer
        .span_builder(span_name)
        .with_start_time(at(0))
        .start(&tracer);
    let ctx = span.span_context().clone();
    span.end_with_timestamp(at(nanos));
    ctx
}

#[test]
fn server_span_line_has_real_ids_and_typed_attributes() {
    let buf = buffer();
    let provider = provider(ConsoleSpanExporter::new(buf.clone()));
    let tracer = provider.tracer("http");
    let mut span = tracer
        .span_builder("GET /hello/{name}")
        .with_kind(SpanKind::Server)
        .with_start_time(at(0))
        .with_attributes([
            KeyValue::new("http.request.method", "GET"),
            KeyValue::new("http.response.status_code", 200),
            KeyValue::new("ratio", 0.5),
            KeyValue::new("whole", 2.0),
            KeyValue::new("cached", true),
            KeyValue::new("ids", Value::Array(Array::I64(vec![1, 2, 3]))),
            KeyValue::new(
                "tags",
                Value::Array(Array::String(vec![StringValue::from("a"), "b".into()])),
            ),
            KeyValue::new("weights", Value::Array(Array::F64(vec![1.0, 2.5]))),
            KeyValue::new("flags", Value::Array(Array::Bool(vec![true, false]))),
            KeyValue::new("quoted", "say \"hi\"\nbye"),
        ])
        .start(&tracer);
    let ctx = span.span_context().clone();
    span.end_with_timestamp(at(1_234_567));

    let expected = format!(
        "span GET /hello/{{name}} kind=server status=unset 1.23ms trace_id={} span_id={} \
         parent_id=- http.request.method=\"GET\" http.response.status_code=200 ratio=0.5 \
         whole=2.0 cached=true ids=[1,2,3] tags=[\"a\",\"b\"] weights=[1.0,2.5] \
         flags=[true,false] quoted=\"say \\\"hi\\\"\\nbye\"",
        ctx.trace_id(),
        ctx.span_id()
    );
    assert_eq!(ctx.trace_id().to_string().len(), 32);
    assert_eq!(text(&buf), format!("# service checkout, 1 span\n{expected}\n"));
}

#[test]
fn child_span_names_its_parent_and_error_status_shows_description() {
    let buf = buffer();
    let provider = provider(ConsoleSpanExporter::new(buf.clone()));
    let tracer = provider.tracer("db");
    let (parent_ctx, child_ctx) = tracer.in_span("handler", |cx| {
        let parent = cx.span().span_context().clone();
        let child = tracer.in_span("SELECT orders", |cx| {
            cx.span().set_status(Status::error("connection \"refused\""));
            cx.span().span_context().clone()
        });
        (parent, child)
    });

    let out = text(&buf);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    // The child ends first, so it is exported first.
    let child = lines[1];
    assert!(
        child.starts_with(r#"span SELECT orders kind=internal status=error("connection \"refused\"") "#),
        "{child}"
    );
    assert_eq!(child_ctx.trace_id(), parent_ctx.trace_id());
    assert!(child.ends_with(&format!(
        " trace_id={} span_id={} parent_id={}",
        child_ctx.trace_id(),
        child_ctx.span_id(),
        parent_ctx.span_id()
    )));
    assert!(lines[2].starts_with("span handler kind=internal status=unset "));
    assert!(lines[2].ends_with(&format!(
        " trace_id={} span_id={} parent_id=-",
        parent_ctx.trace_id(),
        parent_ctx.span_id()
    )));
}

#[test]
fn ok_status_empty_error_and_other_kinds() {
    let buf = buffer();
    let provider = provider(ConsoleSpanExporter::new(buf.clone()));
    let tracer = provider.tracer("t");
    for (kind, status) in [
        (SpanKind::Client, Status::Ok),
        (SpanKind::Producer, Status::error("")),
        (SpanKind::Consumer, Status::Unset),
    ] {
        let mut span = tracer.span_builder("op").with_kind(kind).start(&tracer);
        span.set_status(status);
        span.end();
    }
    let out = text(&buf);
    let heads: Vec<String> = out
        .lines()
        .skip(1)
        .map(|l| l.split(' ').take(4).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        heads,
        [
            "span op kind=client status=ok",
            "span op kind=producer status=error",
            "span op kind=consumer status=unset",
        ]
    );
}

#[test]
fn events_are_indented_under_their_span_with_offsets() {
    let buf = buffer();
    let provider = provider(ConsoleSpanExporter::new(buf.clone()));
    let tracer = provider.tracer("t");
    let mut span = tracer.span_builder("batch").with_start_time(at(0)).start(&tracer);
    span.add_event_with_timestamp("retry", at(2_500_000), vec![KeyValue::new("attempt", 2)]);
    span.add_event_with_timestamp("done", at(3_000_000_000), vec![]);
    span.end_with_timestamp(at(4_000_000_000));

    let out = text(&buf);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[1].starts_with("span batch kind=internal status=unset 4.00s "));
    assert_eq!(lines[2], "  event retry +2.50ms attempt=2");
    assert_eq!(lines[3], "  event done +3.00s");
}

#[test]
fn link_line_shows_the_linked_ids() {
    let buf = buffer();
    let provider = provider(ConsoleSpanExporter::new(buf.clone()));
    let tracer = provider.tracer("t");
    let linked = timed_span(&provider, "earlier", 10);
    let mut span = tracer
        .span_builder("consumer")
        .with_links(vec![Link::new(linked.clone(), vec![KeyValue::new("n", 1)], 0)])
        .start(&tracer);
    span.end();
    let out = text(&buf);
    assert_eq!(
        out.lines().last(),
        Some(
            format!(
                "  link trace_id={} span_id={} n=1",
                linked.trace_id(),
                linked.span_id()
            )
            .as_str()
        ),
        "{out}"
    );
}

#[test]
fn durations_use_a_readable_unit() {
    let buf = buffer();
    let provider = provider(ConsoleSpanExporter::new(buf.clone()));
    for nanos in [
        850,
        12_300,
        853_140,
        1_234_567,
        45_600_000,
        2_500_000_000,
        125_000_000_000,
    ] {
        timed_span(&provider, "d", nanos);
    }
    let out = text(&buf);
    let durations: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(' ').nth(4).unwrap())
        .collect();
    assert_eq!(
        durations,
        ["850ns", "12.3µs", "853µs", "1.23ms", "45.6ms", "2.50s", "125s"]
    );
}

#[test]
fn long_values_are_cut_at_the_limit_with_the_count_left_out() {
    let buf = buffer();
    let provider = provider(ConsoleSpanExporter::new(buf.clone()));
    let tracer = provider.tracer("t");
    assert_eq!(MAX_VALUE_CHARS, 256);
    let long = "x".repeat(MAX_VALUE_CHARS + 44);
    let exact = "y".repeat(MAX_VALUE_CHARS);
    // Multi-byte characters: the limit counts characters, not bytes.
    let accents = "é".repeat(MAX_VALUE_CHARS + 1);
    let many: Vec<i64> = (0..200).collect();
    let mut span = tracer
        .span_builder("big")
        .with_attributes([
            KeyValue::new("long", long),
            KeyValue::new("exact", exact.clone()),
            KeyValue::new("accents", accents),
            KeyValue::new("many", Value::Array(Array::I64(many.clone()))),
        ])
        .start(&tracer);
    span.end();

    let out = text(&buf);
    let line = out.lines().nth(1).unwrap();
    let attrs = &line[line.find(" long=").unwrap() + 1..];
    let rendered_many = format!(
        "[{}]",
        many.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    );
    let expected = format!(
        "long=\"{}\"…(+44) exact=\"{exact}\" accents=\"{}\"…(+1) many={}…(+{})",
        "x".repeat(MAX_VALUE_CHARS),
        "é".repeat(MAX_VALUE_CHARS),
        &rendered_many[..MAX_VALUE_CHARS],
        rendered_many.len() - MAX_VALUE_CHARS,
    );
    assert_eq!(attrs, expected);
}

#[test]
fn header_once_for_single_span_exports_and_per_multi_span_batch() {
    let buf = buffer();
    let provider = provider(ConsoleSpanExporter::new(buf.clone()));
    for _ in 0..3 {
        timed_span(&provider, "one", 1);
    }
    let out = text(&buf);
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(headers, ["# service checkout, 1 span"]);
    assert_eq!(out.lines().count(), 4);

    let buf = buffer();
    let provider = SdkTracerProvider::builder()
        .with_resource(Resource::builder_empty().with_service_name("batchy").build())
        .with_batch_exporter(ConsoleSpanExporter::new(buf.clone()))
        .build();
    for _ in 0..3 {
        timed_span(&provider, "a", 1);
    }
    provider.force_flush().unwrap();
    for _ in 0..2 {
        timed_span(&provider, "b", 1);
    }
    provider.force_flush().unwrap();
    let out = text(&buf);
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headers,
        ["# service batchy, 3 spans", "# service batchy, 2 spans"]
    );
    assert_eq!(out.lines().filter(|l| l.starts_with("span ")).count(), 5);
    provider.shutdown().unwrap();
}

/// Forwards to a console exporter the test also holds, and records what each export
/// returned, so shutdown can be driven from outside the provider.
#[derive(Debug, Clone)]
struct Observed {
    console: Arc<ConsoleSpanExporter>,
    results: Arc<Mutex<Vec<String>>>,
    last_batch: Arc<Mutex<Vec<SpanData>>>,
}

impl Observed {
    fn new(console: ConsoleSpanExporter) -> Self {
        Self {
            console: Arc::new(console),
            results: Arc::default(),
            last_batch: Arc::default(),
        }
    }

    fn results(&self) -> Vec<String> {
        self.results.lock().expect("not poisoned").clone()
    }
}

fn describe(result: &OTelSdkResult) -> String {
    match result {
        Ok(()) => "ok".to_owned(),
        Err(OTelSdkError::AlreadyShutdown) => "already shut down".to_owned(),
        Err(other) => other.to_string(),
    }
}

impl SpanExporter for Observed {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        self.last_batch.lock().expect("not poisoned").clone_from(&batch);
        let result = self.console.export(batch).await;
        self.results.lock().expect("not poisoned").push(describe(&result));
        result
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.console.shutdown_with_timeout(timeout)
    }
}

#[test]
fn after_shutdown_exports_fail_and_print_nothing() {
    let buf = buffer();
    let observed = Observed::new(ConsoleSpanExporter::new(buf.clone()));
    let provider = provider(observed.clone());
    timed_span(&provider, "before", 1);
    let printed_before = text(&buf);
    assert!(printed_before.contains("span before "));

    assert!(observed.console.shutdown().is_ok());
    timed_span(&provider, "after", 1);
    assert_eq!(text(&buf), printed_before);
    assert_eq!(observed.results(), ["ok", "already shut down"]);
    assert!(matches!(
        observed.console.shutdown(),
        Err(OTelSdkError::AlreadyShutdown)
    ));
}

#[tokio::test]
async fn provider_shutdown_shuts_the_exporter_down() {
    let buf = buffer();
    let observed = Observed::new(ConsoleSpanExporter::new(buf.clone()));
    let provider = provider(observed.clone());
    timed_span(&provider, "only", 1);
    provider.shutdown().unwrap();
    let printed = text(&buf);

    let batch = observed.last_batch.lock().unwrap().clone();
    assert_eq!(batch.len(), 1);
    let result = observed.console.export(batch).await;
    assert!(matches!(result, Err(OTelSdkError::AlreadyShutdown)));
    assert_eq!(text(&buf), printed);
}

/// A writer that fails every call with the given error kind.
struct Failing(io::ErrorKind);

impl Write for Failing {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::from(self.0))
    }

    fn flush(&mut self) -> io::Result<()> {
        Err(io::Error::from(self.0))
    }
}

#[test]
fn broken_pipe_drops_output_and_other_errors_are_reported() {
    for (kind, expected) in [
        (io::ErrorKind::BrokenPipe, "ok"),
        (
            io::ErrorKind::StorageFull,
            "Operation failed: console exporter could not write",
        ),
    ] {
        let writer: SharedWriter = Arc::new(Mutex::new(Failing(kind)));
        let observed = Observed::new(ConsoleSpanExporter::new(writer));
        let provider = provider(observed.clone());
        timed_span(&provider, "x", 1);
        let results = observed.results();
        assert_eq!(results.len(), 1);
        assert!(results[0].starts_with(expected), "{kind:?}: {results:?}");
    }
}

#[test]
fn a_poisoned_writer_lock_still_prints() {
    let buf = buffer();
    let for_panic = buf.clone();
    let _ = std::thread::spawn(move || {
        let _guard = for_panic.lock().unwrap();
        panic!("poison the writer lock");
    })
    .join();
    assert!(buf.is_poisoned());

    let provider = provider(ConsoleSpanExporter::new(buf.clone()));
    timed_span(&provider, "survivor", 1);
    let out = String::from_utf8(buf.lock().unwrap_or_else(|e| e.into_inner()).clone()).unwrap();
    assert!(out.contains("span survivor "), "{out}");
}

#[tokio::test]
async fn direct_use_without_a_resource_and_dropped_counts() {
    // Ids come from a real span; the rest is set by hand to reach what a provider
    // rarely produces: no `set_resource` call and a dropped-attribute count.
    let provider = provider(ConsoleSpanExporter::new(buffer()));
    let ctx = timed_span(&provider, "x", 1);
    let span = SpanData {
        span_context: ctx.clone(),
        parent_span_id: SpanId::INVALID,
        parent_span_is_remote: false,
        span_kind: SpanKind::Internal,
        name: "direct".into(),
        start_time: at(5),
        // An end before the start (a clock step) shows as zero, not a failure.
        end_time: at(0),
        attributes: vec![],
        dropped_attributes_count: 2,
        events: SpanEvents::default(),
        links: SpanLinks::default(),
        status: Status::Unset,
        instrumentation_scope: InstrumentationScope::default(),
    };
    let buf = buffer();
    let exporter = ConsoleSpanExporter::new(buf.clone());
    exporter.export(vec![span]).await.unwrap();
    exporter.export(vec![]).await.unwrap();
    assert_eq!(
        text(&buf),
        format!(
            "# service unknown_service, 1 span\nspan direct kind=internal status=unset 0ns \
             trace_id={} span_id={} parent_id=- dropped_attributes=2\n",
            ctx.trace_id(),
            ctx.span_id()
        )
    );
}
