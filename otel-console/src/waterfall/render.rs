//! The renderer ([`Waterfall`]): the spans of each trace drawn as one text block.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use opentelemetry::trace::{SpanKind, Status, TraceId};
use opentelemetry::{Key, Value};
use otel_kit_semconv::attribute as semconv;

use super::span::WaterfallSpan;
use super::text::{format_ms, printable, truncate, value, wrap};
use super::tree::tree_order;

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
/// The longest key-attribute value kept, in characters.
const VALUE_CHARS: usize = 80;

/// The attributes shown under a span, in this order, when present: a few per domain.
/// `url.full` is skipped on SERVER spans (the route says more there).
#[allow(deprecated)] // The GenAI names moved to the GenAI registry; the strings are the same.
const KEY_ATTRIBUTES: [&str; 17] = [
    semconv::HTTP_REQUEST_METHOD,
    semconv::HTTP_ROUTE,
    semconv::URL_FULL,
    semconv::HTTP_RESPONSE_STATUS_CODE,
    semconv::RPC_METHOD,
    semconv::RPC_STATUS_CODE,
    semconv::DB_SYSTEM_NAME,
    semconv::DB_QUERY_SUMMARY,
    semconv::MESSAGING_SYSTEM_NAME,
    semconv::MESSAGING_OPERATION_NAME,
    semconv::MESSAGING_DESTINATION_NAME,
    semconv::GEN_AI_OPERATION_NAME,
    semconv::GEN_AI_REQUEST_MODEL,
    semconv::GEN_AI_USAGE_INPUT_TOKENS,
    semconv::GEN_AI_USAGE_OUTPUT_TOKENS,
    semconv::EXCEPTION_TYPE,
    semconv::ERROR_TYPE,
];

/// Draws the spans of a trace as a waterfall: one line per span in tree order,
/// indented by depth, with a bar on a time axis that spans the whole trace.
///
/// | column | what |
/// | --- | --- |
/// | span | the name, indented two spaces per level (children below their parent, by start time) |
/// | service | the span's `service.name` (`?` when unknown) |
/// | kind | `SERVER`, `CLIENT`, `PRODUCER`, `CONSUMER`, `INTERNAL` |
/// | status | `OK`, `ERROR` or `unset`; an error's description follows under the span as `error="..."` |
/// | start ms | offset from the trace's first start, in milliseconds |
/// | dur ms | the span's duration, in milliseconds |
/// | bar | where the span falls on a 40-column axis from the trace's start to its end |
///
/// Under each span, a line of key attributes when it has any, a few per domain:
/// `http.request.method`, `http.route`, `url.full` (not on SERVER spans),
/// `http.response.status_code`, `rpc.method`, `rpc.status_code`,
/// `db.system.name`, `db.query.summary`, `messaging.system.name`,
/// `messaging.operation.name`, `messaging.destination.name`, `gen_ai.operation.name`,
/// `gen_ai.request.model`, `gen_ai.usage.input_tokens`, `gen_ai.usage.output_tokens`,
/// `exception.type`, `error.type`, then any added with
/// [`with_key_attribute`](Self::with_key_attribute). A span drawn as a root although
/// it has a parent says so: `(remote parent <id>)` when the parent is in another
/// process, `(parent <id> not received)` otherwise. Values longer than 80 characters
/// and names longer than their column are cut with `…`; control characters are escaped;
/// no line is longer than 119 characters.
///
/// ```
/// use opentelemetry::KeyValue;
/// use opentelemetry::trace::{SpanId, SpanKind, Status, TraceId};
/// use otel_kit_console::{Waterfall, WaterfallSpan};
///
/// let ms = 1_000_000;
/// let root = WaterfallSpan {
///     trace_id: TraceId::from(7),
///     span_id: SpanId::from(1),
///     name: "POST /checkout".into(),
///     kind: SpanKind::Server,
///     end_unix_nanos: 100 * ms,
///     service: Some("shop".into()),
///     attributes: vec![KeyValue::new("http.route", "/checkout")],
///     ..WaterfallSpan::default()
/// };
/// let charge = WaterfallSpan {
///     span_id: SpanId::from(2),
///     parent_span_id: SpanId::from(1),
///     name: "charge card".into(),
///     status: Status::error("card declined"),
///     start_unix_nanos: 50 * ms,
///     end_unix_nanos: 100 * ms,
///     ..root.clone()
/// };
/// let text = Waterfall::new().render(&[root, charge]);
/// let lines: Vec<&str> = text.lines().collect();
/// assert_eq!(lines[0], "trace 00000000000000000000000000000007: 2 spans, 1 service, 100.0 ms, 1 with ERROR");
/// assert!(lines[2].starts_with("POST /checkout                shop         SERVER   unset      0.00    100.0 |████"));
/// assert_eq!(lines[3], "  http.route=/checkout");
/// assert!(lines[4].starts_with("  charge card                 shop         SERVER   ERROR      50.0     50.0 |      "));
/// assert_eq!(lines[5], "    http.route=/checkout error=\"card declined\"");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Waterfall {
    extra_keys: Vec<Key>,
}

impl Waterfall {
    /// The standard key attributes only.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Also shows this attribute under the spans that have it, after the standard ones
    /// (an application's own, such as a cache hit flag).
    ///
    /// ```
    /// let waterfall = otel_kit_console::Waterfall::new().with_key_attribute("shop.cache.hit");
    /// # drop(waterfall);
    /// ```
    #[must_use]
    pub fn with_key_attribute(mut self, key: impl Into<Key>) -> Self {
        self.extra_keys.push(key.into());
        self
    }

