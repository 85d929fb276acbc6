//! [`DeclaredEventNames`]: a logger provider for the `tracing` log bridge that keeps a
//! log record's event name only when the code declared one, and gives each record the
//! timestamp the bridge leaves unset.
//!
//! opentelemetry-appender-tracing (0.33) sets every record's `EventName` to the
//! `tracing` event's metadata name. Unless the macro call names the event
//! (`tracing::info!(name: "order.placed", ...)`), that name is tracing's default,
//! `event <file>:<line>`: over OTLP every plain log line would then be an event, named
//! after a source line (unbounded, and no registered event). The log data model says
//! only events carry a name, and it identifies the class of event. So a default name is
//! dropped here, and a declared one is kept.
//!
//! `tracing`'s default names look like `event src/orders.rs:42`; a declared name that
//! happens to start with `event ` but does not end in `:<line>` is kept.
//!
//! Records of the `log` crate, bridged by tracing-log, all share the name `log event` and
//! the target `log`, with the record's own target, module, file and line as fields: the
//! name is dropped, the record's target becomes the log record's, and the location
//! fields are left out, so a `log` record is exported as a `tracing` one is.
//!
//! ```
//! use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _};
//! use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
//! use otel_kit_core::__private::DeclaredEventNames;
//!
//! let exporter = InMemoryLogExporter::default();
//! let provider = SdkLoggerProvider::builder().with_simple_exporter(exporter.clone()).build();
//! // What the `tracing` bridge is given instead of the provider itself.
//! let logger = DeclaredEventNames(provider.clone()).logger("");
//! for name in ["event src/orders.rs:42", "order.placed"] {
//!     let mut record = logger.create_log_record();
//!     record.set_event_name(name); // as the bridge does for every `tracing` event
//!     logger.emit(record);
//! }
//! let logs = exporter.get_emitted_logs().unwrap();
//! assert_eq!(logs[0].record.event_name(), None); // a plain `tracing::info!("...")`
//! assert_eq!(logs[1].record.event_name(), Some("order.placed")); // `name: "order.placed"`
//! ```

use std::borrow::Cow;
use std::time::SystemTime;

use opentelemetry::logs::{AnyValue, LogRecord, Logger, LoggerProvider, Severity};
use opentelemetry::{InstrumentationScope, Key, SpanId, TraceFlags, TraceId};

/// A logger provider over `P` (`DeclaredEventNames(provider.clone())`) whose loggers
/// drop the default `tracing` event names (`event <file>:<line>`, which would make every
/// plain log line an event named after a source line), for the `tracing` log bridge (otel-kit-init's subscriber and otel-kit-testing's harness
/// wrap theirs in one). The loggers and records it makes are `DeclaredEventNames` too.
#[derive(Debug, Clone)]
pub struct DeclaredEventNames<P>(pub P);

/// The name tracing-log gives every record of the `log` crate it bridges, whose
/// metadata are static: target `log`, and the record's own target, module, file and
/// line as the fields below.
const LOG_CRATE_EVENT: &str = "log event";

/// The field that carries a bridged `log` record's own target.
const LOG_CRATE_TARGET: &str = "log.target";

/// The fields of a bridged `log` record that repeat its metadata: as attributes they
/// are not semantic conventions, and a `tracing` event's location is not exported
/// either.
const LOG_CRATE_LOCATION: [&str; 3] = ["log.module_path", "log.file", "log.line"];

/// False for the name `tracing` gives an event the code did not name:
/// `event <file>:<line>`, and tracing-log's name for every `log` record.
fn is_declared(name: &str) -> bool {
    if name == LOG_CRATE_EVENT {
        return false;
    }
    let Some(location) = name.as_bytes().strip_prefix(b"event ") else {
        return true;
    };
    // `<file>:<line>`: the line is the run of digits at the end, the file what is left
    // before its `:`. Bytes, not `rsplit_once`: this runs for every bridged event.
    let line = location.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let colon = location.len() - line;
    !(line > 0 && colon >= 2 && location[colon - 1] == b':')
}

