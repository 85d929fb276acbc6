//! Assertions on one span: kind, status, typed attributes, events, links, parentage.

use std::fmt;

use opentelemetry::trace::{SpanKind, Status};

use super::failure::{RecordCheck, attribute_mismatch};
use super::tree;
use crate::model::{AttributeValue, ResourceInfo, ScopeInfo, SpanRecord};

/// Fluent assertions on one span. Each method checks one thing and returns the
/// assertion, so checks chain; a failure names the span, the expected and actual
/// values, and prints the span tree.
#[derive(Clone, Copy)]
pub struct SpanAssert<'a> {
    span: &'a SpanRecord,
    /// Every span of the set it came from, for the tree a failure prints.
    all: &'a [SpanRecord],
}

impl fmt::Debug for SpanAssert<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.span.fmt(f)
    }
}

impl AsRef<SpanRecord> for SpanAssert<'_> {
    fn as_ref(&self) -> &SpanRecord {
        self.span
    }
}

impl std::ops::Deref for SpanAssert<'_> {
    type Target = SpanRecord;
    fn deref(&self) -> &SpanRecord {
        self.span
    }
}

impl RecordCheck for SpanAssert<'_> {
    fn subject(&self) -> String {
        format!("span {:?}", self.span.name)
    }

    fn context(&self) -> String {
        format!("span tree:\n{}", tree::render(self.all))
    }

    fn resource(&self) -> &ResourceInfo {
        &self.span.resource
    }

    fn scope(&self) -> &ScopeInfo {
        &self.span.scope
    }
}

impl<'a> SpanAssert<'a> {
    pub(super) fn new(span: &'a SpanRecord, all: &'a [SpanRecord]) -> Self {
        SpanAssert { span, all }
    }