    /// Whether the waterfall shows this attribute.
    pub fn is_key_attribute(&self, key: &str) -> bool {
        KEY_ATTRIBUTES.contains(&key) || self.extra_keys.iter().any(|k| k.as_str() == key)
    }

    /// Drops the attributes the waterfall does not show and cuts long string values,
    /// so a span kept until its trace ends holds little.
    pub fn keep_key_attributes(&self, span: &mut WaterfallSpan) {
        span.attributes
            .retain(|kv| self.is_key_attribute(kv.key.as_str()));
        for kv in &mut span.attributes {
            if let Value::String(s) = &kv.value
                && s.as_str().chars().nth(VALUE_CHARS).is_some()
            {
                kv.value = Value::from(truncate(s.as_str(), VALUE_CHARS));
            }
        }
    }

    /// Renders every trace among `spans`, one waterfall each, in order of their first
    /// start. Nothing for no spans.
    pub fn render(&self, spans: &[WaterfallSpan]) -> String {
        let mut traces: Vec<(TraceId, Vec<&WaterfallSpan>)> = Vec::new();
        let mut index: HashMap<TraceId, usize> = HashMap::new();
        for span in spans {
            let i = *index.entry(span.trace_id).or_insert_with(|| {
                traces.push((span.trace_id, Vec::new()));
                traces.len() - 1
            });
            traces[i].1.push(span);
        }
        traces.sort_by_key(|(_, m)| m.iter().map(|s| s.start_unix_nanos).min());
        let mut out = String::new();
        for (_, members) in traces {
            self.render_trace(&members, "", &mut out);
        }
        out
    }

    /// One trace's waterfall, `note` appended to its header line.
    pub(crate) fn render_trace(&self, spans: &[&WaterfallSpan], note: &str, out: &mut String) {
        let (Some(first), Some(t0), Some(t1)) = (
            spans.first(),
            spans.iter().map(|s| s.start_unix_nanos).min(),
            spans
                .iter()
                .map(|s| s.end_unix_nanos.max(s.start_unix_nanos))
                .max(),
        ) else {
            return;
        };
        let total = t1 - t0;
        let services: HashSet<Option<&str>> = spans.iter().map(|s| s.service.as_deref()).collect();
        let errors = spans
            .iter()
            .filter(|s| matches!(s.status, Status::Error { .. }))
            .count();
        let _ = writeln!(
            out,
            "trace {}: {}, {}, {} ms, {errors} with ERROR{note}",
            first.trace_id,
            counted(spans.len(), "span"),
            counted(services.len(), "service"),
            format_ms(total)
        );
        let axis_end = format!("{} ms|", format_ms(total));
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
            w = (BAR_WIDTH + 2).saturating_sub(axis_end.len()),
        );
        for placed in tree_order(spans) {
            let span = placed.span;
            let indent = (placed.depth * INDENT).min(MAX_INDENT);
            let name = format!(
                "{}{}",
                " ".repeat(indent),
                truncate(&printable(&span.name), NAME_WIDTH - indent)
            );
            let status = match span.status {
                Status::Ok => "OK",
                Status::Error { .. } => "ERROR",
                Status::Unset => "unset",
            };
            let service = span.service.as_deref().map_or_else(|| "?".to_owned(), printable);
            let line = format!(
                "{name:<NAME_WIDTH$} {:<SERVICE_WIDTH$} {:<8} {status:<6} {:>8} {:>8} |{}|",
                truncate(&service, SERVICE_WIDTH),
                kind(&span.kind),
                format_ms(span.start_unix_nanos - t0),
                format_ms(span.duration_nanos()),
                bar(span, t0, total),
            );
            let _ = writeln!(out, "{}", truncate(&line, LINE_WIDTH));
            for line in wrap(&self.details(span, placed.orphan), indent + INDENT, LINE_WIDTH) {
                let _ = writeln!(out, "{line}");
            }
        }
    }

    /// The key attributes, the ERROR description and a parent not drawn.
    fn details(&self, span: &WaterfallSpan, orphan: bool) -> Vec<String> {
        let keys = KEY_ATTRIBUTES
            .iter()
            .copied()
            .chain(self.extra_keys.iter().map(Key::as_str));
        let mut parts: Vec<String> = keys
            .filter(|key| !(*key == semconv::URL_FULL && span.kind == SpanKind::Server))
            .filter_map(|key| {
                let kv = span.attributes.iter().rev().find(|kv| kv.key.as_str() == key)?;
                Some(format!("{key}={}", truncate(&value(&kv.value), VALUE_CHARS)))
            })
            .collect();
        if let Status::Error { description } = &span.status
            && !description.is_empty()
        {
            parts.push(format!("error={:?}", truncate(description, VALUE_CHARS)));
        }
        if orphan {
            parts.push(if span.parent_is_remote {
                format!("(remote parent {})", span.parent_span_id)
            } else {
                format!("(parent {} not received)", span.parent_span_id)
            });
        }
        parts
    }
}

/// The span's bar: its columns on the axis from the trace's start to its end, at least
/// one character wide. A trace of zero length draws one column.
fn bar(span: &WaterfallSpan, t0: u64, total: u64) -> String {
    let total = u128::from(total.max(1));
    let width = BAR_WIDTH as u128;
    let start = u128::from(span.start_unix_nanos - t0);
    let end = u128::from(span.end_unix_nanos.max(span.start_unix_nanos) - t0);
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

fn kind(kind: &SpanKind) -> &'static str {
    match kind {
        SpanKind::Server => "SERVER",
        SpanKind::Client => "CLIENT",
        SpanKind::Producer => "PRODUCER",
        SpanKind::Consumer => "CONSUMER",
        SpanKind::Internal => "INTERNAL",
    }
}

/// `1 span`, `2 spans`: the count with its noun, singular for one.
fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
