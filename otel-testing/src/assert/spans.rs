//! Span assertions: find a span, check everything about it, check whole trees.

use std::fmt;

use super::failure::fail;
use super::span::SpanAssert;
use super::tree;
use crate::model::SpanRecord;

/// A set of finished spans, with lookups that fail with the whole span tree in the message.
///
/// ```
/// use opentelemetry::trace::{SpanKind, Tracer, TracerProvider as _};
/// use otel_kit_testing::TestTelemetry;
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
            (Some(span), None) => SpanAssert::new(span, &self.spans),
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
            .map(|span| SpanAssert::new(span, &self.spans))
            .collect()
    }

    /// The one span matching a predicate; `what` describes it in the failure message.
    #[track_caller]
    pub fn span_where(&self, what: &str, predicate: impl Fn(&SpanRecord) -> bool) -> SpanAssert<'_> {
        let found: Vec<&SpanRecord> = self.spans.iter().filter(|s| predicate(s)).collect();
        match found.as_slice() {
            [span] => SpanAssert::new(span, &self.spans),
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

    /// The spans as failure messages print them: `span tree:`, then a waterfall per
    /// trace ([`Waterfall`](otel_kit_console::Waterfall): names indented under their
    /// parents, kind, status, timings, a bar, key attributes and error descriptions).
    pub fn tree(&self) -> String {
        format!("span tree:\n{}", tree::render(&self.spans))
    }

    /// The spans as a waterfall per trace, without the `span tree:` line.
    ///
    /// ```
    /// use opentelemetry::trace::{Tracer as _, TracerProvider as _};
    /// use otel_kit_testing::TestTelemetry;
    ///
    /// let t = TestTelemetry::new();
    /// let tracer = t.tracer("demo");
    /// tracer.in_span("parent", |_| tracer.in_span("child", |_| {}));
    /// let text = t.spans().waterfall();
    /// assert!(text.lines().nth(2).unwrap().starts_with("parent "));
    /// assert!(text.lines().nth(3).unwrap().starts_with("  child "));
    /// ```
    pub fn waterfall(&self) -> String {
        tree::render(&self.spans)
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
