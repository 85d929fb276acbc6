//! Log events: the records an instrumentation emits through the OpenTelemetry logs API
//! (an exception, a GenAI call's details), each named, with its severity and
//! attributes, in the context of the call's span.
//!
//! The logs API's `LoggerProvider` and `Logger` have associated types, so they cannot
//! be held behind one pointer as tracer providers are. [`EventLogger`] is the one
//! operation an instrumentation needs, object safe, and implemented for every
//! `Logger`; [`SharedLoggerProvider`] makes one per instrumentation scope.
//!
//! The OpenTelemetry API has no global logger provider (the logs API is for bridges),
//! so the kit keeps its own: [`set_global_logger_provider`], which
//! `otel_kit_init::init()` calls with the provider it builds. An instrumentation given
//! no logger provider (`Providers::logger_provider`) reads that global, lazily; with
//! neither, events are not emitted, as with OpenTelemetry's no-op globals.
//!
//! ```
//! use opentelemetry::logs::Severity;
//! use opentelemetry::trace::{TraceContextExt as _, Tracer as _, TracerProvider as _};
//! use opentelemetry::{Context, InstrumentationScope};
//! use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
//! use opentelemetry_sdk::trace::SdkTracerProvider;
//! use otel_kit_core::log_events::{LogEvent, ObjectSafeLoggerProvider as _};
//!
//! let exporter = InMemoryLogExporter::default();
//! let provider = SdkLoggerProvider::builder().with_simple_exporter(exporter.clone()).build();
//! let logger = provider.event_logger(InstrumentationScope::builder("demo").build());
//! let span = SdkTracerProvider::default().tracer("demo").start("work");
//! let cx = Context::new().with_span(span);
//! LogEvent::new("demo.exception", Severity::Warn)
//!     .attribute("exception.message", "it broke")
//!     .emit(&*logger, &cx);
//! let logs = exporter.get_emitted_logs().unwrap();
//! assert_eq!(logs[0].record.event_name(), Some("demo.exception"));
//! assert_eq!(
//!     logs[0].record.trace_context().map(|t| t.span_id),
//!     Some(cx.span().span_context().span_id())
//! );
//! ```

use std::sync::Arc;
use std::time::SystemTime;

use opentelemetry::logs::{AnyValue, LogRecord as _, Logger, LoggerProvider, Severity};
use opentelemetry::trace::TraceContextExt as _;
use opentelemetry::{Context, InstrumentationScope, Key};

use crate::global_slot::GlobalSlot;

/// The one operation an instrumentation needs from a logger: emit an event. Object
/// safe, and implemented for every OpenTelemetry [`Logger`].
pub trait EventLogger: Send + Sync {
    /// Whether a record of this severity and event name would be kept: build the
    /// attributes only when it would.
    fn enabled(&self, severity: Severity, name: &'static str) -> bool;

    /// Emits `event` as one log record, with the trace context of `cx`'s span.
    fn emit_event(&self, event: LogEvent, cx: &Context);
}

impl<L: Logger + Send + Sync> EventLogger for L {
    fn enabled(&self, severity: Severity, name: &'static str) -> bool {
        self.event_enabled(severity, name, Some(name))
    }

    fn emit_event(&self, event: LogEvent, cx: &Context) {
        let mut record = self.create_log_record();
        record.set_event_name(event.name);
        record.set_severity_number(event.severity);
        record.set_severity_text(event.severity.name());
        let now = SystemTime::now();
        record.set_timestamp(now);
        record.set_observed_timestamp(now);
        if let Some(body) = event.body {
            record.set_body(body);
        }
        record.add_attributes(event.attributes);
        let span = cx.span();
        let sc = span.span_context();
        if sc.is_valid() {
            record.set_trace_context(sc.trace_id(), sc.span_id(), Some(sc.trace_flags()));
        }
        self.emit(record);
    }
}

/// A logger of any type, behind one pointer.
pub type SharedLogger = Arc<dyn EventLogger>;

/// A logger provider of any type, as [`Providers`](crate::Providers) holds it: it
/// makes one [`SharedLogger`] per instrumentation scope. Implemented for every
/// OpenTelemetry [`LoggerProvider`] whose loggers can be shared between threads.
pub trait ObjectSafeLoggerProvider: Send + Sync {
    /// A logger of `scope`.
    fn event_logger(&self, scope: InstrumentationScope) -> SharedLogger;
}

impl<P> ObjectSafeLoggerProvider for P
where
    P: LoggerProvider + Send + Sync,
    P::Logger: Send + Sync + 'static,
{
    fn event_logger(&self, scope: InstrumentationScope) -> SharedLogger {
        Arc::new(self.logger_with_scope(scope))
    }
}

/// A logger provider of any type, behind one pointer.
pub type SharedLoggerProvider = Arc<dyn ObjectSafeLoggerProvider>;

/// One event to emit: its name, severity, attributes and optional body.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEvent {
    name: &'static str,
    severity: Severity,
    body: Option<AnyValue>,
    attributes: Vec<(Key, AnyValue)>,
}

