//! The order spans are drawn in: a depth-first walk of the span tree.

use std::collections::{HashMap, HashSet};

use opentelemetry::trace::SpanId;

use super::span::WaterfallSpan;

/// One line of the waterfall: the span, its depth, and whether it is drawn as a root
/// although it has a parent (the parent is not among the spans).
pub(super) struct Placed<'a> {
    pub(super) span: &'a WaterfallSpan,
    pub(super) depth: usize,
    pub(super) orphan: bool,
}

/// Depth-first order: roots (no parent, or a parent not among `spans`) and children
/// sorted by start time. Every span is drawn exactly once: a repeated span id, or spans
/// caught in a parent cycle that no root reaches, are drawn as roots too.
pub(super) fn tree_order<'a>(spans: &[&'a WaterfallSpan]) -> Vec<Placed<'a>> {
    let ids: HashSet<SpanId> = spans.iter().map(|s| s.span_id).collect();
    let has_parent = |s: &WaterfallSpan| {
        s.parent_span_id != SpanId::INVALID
            && ids.contains(&s.parent_span_id)
            && s.parent_span_id != s.span_id
    };
    let mut children: HashMap<SpanId, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, span) in spans.iter().enumerate() {
        if has_parent(span) {
            children.entry(span.parent_span_id).or_default().push(i);
        } else {
            roots.push(i);
        }
    }
    let by_start = |a: &usize, b: &usize| {
        let (a, b) = (spans[*a], spans[*b]);
        (a.start_unix_nanos, std::cmp::Reverse(a.end_unix_nanos), &a.name).cmp(&(
            b.start_unix_nanos,
            std::cmp::Reverse(b.end_unix_nanos),
            &b.name,
        ))
    };
    roots.sort_by(by_start);
    for list in children.values_mut() {
        list.sort_by(by_start);
    }
    let mut pending: Vec<usize> = (0..spans.len()).collect();
    pending.sort_by(by_start);
    let mut visited = vec![false; spans.len()];
    // A span id is expanded once: a repeated id's children hang under the first copy.
    let mut expanded: HashSet<SpanId> = HashSet::new();
    let mut out = Vec::with_capacity(spans.len());
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|i| (*i, 0)).collect();
    let mut next_pending = 0;
    loop {
        while let Some((i, depth)) = stack.pop() {
            if std::mem::replace(&mut visited[i], true) {
                continue;
            }
            let span = spans[i];
            // A root whose parent is among the spans is in a cycle, not an orphan.
            let orphan =
                depth == 0 && span.parent_span_id != SpanId::INVALID && !ids.contains(&span.parent_span_id);
            out.push(Placed { span, depth, orphan });
            if expanded.insert(span.span_id)
                && let Some(list) = children.get(&span.span_id)
            {
                stack.extend(list.iter().rev().map(|c| (*c, depth + 1)));
            }
        }
        while next_pending < pending.len() && visited[pending[next_pending]] {
            next_pending += 1;
        }
        match pending.get(next_pending) {
            Some(i) => stack.push((*i, 0)),
            None => return out,
        }
    }
}
