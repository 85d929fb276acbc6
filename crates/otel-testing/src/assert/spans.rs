//! Span assertions: find a span, check everything about it, check whole trees.

use std::fmt;

use opentelemetry::trace::{SpanKind, Status};

use super::{fail, tree};
use crate::model::{AttributeValue, SpanRecord};

/// A set of finished spans, with lookups that fail with the whole span tree in the message.
///
/// ```
/// use opentelemetry::trace::{SpanKind, Tracer, TracerProvider as _};
/// use otel_testing::TestTelemetry;
///
/// let t = TestTelemetry::new();
/// let tracer = t.tracer("demo");
/// tracer.in_span("parent", |_| tracer.in_span("child", |_| {}));
///
/// let spans = t.spans();
/// spans.assert_tree("
///     parent
///       child
/// ");
/// spans.span("child").has_kind(SpanKind::Internal).has_parent(&spans.span("parent"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Spans {
    spans: Vec<SpanRecord>,
}

impl Spans {
    /// Wraps a list of spans.
    pub fn new(spans: Vec<SpanRecord>) -> Self {
        Spans { spans }
    }

    /// Number of spans.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there are no spans.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The spans in the order they ended.
    pub fn iter(&self) -> std::slice::Iter<'_, SpanRecord> {
        self.spans.iter()
    }

    /// The spans as a slice.
    pub fn as_slice(&self) -> &[SpanRecord] {
        &self.spans
    }

    /// The span names, in the order the spans ended.
    pub fn names(&self) -> Vec<&str> {
        self.spans.iter().map(|s| s.name.as_str()).collect()
    }

    /// The first span with this name, if any.
    pub fn find(&self, name: &str) -> Option<&SpanRecord> {
        self.spans.iter().find(|s| s.name == name)
    }

    /// The one span with this name; fails listing the spans that exist when there is
    /// none, or when the name is ambiguous (use [`Spans::named`] then).
    #[track_caller]
    pub fn span(&self, name: &str) -> SpanAssert<'_> {
        let mut matches = self.spans.iter().filter(|s| s.name == name);
        match (matches.next(), matches.next()) {
            (Some(span), None) => SpanAssert { span, all: self },
            (None, _) => fail(
                &format!("no span named {name:?}"),
                &format!("a span named {name:?}"),
                &format!("{} spans: {:?}", self.len(), self.names()),
                &self.tree(),
            ),
            (Some(_), Some(_)) => fail(
                &format!("more than one span named {name:?}; use `named()` to assert each"),
                &"exactly one",
                &self.spans.iter().filter(|s| s.name == name).count(),
                &self.tree(),
            ),
        }
    }

    /// Every span with this name, in the order they ended.
    pub fn named(&self, name: &str) -> Vec<SpanAssert<'_>> {
        self.spans
            .iter()
            .filter(|s| s.name == name)
            .map(|span| SpanAssert { span, all: self })
            .collect()
    }

    /// The one span matching a predicate; `what` describes it in the failure message.
    #[track_caller]
    pub fn span_where(&self, what: &str, predicate: impl Fn(&SpanRecord) -> bool) -> SpanAssert<'_> {
        let found: Vec<&SpanRecord> = self.spans.iter().filter(|s| predicate(s)).collect();
        match found.as_slice() {
            [span] => SpanAssert { span, all: self },
            other => fail(
                &format!("expected exactly one span {what}"),
                &1,
                &other.len(),
                &self.tree(),
            ),
        }
    }

    /// Asserts how many spans there are.
    #[track_caller]
    pub fn assert_count(&self, expected: usize) -> &Self {
        if self.len() != expected {
            fail("wrong number of spans", &expected, &self.len(), &self.tree());
        }
        self
    }

    /// Asserts that every span belongs to one trace.
    #[track_caller]
    pub fn assert_single_trace(&self) -> &Self {
        let ids = self.trace_ids();
        if ids.len() != 1 {
            fail(
                "spans are not all in one trace",
                &"1 trace",
                &format!("{} traces", ids.len()),
                &self.tree(),
            );
        }
        self
    }

    /// Asserts the shape of the span forest: an indented outline of span names, one
    /// span a line, children indented under their parent. Sibling order does not matter
    /// (spans end in any order); every span must appear, and nothing else.
    #[track_caller]
    pub fn assert_tree(&self, expected: &str) -> &Self {
        let want = match tree::parse_shape(expected) {
            Ok(want) => want,
            Err(e) => panic!("assert_tree: the expected outline is malformed: {e}"),
        };
        let got = tree::actual_shape(&self.spans);
        if want != got {
            fail(
                "span tree does not have the expected shape",
                &format!("\n{}", tree::render_shape(&want)),
                &format!("\n{}", tree::render_shape(&got)),
                &self.tree(),
            );
        }
        self
    }

    /// The distinct trace ids, in order of first appearance.
    pub fn trace_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for s in &self.spans {
            if !ids.contains(&s.trace_id.as_str()) {
                ids.push(&s.trace_id);
            }
        }
        ids
    }

    /// The spans of one trace.
    pub fn in_trace(&self, trace_id: &str) -> Spans {
        Spans::new(
            self.spans
                .iter()
                .filter(|s| s.trace_id == trace_id)
                .cloned()
                .collect(),
        )
    }

    /// The span tree as printed in failure messages.
    pub fn tree(&self) -> String {
        format!("span tree:\n{}", tree::render(&self.spans))
    }

    /// The spans, consumed.
    pub fn into_vec(self) -> Vec<SpanRecord> {
        self.spans
    }
}