    /// The span under test.
    pub fn record(&self) -> &'a SpanRecord {
        self.span
    }

    /// Asserts the span kind.
    #[track_caller]
    pub fn has_kind(self, kind: SpanKind) -> Self {
        let actual = self.span.kind.clone();
        self.check(
            actual == kind,
            "kind",
            &format!("{kind:?}"),
            &format!("{actual:?}"),
        )
    }

    /// Asserts the whole status, description included.
    #[track_caller]
    pub fn has_status(self, status: Status) -> Self {
        self.check(
            self.span.status == status,
            "status",
            &format!("{status:?}"),
            &format!("{:?}", self.span.status),
        )
    }

    /// Asserts the status is `Error`, whatever its description.
    #[track_caller]
    pub fn is_error(self) -> Self {
        let ok = matches!(self.span.status, Status::Error { .. });
        self.check(ok, "status", &"Error", &format!("{:?}", self.span.status))
    }

    /// Asserts the status is `Unset` (the instrumentation did not judge the outcome).
    #[track_caller]
    pub fn has_status_unset(self) -> Self {
        self.has_status(Status::Unset)
    }

    /// Asserts the status is `Error` with this description.
    #[track_caller]
    pub fn has_error_description(self, description: &str) -> Self {
        self.has_status(Status::error(description.to_owned()))
    }

    /// Asserts an attribute's value and type (`200` does not match `"200"`).
    #[track_caller]
    pub fn has_attribute(self, key: &str, expected: impl Into<AttributeValue>) -> Self {
        let expected = expected.into();
        match (
            self.span.attribute(key),
            attribute_mismatch(self.span.attribute(key), &expected),
        ) {
            (_, None) => self,
            (Some(_), Some((want, got))) => self.check(false, &format!("attribute {key:?}"), &want, &got),
            (None, Some((want, _))) => self.check(
                false,
                &format!("attribute {key:?}"),
                &want,
                &self.attributes_text(),
            ),
        }
    }

    /// Asserts an attribute is present, whatever its value.
    #[track_caller]
    pub fn has_attribute_key(self, key: &str) -> Self {
        let ok = self.span.attribute(key).is_some();
        self.check(
            ok,
            &format!("attribute {key:?}"),
            &"present",
            &self.attributes_text(),
        )
    }

    /// Asserts an attribute is absent.
    #[track_caller]
    pub fn lacks_attribute(self, key: &str) -> Self {
        match self.span.attribute(key) {
            Some(v) => self.check(false, &format!("attribute {key:?}"), &"absent", v),
            None => self,
        }
    }

    /// Asserts the span has no attribute whose key starts with `prefix` (a namespace such
    /// as `"openai."`, or one whole key).
    ///
    /// ```
    /// use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
    /// use otel_kit_testing::TestTelemetry;
    ///
    /// let t = TestTelemetry::new();
    /// t.tracer_provider().tracer("shop").start("charge").end();
    /// t.spans().span("charge").lacks_attributes_under("shop.card.");
    /// ```
    #[track_caller]
    pub fn lacks_attributes_under(self, prefix: &str) -> Self {
        let found = super::failure::keys_under(&self.span.attributes, prefix);
        self.check(
            found.is_empty(),
            &format!("attributes under {prefix:?}"),
            &"none",
            &format!("{found:?}"),
        )
    }

    /// Asserts an attribute satisfies a predicate; `what` describes the expectation.
    #[track_caller]
    pub fn has_attribute_satisfying(
        self,
        key: &str,
        what: &str,
        pred: impl Fn(&AttributeValue) -> bool,
    ) -> Self {
        match self.span.attribute(key) {
            Some(v) => self.check(pred(v), &format!("attribute {key:?}"), &what, v),
            None => self.check(false, &format!("attribute {key:?}"), &what, &"absent"),
        }
    }

    /// Asserts a resource attribute's value and type.
    #[track_caller]
    pub fn has_resource_attribute(self, key: &str, expected: impl Into<AttributeValue>) -> Self {
        self.check_resource_attribute(key, &expected.into())
    }

    /// Asserts the instrumentation scope (tracer) name.
    #[track_caller]
    pub fn has_scope_name(self, name: &str) -> Self {
        self.check_scope_name(name)
    }

    /// Asserts the instrumentation scope version.
    #[track_caller]
    pub fn has_scope_version(self, version: &str) -> Self {
        let actual = &self.span.scope.version;
        self.check(
            actual == version,
            "instrumentation scope version",
            &version,
            actual,
        )
    }

    /// Asserts the span has an event with this name.
    #[track_caller]
    pub fn has_event(self, name: &str) -> Self {
        let names: Vec<&str> = self.span.events.iter().map(|e| e.name.as_str()).collect();
        self.check(names.contains(&name), "event", &name, &format!("{names:?}"))
    }

    /// Asserts the span has an event with this name carrying this attribute.
    #[track_caller]
    pub fn has_event_with_attribute(
        self,
        name: &str,
        key: &str,
        expected: impl Into<AttributeValue>,
    ) -> Self {
        let expected = expected.into();
        let ok = self
            .span
            .events
            .iter()
            .any(|e| e.name == name && e.attribute(key) == Some(&expected));
        let actual: Vec<String> = self
            .span
            .events
            .iter()
            .map(|e| format!("{} {:?}", e.name, e.attributes))
            .collect();
        self.check(
            ok,
            "event",
            &format!("{name} with {key} = {expected}"),
            &format!("{actual:?}"),
        )
    }

    /// Asserts the number of events.
    #[track_caller]
    pub fn has_event_count(self, expected: usize) -> Self {
        self.check(
            self.span.events.len() == expected,
            "event count",
            &expected,
            &self.span.events.len(),
        )
    }

    /// Asserts the span links to another span.
    #[track_caller]
    pub fn has_link_to(self, other: &impl AsRef<SpanRecord>) -> Self {
        let other = other.as_ref();
        self.has_link_to_ids(&other.trace_id, &other.span_id)
    }

    /// Asserts the span links to this trace and span id (for remote contexts).
    #[track_caller]
    pub fn has_link_to_ids(self, trace_id: &str, span_id: &str) -> Self {
        let ok = self
            .span
            .links
            .iter()
            .any(|l| l.trace_id == trace_id && l.span_id == span_id);
        let actual: Vec<String> = self
            .span
            .links
            .iter()
            .map(|l| format!("{}/{}", l.trace_id, l.span_id))
            .collect();
        self.check(
            ok,
            "link",
            &format!("{trace_id}/{span_id}"),
            &format!("{actual:?}"),
        )
    }

    /// Asserts the number of links.
    #[track_caller]
    pub fn has_link_count(self, expected: usize) -> Self {
        self.check(
            self.span.links.len() == expected,
            "link count",
            &expected,
            &self.span.links.len(),
        )
    }

    /// Asserts `other` is this span's parent (same trace, parent id = other's id).
    #[track_caller]
    pub fn has_parent(self, other: &impl AsRef<SpanRecord>) -> Self {
        let other = other.as_ref();
        let ok = self.span.trace_id == other.trace_id
            && self.span.parent_span_id.as_deref() == Some(other.span_id.as_str());
        self.check(
            ok,
            "parent",
            &format!(
                "{:?} (span {} in trace {})",
                other.name, other.span_id, other.trace_id
            ),
            &format!(
                "parent {:?} in trace {}",
                self.span.parent_span_id, self.span.trace_id
            ),
        )
    }

    /// Asserts the parent span id, for a parent that is not among the spans (remote).
    #[track_caller]
    pub fn has_parent_span_id(self, span_id: &str) -> Self {
        let actual = self.span.parent_span_id.as_deref();
        self.check(
            actual == Some(span_id),
            "parent span id",
            &span_id,
            &format!("{actual:?}"),
        )
    }

    /// Asserts the span is a root: it has no parent.
    #[track_caller]
    pub fn is_root(self) -> Self {
        let actual = format!("parent {:?}", self.span.parent_span_id);
        self.check(self.span.is_root(), "root", &"no parent", &actual)
    }

    /// Asserts this span is in the same trace as `other`.
    #[track_caller]
    pub fn is_in_same_trace_as(self, other: &impl AsRef<SpanRecord>) -> Self {
        let other = other.as_ref();
        self.check(
            self.span.trace_id == other.trace_id,
            "trace id",
            &other.trace_id,
            &self.span.trace_id,
        )
    }

    /// Asserts the trace id (32 hex digits).
    #[track_caller]
    pub fn has_trace_id(self, trace_id: &str) -> Self {
        self.check(
            self.span.trace_id == trace_id,
            "trace id",
            &trace_id,
            &self.span.trace_id,
        )
    }

    /// Asserts the span ended no earlier than it started and took at most `max`.
    #[track_caller]
    pub fn has_duration_at_most(self, max: std::time::Duration) -> Self {
        let d = self.span.duration();
        let ok = self.span.end_time_unix_nano >= self.span.start_time_unix_nano && d <= max;
        self.check(ok, "duration", &format!("<= {max:?}"), &format!("{d:?}"))
    }

    fn attributes_text(&self) -> String {
        let items: Vec<String> = self
            .span
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("absent; attributes are [{}]", items.join(", "))
    }
}
