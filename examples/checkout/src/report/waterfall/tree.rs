//! The order spans are drawn in: a depth-first walk of the span tree.

use std::collections::{HashMap, HashSet};

use otel_kit::testing::SpanRecord;

/// Depth-first order: roots (no parent, or a parent not in `spans`) and children sorted
/// by start time. Each entry is (span, depth, parent missing). Spans caught in a
/// parent cycle, which no root reaches, are drawn as roots too.
pub(super) fn tree_order<'a>(spans: &[&'a SpanRecord]) -> Vec<(&'a SpanRecord, usize, bool)> {
    let ids: HashSet<&str> = spans.iter().map(|s| s.span_id.as_str()).collect();
    let mut children: HashMap<&str, Vec<&'a SpanRecord>> = HashMap::new();
    let mut roots = Vec::new();
    for span in spans {
        match span.parent_span_id.as_deref() {
            Some(parent) if ids.contains(parent) && parent != span.span_id => {
                children.entry(parent).or_default().push(*span);
            }
            _ => roots.push(*span),
        }
    }
    let by_start = |a: &&SpanRecord, b: &&SpanRecord| {
        (
            a.start_time_unix_nano,
            std::cmp::Reverse(a.end_time_unix_nano),
            &a.name,
        )
            .cmp(&(
                b.start_time_unix_nano,
                std::cmp::Reverse(b.end_time_unix_nano),
                &b.name,
            ))
    };
    roots.sort_by(by_start);
    for list in children.values_mut() {
        list.sort_by(by_start);
    }
    let mut visited: HashSet<&str> = HashSet::new();
    let mut out = Vec::with_capacity(spans.len());
    let mut pending: Vec<&SpanRecord> = spans.to_vec();
    pending.sort_by(by_start);
    let mut stack: Vec<(&SpanRecord, usize)> = roots.iter().rev().map(|s| (*s, 0)).collect();
    loop {
        while let Some((span, depth)) = stack.pop() {
            if !visited.insert(span.span_id.as_str()) {
                continue;
            }
            // A root whose parent is in the trace is part of a cycle, not an orphan.
            let orphan = depth == 0 && span.parent_span_id.as_deref().is_some_and(|p| !ids.contains(p));
            out.push((span, depth, orphan));
            if let Some(list) = children.get(span.span_id.as_str()) {
                stack.extend(list.iter().rev().map(|c| (*c, depth + 1)));
            }
        }
        match pending.iter().find(|s| !visited.contains(s.span_id.as_str())) {
            Some(span) => stack.push((span, 0)),
            None => return out,
        }
    }
}
