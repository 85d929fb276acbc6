//! Log record assertions: severity, body, attributes and trace correlation.

use std::fmt::{self, Write};

use opentelemetry::logs::Severity;

use super::failure::{RecordCheck, attribute_mismatch, fail};
use crate::model::{AttributeValue, LogRecord, ResourceInfo, ScopeInfo, SpanRecord};

/// A set of exported log records.
///
/// ```
/// use otel_kit_testing::TestTelemetry;
/// use opentelemetry::logs::Severity;
///
/// let t = TestTelemetry::new();
/// t.in_scope(|| {
///     let span = tracing::info_span!("checkout");
///     span.in_scope(|| tracing::warn!(order_id = 42, "card declined"));
/// });
/// let spans = t.spans();
/// t.logs()
///     .record("card declined")
///     .has_severity(Severity::Warn)
///     .has_attribute("order_id", 42)
///     .is_in_span(&spans.span("checkout"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Logs {
    records: Vec<LogRecord>,
}

impl Logs {
    /// Wraps a list of records.
    pub fn new(records: Vec<LogRecord>) -> Self {
        Logs { records }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The records in emission order.
    pub fn as_slice(&self) -> &[LogRecord] {
        &self.records
    }

    /// The one record whose body is this string; fails listing the records.
    #[track_caller]
    pub fn record(&self, body: &str) -> LogAssert<'_> {
        self.record_where(&format!("with body {body:?}"), |r| r.body_str() == Some(body))
    }

    /// The one record of the event named `name` (an exception, a GenAI call's
    /// details); fails listing the records.
    ///
    /// ```
    /// use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _, Severity};
    ///
    /// let t = otel_kit_testing::TestTelemetry::new();
    /// let logger = t.logger_provider().logger("demo");
    /// let mut record = logger.create_log_record();
    /// record.set_event_name("demo.exception");
    /// record.set_severity_number(Severity::Warn);
    /// logger.emit(record);
    /// t.logs().event("demo.exception").has_severity(Severity::Warn);
    /// ```
    #[track_caller]
    pub fn event(&self, name: &str) -> LogAssert<'_> {
        self.record_where(&format!("of event {name:?}"), |r| r.event_name == name)
    }

    /// The one record matching a predicate; `what` describes it in the failure message.
    #[track_caller]
    pub fn record_where(&self, what: &str, predicate: impl Fn(&LogRecord) -> bool) -> LogAssert<'_> {
        let found: Vec<&LogRecord> = self.records.iter().filter(|r| predicate(r)).collect();
        match found.as_slice() {
            [record] => LogAssert { record, all: self },
            other => fail(
                &format!("expected exactly one log record {what}"),
                &1,
                &other.len(),
                &self.listing(),
            ),
        }
    }

    /// Asserts how many records there are.
    #[track_caller]
    pub fn assert_count(&self, expected: usize) -> &Self {
        if self.len() != expected {
            fail(
                "wrong number of log records",
                &expected,
                &self.len(),
                &self.listing(),
            );
        }
        self
    }

    /// The records as printed in failure messages.
    pub fn listing(&self) -> String {
        let mut out = String::from("log records:\n");
        if self.records.is_empty() {
            out.push_str("  (no log records)\n");
        }
        for r in &self.records {
            let _ = writeln!(
                out,
                "  [{}] {} trace={} span={} {:?}",
                r.severity_text,
                r.body,
                r.trace_id.as_deref().unwrap_or("-"),
                r.span_id.as_deref().unwrap_or("-"),
                r.attributes
            );
        }
        out
    }
}

/// Assertions on one log record.
#[derive(Clone, Copy)]
pub struct LogAssert<'a> {
    record: &'a LogRecord,
    all: &'a Logs,
}

impl fmt::Debug for LogAssert<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.record.fmt(f)
    }
}

impl RecordCheck for LogAssert<'_> {
    fn subject(&self) -> String {
        format!("log record {}", self.record.body)
    }

    fn context(&self) -> String {
        self.all.listing()
    }

    fn resource(&self) -> &ResourceInfo {
        &self.record.resource
    }

    fn scope(&self) -> &ScopeInfo {
        &self.record.scope
    }
}

impl<'a> LogAssert<'a> {
    /// The record under test.
    pub fn record(&self) -> &'a LogRecord {
        self.record
    }

    /// Asserts the severity number.
    #[track_caller]
    pub fn has_severity(self, severity: Severity) -> Self {
        let actual = self.record.severity();
        self.check(
            actual == Some(severity),
            "severity",
            &format!("{severity:?}"),
            &format!("{actual:?}"),
        )
    }

    /// Asserts the body and its type.
    #[track_caller]
    pub fn has_body(self, expected: impl Into<AttributeValue>) -> Self {
        let expected = expected.into();
        self.check(self.record.body == expected, "body", &expected, &self.record.body)
    }

    /// Asserts an attribute's value and type.
    #[track_caller]
    pub fn has_attribute(self, key: &str, expected: impl Into<AttributeValue>) -> Self {
        match attribute_mismatch(self.record.attribute(key), &expected.into()) {
            None => self,
            Some((want, got)) => self.check(false, &format!("attribute {key:?}"), &want, &got),
        }
    }

    /// Asserts an attribute is absent.
    #[track_caller]
    pub fn lacks_attribute(self, key: &str) -> Self {
        let actual = self.record.attribute(key);
        self.check(
            actual.is_none(),
            &format!("attribute {key:?}"),
            &"absent",
            &format!("{actual:?}"),
        )
    }

    /// Asserts the record carries the trace and span id of `span`.
    #[track_caller]
    pub fn is_in_span(self, span: &impl AsRef<SpanRecord>) -> Self {
        let span = span.as_ref();
        let ok = self.record.trace_id.as_deref() == Some(span.trace_id.as_str())
            && self.record.span_id.as_deref() == Some(span.span_id.as_str());
        self.check(
            ok,
            "trace correlation",
            &format!("trace={} span={} ({:?})", span.trace_id, span.span_id, span.name),
            &format!("trace={:?} span={:?}", self.record.trace_id, self.record.span_id),
        )
    }

    /// Asserts the record has no trace context (emitted outside any span).
    #[track_caller]
    pub fn has_no_trace_context(self) -> Self {
        let ok = self.record.trace_id.is_none() && self.record.span_id.is_none();
        self.check(
            ok,
            "trace correlation",
            &"none",
            &format!("trace={:?} span={:?}", self.record.trace_id, self.record.span_id),
        )
    }

    /// Asserts a resource attribute's value and type.
    #[track_caller]
    pub fn has_resource_attribute(self, key: &str, expected: impl Into<AttributeValue>) -> Self {
        self.check_resource_attribute(key, &expected.into())
    }

    /// Asserts the instrumentation scope name (the `tracing` target for bridged events).
    #[track_caller]
    pub fn has_scope_name(self, name: &str) -> Self {
        self.check_scope_name(name)
    }
}
