//! Rendering span trees, and comparing their shape independent of end order.

use std::collections::{BTreeMap, HashMap};

use otel_kit_console::Waterfall;
use std::fmt::Write;

use crate::model::SpanRecord;

/// Renders spans as one waterfall per trace (otel-kit-console's [`Waterfall`]): the
/// picture every span failure message ends with. Every span is drawn once, whatever
/// its ids (a hand-made OTLP payload can repeat them or make parent cycles).
pub(crate) fn render(spans: &[SpanRecord]) -> String {
    if spans.is_empty() {
        return "  (no spans)\n".to_owned();
    }
    let spans: Vec<_> = spans.iter().map(SpanRecord::waterfall_span).collect();
    Waterfall::new().render(&spans)
}

/// Spans grouped by trace id, traces in order of their earliest start.
fn by_trace(spans: &[SpanRecord]) -> Vec<(&str, Vec<&SpanRecord>)> {
    let mut traces: BTreeMap<&str, Vec<&SpanRecord>> = BTreeMap::new();
    for s in spans {
        traces.entry(s.trace_id.as_str()).or_default().push(s);
    }
    let mut traces: Vec<_> = traces.into_iter().collect();
    for (_, members) in &mut traces {
        members.sort_by_key(|s| s.start_time_unix_nano);
    }
    traces.sort_by_key(|(_, m)| m.first().map_or(0, |s| s.start_time_unix_nano));
    traces
}

/// Roots (no parent, or a parent outside the set) and a parent-id -> children map.
fn link<'a>(members: &[&'a SpanRecord]) -> (Vec<&'a SpanRecord>, HashMap<&'a str, Vec<&'a SpanRecord>>) {
    let ids: std::collections::HashSet<&str> = members.iter().map(|s| s.span_id.as_str()).collect();
    let mut roots = Vec::new();
    let mut children: HashMap<&str, Vec<&SpanRecord>> = HashMap::new();
    for s in members {
        match s.parent_span_id.as_deref() {
            Some(p) if ids.contains(p) && p != s.span_id => children.entry(p).or_default().push(s),
            _ => roots.push(*s),
        }
    }
    (roots, children)
}

/// The shape of a forest of spans: names only, siblings sorted, so the order in which
/// spans ended (or started) does not matter.
pub(crate) fn actual_shape(spans: &[SpanRecord]) -> Vec<Node> {
    let mut forest = Vec::new();
    for (_, members) in by_trace(spans) {
        let (roots, children) = link(&members);
        forest.extend(roots.into_iter().map(|r| build(r, &children, 0)));
    }
    canonical(forest)
}

fn build(span: &SpanRecord, children: &HashMap<&str, Vec<&SpanRecord>>, depth: usize) -> Node {
    // A cycle cannot come out of an SDK, but a hand-made OTLP payload can hold one.
    let kids = if depth > 256 {
        Vec::new()
    } else {
        children
            .get(span.span_id.as_str())
            .into_iter()
            .flatten()
            .map(|c| build(c, children, depth + 1))
            .collect()
    };
    Node {
        name: span.name.clone(),
        children: canonical(kids),
    }
}

/// One node of an expected or actual tree shape.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Node {
    name: String,
    children: Vec<Node>,
}

fn canonical(mut nodes: Vec<Node>) -> Vec<Node> {
    nodes.sort();
    nodes
}

/// Parses an indented outline (any consistent indentation, blank lines ignored) into a
/// canonical forest.
pub(crate) fn parse_shape(text: &str) -> Result<Vec<Node>, String> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| (l.len() - l.trim_start().len(), l.trim()))
        .collect();
    let mut pos = 0;
    let base = lines.iter().map(|(i, _)| *i).min().unwrap_or(0);
    let forest = parse_level(&lines, &mut pos, base)?;
    Ok(canonical(forest))
}

fn parse_level(lines: &[(usize, &str)], pos: &mut usize, indent: usize) -> Result<Vec<Node>, String> {
    let mut nodes = Vec::new();
    while let Some(&(i, name)) = lines.get(*pos) {
        if i < indent {
            break;
        }
        if i > indent {
            return Err(format!("line {:?} is indented deeper than any parent line", name));
        }
        *pos += 1;
        let children = match lines.get(*pos) {
            Some(&(next, _)) if next > indent => parse_level(lines, pos, next)?,
            _ => Vec::new(),
        };
        nodes.push(Node {
            name: name.to_owned(),
            children: canonical(children),
        });
    }
    Ok(nodes)
}

/// Renders a canonical forest as an outline, two spaces a level.
pub(crate) fn render_shape(forest: &[Node]) -> String {
    fn walk(n: &Node, depth: usize, out: &mut String) {
        let _ = writeln!(out, "{:indent$}{}", "", n.name, indent = depth * 2);
        for c in &n.children {
            walk(c, depth + 1, out);
        }
    }
    let mut out = String::new();
    for n in forest {
        walk(n, 2, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

    use super::render;
    use crate::model::spans_from_otlp;

    /// Regression (fuzz/otlp_decode, corpus `traces-cyclic-ids.pb`): X(1) <- Y(2) <- Z(1),
    /// a cycle through a duplicated span id under a root, overflowed the stack.
    #[test]
    fn duplicate_ids_in_a_cycle_render_each_span_once() {
        let span = |id: u8, parent: Option<u8>, name: &str| Span {
            trace_id: vec![7; 16],
            span_id: vec![id; 8],
            parent_span_id: parent.map(|p| vec![p; 8]).unwrap_or_default(),
            name: name.into(),
            ..Default::default()
        };
        let request = [ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![span(1, None, "x"), span(2, Some(1), "y"), span(1, Some(2), "z")],
                ..Default::default()
            }],
            ..Default::default()
        }];
        let mut spans = Vec::new();
        spans_from_otlp(&request, &mut spans);
        let text = render(&spans);
        // The trace line, the column header and three spans.
        assert_eq!(text.lines().count(), 5, "{text}");
        for name in ["x ", "y ", "z "] {
            assert_eq!(
                text.lines().filter(|l| l.trim_start().starts_with(name)).count(),
                1,
                "{text}"
            );
        }
    }
}
