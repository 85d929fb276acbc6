//! `OTEL_LOGS_EXPORTER=console`: one line per log record.

use std::time::Duration;

use opentelemetry::InstrumentationScope;
use opentelemetry::trace::TraceId;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter, SdkLogRecord};

use crate::format::{push_any, push_display};
use crate::titled_sink::TitledSink;
use crate::writer::SharedWriter;
use crate::writer::Sink;

/// Prints log records as compact, human-readable lines; see the [crate docs](crate)
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
/// use otel_kit_console::ConsoleLogExporter;
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
    out: TitledSink,
}

impl ConsoleLogExporter {
    /// Writes to standard output; what otel-kit-init installs for
    /// `OTEL_LOGS_EXPORTER=console`.
    ///
    /// ```
    /// use opentelemetry_sdk::logs::SdkLoggerProvider;
    /// use otel_kit_console::ConsoleLogExporter;
    ///
    /// let provider = SdkLoggerProvider::builder()
    ///     .with_simple_exporter(ConsoleLogExporter::stdout())
    ///     .build();
    /// # provider.shutdown().unwrap();
    /// ```
    #[must_use]
    pub fn stdout() -> Self {
        Self {
            out: TitledSink::new(Sink::stdout(), "log"),
        }
    }

    /// Writes to `writer`, for capturing the output or sending it somewhere else.
    /// One writer can be shared by all three console exporters.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// use otel_kit_console::ConsoleLogExporter;
    ///
    /// let captured = Arc::new(Mutex::new(Vec::<u8>::new()));
    /// let exporter = ConsoleLogExporter::new(captured.clone());
    /// # drop(exporter);
    /// ```
    #[must_use]
    pub fn new(writer: SharedWriter) -> Self {
        Self {
            out: TitledSink::new(Sink::new(writer), "log"),
        }
    }
}

impl LogExporter for ConsoleLogExporter {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        self.out.write(batch.iter().count(), |out| {
            for (record, scope) in batch.iter() {
                render_record(out, record, scope);
            }
        })
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        self.out.shutdown()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.out.set_resource(resource);
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