impl<P: LoggerProvider> LoggerProvider for DeclaredEventNames<P> {
    type Logger = DeclaredEventNames<P::Logger>;

    fn logger_with_scope(&self, scope: InstrumentationScope) -> Self::Logger {
        DeclaredEventNames(self.0.logger_with_scope(scope))
    }
}

impl<L: Logger> Logger for DeclaredEventNames<L> {
    type LogRecord = DeclaredEventNames<L::LogRecord>;

    fn create_log_record(&self) -> Self::LogRecord {
        // The `tracing` bridge sets no timestamp, only the SDK the observed one: the
        // event happens as its record is made, so both are now (one clock read, which
        // spares the SDK its own; a later `set_timestamp` wins).
        let mut record = self.0.create_log_record();
        let now = SystemTime::now();
        record.set_timestamp(now);
        record.set_observed_timestamp(now);
        DeclaredEventNames(record)
    }

    fn emit(&self, record: Self::LogRecord) {
        self.0.emit(record.0);
    }

    fn event_enabled(&self, level: Severity, target: &str, name: Option<&str>) -> bool {
        let name = name.filter(|name| is_declared(name));
        self.0.event_enabled(level, target, name)
    }
}

impl<R: LogRecord> LogRecord for DeclaredEventNames<R> {
    fn set_event_name(&mut self, name: &'static str) {
        if is_declared(name) {
            self.0.set_event_name(name);
        }
    }

    fn set_target<T>(&mut self, target: T)
    where
        T: Into<Cow<'static, str>>,
    {
        self.0.set_target(target);
    }

    fn set_timestamp(&mut self, timestamp: SystemTime) {
        self.0.set_timestamp(timestamp);
    }

    fn set_observed_timestamp(&mut self, timestamp: SystemTime) {
        self.0.set_observed_timestamp(timestamp);
    }

    fn set_severity_text(&mut self, text: &'static str) {
        self.0.set_severity_text(text);
    }

    fn set_severity_number(&mut self, number: Severity) {
        self.0.set_severity_number(number);
    }

    fn set_body(&mut self, body: AnyValue) {
        self.0.set_body(body);
    }

    fn add_attributes<I, K, V>(&mut self, attributes: I)
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<Key>,
        V: Into<AnyValue>,
    {
        for (key, value) in attributes {
            self.add_attribute(key, value);
        }
    }

    fn add_attribute<K, V>(&mut self, key: K, value: V)
    where
        K: Into<Key>,
        V: Into<AnyValue>,
    {
        // A record of the `log` crate: its own target replaces tracing-log's `log`,
        // and its location fields are dropped.
        let key = key.into();
        if key.as_str() == LOG_CRATE_TARGET {
            if let AnyValue::String(target) = value.into() {
                self.0.set_target(target.to_string());
            }
            return;
        }
        if LOG_CRATE_LOCATION.contains(&key.as_str()) {
            return;
        }
        self.0.add_attribute(key, value);
    }

    fn set_trace_context(&mut self, trace_id: TraceId, span_id: SpanId, trace_flags: Option<TraceFlags>) {
        self.0.set_trace_context(trace_id, span_id, trace_flags);
    }
}

#[cfg(test)]
mod tests {
    use super::is_declared;

    #[test]
    fn the_name_of_bridged_log_records_is_not_declared() {
        assert!(!is_declared("log event"));
        assert!(is_declared("log.event"));
    }

    #[test]
    fn tracing_default_names_are_not_declared() {
        assert!(!is_declared(concat!("event ", file!(), ":", line!())));
        assert!(!is_declared("event src/main.rs:1"));
        assert!(!is_declared("event C:\\app\\src\\main.rs:12"));
    }

    #[test]
    fn names_the_code_gives_are_declared() {
        for name in [
            "gen_ai.client.inference.operation.details",
            "order.placed",
            "event stream closed",
            "event ",
            "event :12",
            "event src/main.rs:",
            "event src/main.rs:12a",
            "",
        ] {
            assert!(is_declared(name), "{name:?}");
        }
    }
}
