//! The spans of unfinished traces, kept until their local root ends: bounded per trace
//! and in all, with what did not fit counted.

use std::collections::{HashMap, HashSet, VecDeque};

use opentelemetry::trace::{SpanId, TraceId};

use super::span::WaterfallSpan;

/// How much the exporter keeps while it waits for roots to end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    pub(crate) spans_per_trace: usize,
    pub(crate) pending_spans: usize,
}

/// Ids of spans printed lately: a span whose parent is among them ended after its
/// trace was printed.
const RECENTLY_PRINTED: usize = 4096;

/// What to print: a group of spans of one trace and why it is printed now.
pub(crate) struct Ready {
    pub(crate) spans: Vec<WaterfallSpan>,
    pub(crate) note: String,
}

#[derive(Debug, Default)]
struct Trace {
    spans: Vec<WaterfallSpan>,
    /// Spans not kept: over the per-trace limit.
    dropped: usize,
    /// Arrival order, for evicting the oldest first.
    seq: u64,
}

/// Unfinished traces by id.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    traces: HashMap<TraceId, Trace>,
    total: usize,
    next_seq: u64,
    printed: VecDeque<SpanId>,
    printed_set: HashSet<SpanId>,
}

impl Pending {
    /// Takes one finished span. A local root (or a span whose parent was printed
    /// already) makes its part of the trace ready; other spans wait, and may push the
    /// oldest trace out (ready, marked incomplete) when the pending limit is reached.
    pub(crate) fn push(&mut self, span: WaterfallSpan, limits: Limits, ready: &mut Vec<Ready>) {
        let late = span.parent_span_id != SpanId::INVALID && self.printed_set.contains(&span.parent_span_id);
        if span.is_local_root() || late {
            let trace_id = span.trace_id;
            let mut group = self.take_subtree(span);
            let mut dropped = 0;
            if let Some(trace) = self.traces.get_mut(&trace_id) {
                dropped = std::mem::take(&mut trace.dropped);
                if trace.spans.is_empty() {
                    self.traces.remove(&trace_id);
                }
            }
            let mut note = String::new();
            if late {
                note.push_str(", LATE: ended after its parent's trace was printed");
            }
            if dropped > 0 {
                note.push_str(&format!(
                    ", {dropped} spans dropped (over {} per trace)",
                    limits.spans_per_trace
                ));
            }
            for s in &group {
                self.remember_printed(s.span_id);
            }
            group.shrink_to_fit();
            ready.push(Ready { spans: group, note });
            return;
        }
        if self
            .traces
            .get(&span.trace_id)
            .is_some_and(|t| t.spans.len() >= limits.spans_per_trace)
        {
            if let Some(trace) = self.traces.get_mut(&span.trace_id) {
                trace.dropped += 1;
            }
            return;
        }
        while self.total >= limits.pending_spans.max(1) {
            let Some(oldest) = self.traces.iter().min_by_key(|(_, t)| t.seq).map(|(id, _)| *id) else {
                break;
            };
            self.evict(
                oldest,
                limits,
                "its root had not ended when the pending limit was reached",
                ready,
            );
        }
        let seq = self.next_seq;
        let trace = self.traces.entry(span.trace_id).or_insert_with(|| Trace {
            seq,
            ..Trace::default()
        });
        if trace.seq == seq {
            self.next_seq += 1;
        }
        trace.spans.push(span);
        self.total += 1;
    }

    /// Every pending trace, oldest first, marked incomplete: for a flush or shutdown.
    pub(crate) fn drain(&mut self, limits: Limits, why: &str, ready: &mut Vec<Ready>) {
        let mut ids: Vec<(u64, TraceId)> = self.traces.iter().map(|(id, t)| (t.seq, *id)).collect();
        ids.sort_unstable_by_key(|(seq, _)| *seq);
        for (_, id) in ids {
            self.evict(id, limits, why, ready);
        }
    }

    /// Spans held now, for tests of the bound.
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.total
    }

    fn evict(&mut self, id: TraceId, limits: Limits, why: &str, ready: &mut Vec<Ready>) {
        let Some(trace) = self.traces.remove(&id) else {
            return;
        };
        self.total -= trace.spans.len();
        let mut note = format!(", INCOMPLETE: {why}");
        if trace.dropped > 0 {
            note.push_str(&format!(
                ", {} spans dropped (over {} per trace)",
                trace.dropped, limits.spans_per_trace
            ));
        }
        if trace.spans.is_empty() {
            return;
        }
        ready.push(Ready {
            spans: trace.spans,
            note,
        });
    }

    /// `root` and every pending span of its trace below it.
    fn take_subtree(&mut self, root: WaterfallSpan) -> Vec<WaterfallSpan> {
        let trace_id = root.trace_id;
        let mut group = vec![root];
        let Some(trace) = self.traces.get_mut(&trace_id) else {
            return group;
        };
        let mut wanted: HashSet<SpanId> = HashSet::from([group[0].span_id]);
        loop {
            let before = group.len();
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut trace.spans)
                .into_iter()
                .partition(|s| wanted.contains(&s.parent_span_id));
            trace.spans = rest;
            wanted.extend(mine.iter().map(|s| s.span_id));
            group.extend(mine);
            if group.len() == before {
                break;
            }
        }
        self.total -= group.len() - 1;
        group
    }

    fn remember_printed(&mut self, id: SpanId) {
        if self.printed_set.insert(id) {
            self.printed.push_back(id);
            if self.printed.len() > RECENTLY_PRINTED
                && let Some(old) = self.printed.pop_front()
            {
                self.printed_set.remove(&old);
            }
        }
    }
}