impl fmt::Display for Spans {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.tree())
    }
}

impl<'a> IntoIterator for &'a Spans {
    type Item = &'a SpanRecord;
    type IntoIter = std::slice::Iter<'a, SpanRecord>;
    fn into_iter(self) -> Self::IntoIter {
        self.spans.iter()
    }
}

/// Fluent assertions on one span. Each method checks one thing and returns the
/// assertion, so checks chain; a failure names the span, the expected and actual
/// values, and prints the span tree.
#[derive(Clone, Copy)]
pub struct SpanAssert<'a> {
    span: &'a SpanRecord,
    all: &'a Spans,
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

impl<'a> SpanAssert<'a> {
    /// The span under test.
    pub fn record(&self) -> &'a SpanRecord {
        self.span
    }

    #[track_caller]
    fn check(self, ok: bool, what: &str, expected: &dyn fmt::Display, actual: &dyn fmt::Display) -> Self {
        if !ok {
            fail(
                &format!("span {:?}: {what}", self.span.name),
                expected,
                actual,
                &self.all.tree(),
            );
        }
        self
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
        match self.span.attribute(key) {
            Some(actual) => self.check(
                *actual == expected,
                &format!("attribute {key:?}"),
                &format!("{expected} ({})", expected.type_name()),
                &format!("{actual} ({})", actual.type_name()),
            ),
            None => self.check(
                false,
                &format!("attribute {key:?}"),
                &expected,
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
        let expected = expected.into();
        let actual = self.span.resource_attribute(key);
        self.check(
            actual == Some(&expected),
            &format!("resource attribute {key:?}"),
            &expected,
            &actual.map_or("absent".to_owned(), ToString::to_string),
        )
    }

    /// Asserts the instrumentation scope (tracer) name.
    #[track_caller]
    pub fn has_scope_name(self, name: &str) -> Self {
        self.check(
            self.span.scope.name == name,
            "instrumentation scope",
            &name,
            &self.span.scope.name,
        )
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
        let ok = self
            .span
            .links
            .iter()
            .any(|l| l.trace_id == other.trace_id && l.span_id == other.span_id);
        let actual: Vec<String> = self
            .span
            .links
            .iter()
            .map(|l| format!("{}/{}", l.trace_id, l.span_id))
            .collect();
        self.check(
            ok,
            "link",
            &format!("{}/{} ({:?})", other.trace_id, other.span_id, other.name),
            &format!("{actual:?}"),
        )
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
