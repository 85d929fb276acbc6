//! Span-tree waterfalls of one trace, in the manner of Jaeger's trace view.

use std::collections::{HashMap, HashSet};

use otel_kit::opentelemetry::trace::Status;
use otel_kit::testing::{SpanRecord, Waterfall};

use super::text::{format_ms, nanos_to_ms};

/// The demo's own attribute shown under its spans, after the standard key attributes:
/// whether the inventory lookup was answered by the Redis cache.
const CACHE_HIT: &str = "shop.cache.hit";

/// Picks the trace with the longest root span and one trace that has an error span (the
/// first by time), prints both waterfalls.
///
/// The failed trace is the earliest-starting trace with an ERROR span other than the
/// slowest one; when the slowest trace is the only failed one it is printed once and
/// said to be both. A root here is a span without a parent or whose parent was not
/// received.
pub fn waterfalls(spans: &[SpanRecord]) -> String {
    let mut traces: Vec<TraceSummary<'_>> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for span in spans {
        let i = *index.entry(span.trace_id.as_str()).or_insert_with(|| {
            traces.push(TraceSummary {
                id: &span.trace_id,
                spans: Vec::new(),
            });
            traces.len() - 1
        });
        traces[i].spans.push(span);
    }
    let Some(slowest) = traces
        .iter()
        .min_by_key(|t| (std::cmp::Reverse(t.root_duration()), t.start()))
    else {
        return "No spans received.\n".to_owned();
    };
    let mut out = format!(
        "Slowest trace (longest root span: {} ms)\n",
        format_ms(nanos_to_ms(slowest.root_duration()))
    );
    out.push_str(&waterfall(spans, slowest.id));
    let failed = traces
        .iter()
        .filter(|t| t.id != slowest.id && t.has_error())
        .min_by_key(|t| t.start());
    match failed {
        Some(failed) => {
            out.push_str("\nFirst failed trace\n");
            out.push_str(&waterfall(spans, failed.id));
        }
        None if slowest.has_error() => out.push_str("\n(The slowest trace is the only failed one.)\n"),
        None => out.push_str("\nNo trace has an ERROR span.\n"),
    }
    out
}

/// Renders one trace's waterfall (all spans with this trace id, each span id once)
/// with otel-kit-console's [`Waterfall`], the renderer the console exporter and
/// otel-kit-testing's failures use too: a header with the trace id and totals, then one
/// line per span in tree order (children below their parent, sorted by start time):
/// indented name, service, kind, status, start offset from the trace's first span and
/// duration in ms, and a bar placed on a 40-column axis spanning the whole trace. Under
/// each span a line of key attributes (and the demo's `shop.cache.hit`), the status
/// description of an ERROR span, and for a span whose parent was not received, that
/// parent's id (the span is drawn as a root).
pub fn waterfall(spans: &[SpanRecord], trace_id: &str) -> String {
    let mut seen = HashSet::new();
    let spans: Vec<_> = spans
        .iter()
        .filter(|s| s.trace_id == trace_id && seen.insert(s.span_id.as_str()))
        .map(SpanRecord::waterfall_span)
        .collect();
    if spans.is_empty() {
        return format!("trace {trace_id}: no spans\n");
    }
    Waterfall::new().with_key_attribute(CACHE_HIT).render(&spans)
}

/// The spans of one trace grouped for choosing which to print.
struct TraceSummary<'a> {
    id: &'a str,
    spans: Vec<&'a SpanRecord>,
}

impl TraceSummary<'_> {
    /// The longest span without a parent in the trace (none received counts too).
    fn root_duration(&self) -> u64 {
        let ids: HashSet<&str> = self.spans.iter().map(|s| s.span_id.as_str()).collect();
        self.spans
            .iter()
            .filter(|s| s.parent_span_id.as_deref().is_none_or(|p| !ids.contains(p)))
            .map(|s| s.end_time_unix_nano.saturating_sub(s.start_time_unix_nano))
            .max()
            .unwrap_or(0)
    }

    fn start(&self) -> u64 {
        self.spans
            .iter()
            .map(|s| s.start_time_unix_nano)
            .min()
            .unwrap_or(0)
    }

    fn has_error(&self) -> bool {
        self.spans
            .iter()
            .any(|s| matches!(s.status, Status::Error { .. }))
    }
}

#[cfg(test)]
mod tests;
