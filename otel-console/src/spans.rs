//! `OTEL_TRACES_EXPORTER=console`: one line per span, events and links indented below.

use std::time::{Duration, SystemTime};

use opentelemetry::trace::{SpanId, SpanKind, Status};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use crate::format::{push_attrs, push_display, push_duration, push_str};
use crate::titled_sink::TitledSink;
use crate::writer::SharedWriter;
use crate::writer::Sink;

/// Prints finished spans as compact, human-readable lines; see the [crate
/// docs](crate) for the format.
///
/// Meant for a [simple span processor](opentelemetry_sdk::trace::SimpleSpanProcessor),
/// so each span shows up as soon as it ends. Exports after
/// [`shutdown`](SpanExporter::shutdown) fail with `AlreadyShutdown` and print nothing.
///
/// ```
/// use std::sync::{Arc, Mutex};
///
/// use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_console::ConsoleSpanExporter;
///
/// let out = Arc::new(Mutex::new(Vec::<u8>::new()));
/// let provider = SdkTracerProvider::builder()
///     .with_simple_exporter(ConsoleSpanExporter::new(out.clone()))
///     .build();
/// let mut span = provider.tracer("demo").start("work");
/// span.set_attribute(opentelemetry::KeyValue::new("items", 3));
/// span.end();
///
/// let text = String::from_utf8(out.lock().unwrap().clone()).unwrap();
/// let line = text.lines().nth(1).unwrap();
/// assert!(line.starts_with("span work kind=internal status=unset "));
/// assert!(line.ends_with(" parent_id=- items=3"));
/// ```
#[derive(Debug)]
pub struct ConsoleSpanExporter {
    out: TitledSink,
}

impl ConsoleSpanExporter {
    /// Writes to standard output; what otel-kit-init installs for
    /// `OTEL_TRACES_EXPORTER=console`.
    ///
    /// ```
    /// use opentelemetry_sdk::trace::SdkTracerProvider;
    /// use otel_kit_console::ConsoleSpanExporter;
    ///
    /// let provider = SdkTracerProvider::builder()
    ///     .with_simple_exporter(ConsoleSpanExporter::stdout())
    ///     .build();
    /// # provider.shutdown().unwrap();
    /// ```
    #[must_use]
    pub fn stdout() -> Self {
        Self {
            out: TitledSink::new(Sink::stdout(), "span"),
        }
    }

    /// Writes to `writer`, for capturing the output or sending it somewhere else.
    /// One writer can be shared by all three console exporters.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// use otel_kit_console::ConsoleSpanExporter;
    ///
    /// let captured = Arc::new(Mutex::new(Vec::<u8>::new()));
    /// let exporter = ConsoleSpanExporter::new(captured.clone());
    /// # drop(exporter);
    /// ```
    #[must_use]
    pub fn new(writer: SharedWriter) -> Self {
        Self {
            out: TitledSink::new(Sink::new(writer), "span"),
        }
    }
}

impl SpanExporter for ConsoleSpanExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        self.out.write(batch.len(), |out| {
            for span in &batch {
                render_span(out, span);
            }
        })
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        self.out.shutdown()
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.out.flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.out.set_resource(resource);
    }
}

fn render_span(out: &mut String, span: &SpanData) {
    let ctx = &span.span_context;
    out.push_str("span ");
    out.push_str(&span.name);
    out.push_str(" kind=");
    out.push_str(kind_name(&span.span_kind));
    out.push_str(" status=");
    match &span.status {
        Status::Unset => out.push_str("unset"),
        Status::Ok => out.push_str("ok"),
        Status::Error { description } if description.is_empty() => out.push_str("error"),
        Status::Error { description } => {
            out.push_str("error(");
            push_str(out, description);
            out.push(')');
        }
    }
    out.push(' ');
    push_duration(out, elapsed(span.start_time, span.end_time));
    push_display(
        out,
        &format_args!(" trace_id={} span_id={}", ctx.trace_id(), ctx.span_id()),
    );
    if span.parent_span_id == SpanId::INVALID {
        out.push_str(" parent_id=-");
    } else {
        push_display(out, &format_args!(" parent_id={}", span.parent_span_id));
    }
    // A key set twice on a failed span (the SDK keeps both): its last value, once, as
    // the OTLP exporter sends it.
    push_attrs(
        out,
        otel_kit_core::__private::repeated_keys::exported(&span.status, &span.attributes).iter(),
    );
    push_dropped(out, "attributes", span.dropped_attributes_count);
    push_dropped(out, "events", span.events.dropped_count);
    push_dropped(out, "links", span.links.dropped_count);
    out.push('\n');

    for event in span.events.iter() {
        out.push_str("  event ");
        out.push_str(&event.name);
        // Offset from the span's start: easier to read than a wall-clock time.
        out.push_str(" +");
        push_duration(out, elapsed(span.start_time, event.timestamp));
        push_attrs(out, &event.attributes);
        push_dropped(out, "attributes", event.dropped_attributes_count);
        out.push('\n');
    }
    for link in span.links.iter() {
        let linked = &link.span_context;
        push_display(
            out,
            &format_args!(
                "  link trace_id={} span_id={}",
                linked.trace_id(),
                linked.span_id()
            ),
        );
        push_attrs(out, &link.attributes);
        push_dropped(out, "attributes", link.dropped_attributes_count);
        out.push('\n');
    }
}

/// Limits made the SDK drop data; say so rather than let it vanish silently.
fn push_dropped(out: &mut String, what: &str, count: u32) {
    if count > 0 {
        push_display(out, &format_args!(" dropped_{what}={count}"));
    }
}

/// Clocks can step backwards; a negative span shows as zero rather than failing.
fn elapsed(start: SystemTime, end: SystemTime) -> Duration {
    end.duration_since(start).unwrap_or_default()
}

fn kind_name(kind: &SpanKind) -> &'static str {
    match kind {
        SpanKind::Client => "client",
        SpanKind::Server => "server",
        SpanKind::Producer => "producer",
        SpanKind::Consumer => "consumer",
        SpanKind::Internal => "internal",
    }
}