impl LogEvent {
    /// An event named `name` (a registered event name, low-cardinality).
    pub fn new(name: &'static str, severity: Severity) -> Self {
        Self {
            name,
            severity,
            body: None,
            attributes: Vec::new(),
        }
    }

    /// Adds an attribute; a structured value (`AnyValue::Map`, `AnyValue::ListAny`)
    /// stays structured.
    #[must_use]
    pub fn attribute(mut self, key: impl Into<Key>, value: impl Into<AnyValue>) -> Self {
        self.attributes.push((key.into(), value.into()));
        self
    }

    /// Adds `value` under `key` when there is one.
    #[must_use]
    pub fn attribute_opt(self, key: impl Into<Key>, value: Option<impl Into<AnyValue>>) -> Self {
        match value {
            Some(value) => self.attribute(key, value),
            None => self,
        }
    }

    /// Sets the record's body.
    #[must_use]
    pub fn body(mut self, body: impl Into<AnyValue>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// The event's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Emits it through `logger`, in `cx`'s span, when the logger keeps events of its
    /// name and severity.
    pub fn emit(self, logger: &dyn EventLogger, cx: &Context) {
        if logger.enabled(self.severity, self.name) {
            logger.emit_event(self, cx);
        }
    }
}

static GLOBAL: GlobalSlot<dyn ObjectSafeLoggerProvider> = GlobalSlot::new();

/// Makes `provider` the logger provider of every instrumentation given none: the kit's
/// global, since the OpenTelemetry API has none for loggers. `otel_kit_init::init()`
/// sets it; the instrumentations read it again at their next request.
///
/// ```
/// use opentelemetry_sdk::logs::SdkLoggerProvider;
///
/// otel_kit_core::log_events::set_global_logger_provider(SdkLoggerProvider::builder().build());
/// assert!(otel_kit_core::log_events::global_logger_provider().is_some());
/// ```
pub fn set_global_logger_provider<P>(provider: P)
where
    P: LoggerProvider + Send + Sync + 'static,
    P::Logger: Send + Sync + 'static,
{
    GLOBAL.set(Some(Arc::new(provider)));
}

/// The global logger provider, if one was set.
pub fn global_logger_provider() -> Option<SharedLoggerProvider> {
    GLOBAL.get()
}

#[cfg(test)]
mod tests {
    use opentelemetry::Context;
    use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};

    use super::*;

    #[test]
    fn an_event_keeps_its_name_severity_and_structured_attributes() {
        let exporter = InMemoryLogExporter::default();
        let provider = SdkLoggerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let logger = provider.event_logger(InstrumentationScope::builder("t").build());
        let parts = AnyValue::ListAny(Box::new(vec![AnyValue::from("hello")]));
        LogEvent::new("t.details", Severity::Info)
            .attribute("t.parts", parts.clone())
            .attribute_opt("t.absent", None::<i64>)
            .emit(&*logger, &Context::new());
        let logs = exporter.get_emitted_logs().expect("logs");
        assert_eq!(logs.len(), 1);
        let record = &logs[0].record;
        assert_eq!(record.event_name(), Some("t.details"));
        assert_eq!(record.severity_number(), Some(Severity::Info));
        assert_eq!(record.severity_text(), Some("INFO"));
        let attributes: Vec<_> = record.attributes_iter().cloned().collect();
        assert_eq!(attributes, [(Key::new("t.parts"), parts)]);
        assert!(record.trace_context().is_none(), "no span, no trace context");
    }
}
