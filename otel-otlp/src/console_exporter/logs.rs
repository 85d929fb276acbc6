//! `OTEL_LOGS_EXPORTER=console`: one line per log record.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use opentelemetry::InstrumentationScope;
use opentelemetry::trace::TraceId;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter, SdkLogRecord};

use super::SharedWriter;
use super::format::{push_any, push_display, push_header, service_name};
use super::writer::Sink;
use crate::signal::Signal;

/// Prints log records as compact, human-readable lines; see the [module docs](super)
/// for the format.
///
/// Meant for a [simple log processor](opentelemetry_sdk::logs::SimpleLogProcessor).
/// Exports after [`shutdown`](LogExporter::shutdown) fail with `AlreadyShutdown` and
/// print nothing.
///
/// ```
/// use std::sync::{Arc, Mutex};
///
/// use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _, Severity};
/// use opentelemetry_sdk::logs::SdkLoggerProvider;
/// use otel_kit_otlp::console_exporter::ConsoleLogExporter;
///
/// let out = Arc::new(Mutex::new(Vec::<u8>::new()));
/// let provider = SdkLoggerProvider::builder()
///     .with_simple_exporter(ConsoleLogExporter::new(out.clone()))
///     .build();
/// let logger = provider.logger("billing");
/// let mut record = logger.create_log_record();
/// record.set_severity_number(Severity::Warn);
/// record.set_body("card declined".into());
/// record.add_attribute("attempt", 2);
/// logger.emit(record);
///
/// let text = String::from_utf8(out.lock().unwrap().clone()).unwrap();
/// assert_eq!(text.lines().nth(1), Some(r#"log WARN billing "card declined" attempt=2"#));
/// ```
#[derive(Debug)]
pub struct ConsoleLogExporter {
    sink: Sink,
    service: String,
    header_shown: AtomicBool,
}

impl ConsoleLogExporter {
    /// Writes to standard output; what otel-kit-init installs for
    /// `OTEL_LOGS_EXPORTER=console`.
    ///
    /// ```
    /// use opentelemetry_sdk::logs::SdkLoggerProvider;
    /// use otel_kit_otlp::console_exporter::ConsoleLogExporter;
    ///
    /// let provider = SdkLoggerProvider::builder()
    ///     .with_simple_exporter(ConsoleLogExporter::stdout())
    ///     .build();
    /// # provider.shutdown().unwrap();
    /// ```
    #[must_use]
    pub fn stdout() -> Self {
        Self::with_sink(Sink::stdout())
    }

    /// Writes to `writer`, for capturing the output or sending it somewhere else.
    /// One writer can be shared by all three console exporters.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// use otel_kit_otlp::console_exporter::ConsoleLogExporter;
    ///
    /// let captured = Arc::new(Mutex::new(Vec::<u8>::new()));
    /// let exporter = ConsoleLogExporter::new(captured.clone());
    /// # drop(exporter);
    /// ```
    #[must_use]
    pub fn new(writer: SharedWriter) -> Self {
        Self::with_sink(Sink::new(writer))
    }

    fn with_sink(sink: Sink) -> Self {
        Self {
            sink,
            service: service_name(None),
            header_shown: AtomicBool::new(false),
        }
    }

    fn render(&self, batch: &LogBatch<'_>) -> String {
        let mut body = String::new();
        let mut count = 0;
        for (record, scope) in batch.iter() {
            render_record(&mut body, record, scope);
            count += 1;
        }
        if count == 0 {
            return body;
        }
        // Same rule as spans: a simple processor sends one record per export, and a
        // header before every line would double the output.
        let mut out = String::new();
        let first = !self.header_shown.swap(true, Ordering::Relaxed);
        if first || count > 1 {
            push_header(&mut out, &self.service, count, Signal::Logs);
            out.push('\n');
        }
        out.push_str(&body);
        out
    }
}

impl LogExporter for ConsoleLogExporter {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        self.sink.ensure_open()?;
        self.sink.write(&self.render(&batch))
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        self.sink.shutdown()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.service = service_name(Some(resource));
    }
}

fn render_record(out: &mut String, record: &SdkLogRecord, scope: &InstrumentationScope) {
    out.push_str("log ");
    let severity = record
        .severity_number()
        .map(|s| s.name())
        .or(record.severity_text())
        .unwrap_or("-");
    out.push_str(severity);
    out.push(' ');
    // `tracing` records carry their module path as target, which says more than the
    // appender's scope name; records from a `Logger` directly have only the scope.
    let origin = record.target().map_or(scope.name(), |t| t.as_ref());
    out.push_str(if origin.is_empty() { "-" } else { origin });
    out.push(' ');
    match record.body() {
        Some(body) => push_any(out, body),
        None => out.push('-'),
    }
    // `tracing` names every event `event <file>:<line>`: a placeholder, not a name.
    if let Some(name) = record.event_name()
        && !name.starts_with("event ")
    {
        push_display(out, &format_args!(" event={name}"));
    }
    if let Some(ctx) = record.trace_context()
        && ctx.trace_id != TraceId::INVALID
    {
        push_display(
            out,
            &format_args!(" trace_id={} span_id={}", ctx.trace_id, ctx.span_id),
        );
    }
    for (key, value) in record.attributes_iter() {
        out.push(' ');
        out.push_str(key.as_str());
        out.push('=');
        push_any(out, value);
    }
    out.push('\n');
}
