//! Span-tree waterfalls of one trace, in the manner of Jaeger's trace view.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use otel_kit::opentelemetry::trace::{SpanKind, Status};
use otel_kit::testing::{AttributeValue, SpanRecord};

use super::text::{format_ms, nanos_to_ms, truncate, value, wrap};

mod tree;
use tree::tree_order;

/// Width of the name column, indentation included.
const NAME_WIDTH: usize = 29;
const SERVICE_WIDTH: usize = 12;
/// Width of the time axis the bars are drawn on.
const BAR_WIDTH: usize = 40;
/// Every line is cut to this many characters.
const LINE_WIDTH: usize = 119;
/// Indentation per tree level, and the deepest indentation drawn.
const INDENT: usize = 2;
const MAX_INDENT: usize = 16;

/// The attributes shown under a span, in this order, when present. `url.full` is
/// skipped on SERVER spans (the route says more there).
const KEY_ATTRIBUTES: [&str; 16] = [
    "http.request.method",
    "http.route",
    "url.full",
    "http.response.status_code",
    "rpc.method",
    "rpc.response.status_code",
    "db.system.name",
    "db.query.summary",
    // The demo's own: whether the inventory lookup was answered by the Redis cache.
    "shop.cache.hit",
    "gen_ai.operation.name",
    "gen_ai.request.model",
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.output_tokens",
    "messaging.system",
    "messaging.destination.name",
    "error.type",
];

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

/// Renders one trace's waterfall (all spans with this trace id).
///
/// A header with the trace id and totals, then one line per span in tree order
/// (children below their parent, sorted by start time): indented name, service, kind,
/// status, start offset from the trace's first span and duration in ms, and a bar
/// placed on a 40-column axis spanning the whole trace. Under each span a
/// line of key attributes, the status description of an ERROR span, and for a span
/// whose parent was not received, that parent's id (the span is drawn as a root).
pub fn waterfall(spans: &[SpanRecord], trace_id: &str) -> String {
    let mut seen = HashSet::new();
    let spans: Vec<&SpanRecord> = spans
        .iter()
        .filter(|s| s.trace_id == trace_id && seen.insert(s.span_id.as_str()))
        .collect();
    let (Some(t0), Some(t1)) = (
        spans.iter().map(|s| s.start_time_unix_nano).min(),
        spans
            .iter()
            .map(|s| s.end_time_unix_nano.max(s.start_time_unix_nano))
            .max(),
    ) else {
        return format!("trace {trace_id}: no spans\n");
    };
    let total = t1 - t0;
    let services: HashSet<&str> = spans.iter().map(|s| service(s)).collect();
    let errors = spans
        .iter()
        .filter(|s| matches!(s.status, Status::Error { .. }))
        .count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "trace {trace_id}: {} spans, {} services, {} ms, {errors} with ERROR",
        spans.len(),
        services.len(),
        format_ms(nanos_to_ms(total))
    );
    let axis_end = format!("{} ms|", format_ms(nanos_to_ms(total)));
    let _ = writeln!(
        out,
        "{:<NAME_WIDTH$} {:<SERVICE_WIDTH$} {:<8} {:<6} {:>8} {:>8} {:<w$}{axis_end}",
        "span",
        "service",
        "kind",
        "status",
        "start ms",
        "dur ms",
        "|0",
        w = BAR_WIDTH + 2 - axis_end.len(),
    );
    for (span, depth, orphan) in tree_order(&spans) {
        let indent = (depth * INDENT).min(MAX_INDENT);
        let name = format!(
            "{}{}",
            " ".repeat(indent),
            truncate(&span.name, NAME_WIDTH - indent)
        );
        let status = match span.status {
            Status::Ok => "OK",
            Status::Error { .. } => "ERROR",
            Status::Unset => "unset",
        };
        let line = format!(
            "{name:<NAME_WIDTH$} {:<SERVICE_WIDTH$} {:<8} {status:<6} {:>8} {:>8} |{}|",
            truncate(service(span), SERVICE_WIDTH),
            kind(&span.kind),
            format_ms(nanos_to_ms(span.start_time_unix_nano - t0)),
            format_ms(nanos_to_ms(
                span.end_time_unix_nano.saturating_sub(span.start_time_unix_nano)
            )),
            bar(span, t0, total),
        );
        let _ = writeln!(out, "{}", truncate(&line, LINE_WIDTH));
        for line in wrap(&details(span, orphan), indent + INDENT, LINE_WIDTH) {
            let _ = writeln!(out, "{line}");
        }
    }
    out
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

/// The span's bar: its columns on the axis from the trace's start to its end, at least
/// one character wide.
fn bar(span: &SpanRecord, t0: u64, total: u64) -> String {
    let total = u128::from(total.max(1));
    let width = BAR_WIDTH as u128;
    let start = u128::from(span.start_time_unix_nano - t0);
    let end = u128::from(span.end_time_unix_nano.max(span.start_time_unix_nano) - t0);
    let first = usize::try_from(start * width / total)
        .unwrap_or(BAR_WIDTH)
        .min(BAR_WIDTH - 1);
    let last = usize::try_from((end * width).div_ceil(total)).unwrap_or(BAR_WIDTH);
    let last = last.clamp(first + 1, BAR_WIDTH);
    format!(
        "{}{}{}",
        " ".repeat(first),
        "█".repeat(last - first),
        " ".repeat(BAR_WIDTH - last)
    )
}

/// The key attributes, the ERROR description and a missing parent.
fn details(span: &SpanRecord, orphan: bool) -> Vec<String> {
    let mut parts: Vec<String> = KEY_ATTRIBUTES
        .iter()
        .filter(|key| !(**key == "url.full" && span.kind == SpanKind::Server))
        .filter_map(|key| span.attribute(key).map(|v| format!("{key}={}", value(v))))
        .collect();
    if let Status::Error { description } = &span.status
        && !description.is_empty()
    {
        parts.push(format!("error={description:?}"));
    }
    if orphan && let Some(parent) = &span.parent_span_id {
        parts.push(format!("(parent {parent} not received)"));
    }
    parts
}

fn service(span: &SpanRecord) -> &str {
    span.resource_attribute("service.name")
        .and_then(AttributeValue::as_str)
        .unwrap_or("?")
}

fn kind(kind: &SpanKind) -> &'static str {
    match kind {
        SpanKind::Server => "SERVER",
        SpanKind::Client => "CLIENT",
        SpanKind::Producer => "PRODUCER",
        SpanKind::Consumer => "CONSUMER",
        SpanKind::Internal => "INTERNAL",
    }
}

#[cfg(test)]
mod tests;
