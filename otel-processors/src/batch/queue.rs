//! The queue between the processor (`on_end`, `emit`) and the export worker: items
//! (spans, log records) are pushed straight into the batch being filled, and the worker
//! takes whole batches.
//!
//! Why not a channel: a `SpanData` or a log record is several hundred bytes, and a
//! channel moves each one in (`try_send` into its slot) and out again (`try_recv` into
//! a `Result`, the iterator, the batch vector): six or seven copies per item, about 400
//! instructions per request in the load benchmark's profile (the SDK's log processor
//! also boxes each record). Here an item is moved once, into the vector the exporter
//! is handed, and the worker moves whole vectors.
//!
//! The queue also counts the items each trace holds in it ([`TraceCounts`], under the
//! same lock), so that one trace cannot take more than its share
//! ([`BatchSettings::max_trace_share`](super::BatchSettings::max_trace_share)): one
//! lookup per item pushed, and one per run of a trace's items in a batch taken.

use std::collections::VecDeque;
use std::mem;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use opentelemetry::trace::TraceId;

use super::signal::BatchedSignal;
use super::trace_counts::TraceCounts;

/// What [`BatchQueue::push`] did with an item.
pub(super) enum Pushed {
    /// Queued; `batch_full` when it completed a batch (the worker should wake).
    Queued { batch_full: bool },
    /// The queue was full, or its worker is gone: the item was dropped.
    Dropped,
    /// Its trace (the one given) held its share of the queue already: the item was
    /// dropped.
    OverTraceShare(TraceId),
}

/// A bounded queue of a signal's items, kept as batches of at most `max_batch`.
pub(super) struct BatchQueue<S: BatchedSignal> {
    state: Mutex<Batches<S::Item>>,
    capacity: usize,
    max_batch: usize,
    /// The most items one trace may hold; the queue's capacity when unguarded.
    max_per_trace: usize,
}

impl<S: BatchedSignal> std::fmt::Debug for BatchQueue<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchQueue")
            .field("capacity", &self.capacity)
            .field("max_batch", &self.max_batch)
            .field("max_per_trace", &self.max_per_trace)
            .finish_non_exhaustive()
    }
}

struct Batches<T> {
    /// Batches of exactly `max_batch` items, oldest first.
    full: VecDeque<Vec<T>>,
    /// The batch being filled, after every full one. Unallocated until its first item.
    filling: Vec<T>,
    /// Items in `full` and `filling`.
    len: usize,
    /// The worker is gone: nothing queued now would ever be exported.
    closed: bool,
    /// Items queued per trace (only while guarded).
    per_trace: TraceCounts,
}

impl<S: BatchedSignal> BatchQueue<S> {
    /// `max_batch` and `max_per_trace` must be at least 1 and at most `capacity`.
    pub(super) fn new(capacity: usize, max_batch: usize, max_per_trace: usize) -> Self {
        BatchQueue {
            state: Mutex::new(Batches {
                full: VecDeque::new(),
                filling: Vec::new(),
                len: 0,
                closed: false,
                per_trace: TraceCounts::default(),
            }),
            capacity,
            max_batch,
            max_per_trace,
        }
    }

    /// Whether traces are held to a share: not when a trace may fill the queue anyway.
    fn guarded(&self) -> bool {
        self.max_per_trace < self.capacity
    }

    fn lock(&self) -> MutexGuard<'_, Batches<S::Item>> {
        // A panic while the lock is held leaves the batches consistent (each step is
        // one push or one move), so a poisoned lock is used as it is.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `item` unless the queue is full or closed. Never waits for the worker: the
    /// lock is only ever held for a push or a move of one vector. `queued` (the
    /// processor's gauge) is set under the lock, so it is never left stale.
    pub(super) fn push(&self, item: S::Item, queued: &AtomicU64) -> Pushed {
        let mut batches = self.lock();
        if batches.len >= self.capacity || batches.closed {
            return Pushed::Dropped;
        }
        if self.guarded()
            && let Some(trace) = S::trace_id(&item)
            && !batches.per_trace.admit(trace, self.max_per_trace)
        {
            return Pushed::OverTraceShare(trace);
        }
        if batches.filling.capacity() == 0 {
            // Once per batch: sized so that the vector handed to the exporter never grows.
            batches.filling.reserve_exact(self.max_batch);
        }
        batches.filling.push(item);
        batches.len += 1;
        let batch_full = batches.filling.len() >= self.max_batch;
        if batch_full {
            let full = mem::take(&mut batches.filling);
            batches.full.push_back(full);
        }
        queued.store(batches.len as u64, Ordering::Relaxed);
        Pushed::Queued { batch_full }
    }

    /// The oldest full batch, if any; with `partial`, else the batch being filled, if it
    /// has items. Sets `queued` to the items left.
    pub(super) fn take(&self, partial: bool, queued: &AtomicU64) -> Option<Vec<S::Item>> {
        let mut batches = self.lock();
        let batch = match batches.full.pop_front() {
            Some(batch) => batch,
            None if partial && !batches.filling.is_empty() => mem::take(&mut batches.filling),
            None => return None,
        };
        batches.len -= batch.len();
        if self.guarded() {
            batches.per_trace.release(batch.iter().filter_map(S::trace_id));
        }
        queued.store(batches.len as u64, Ordering::Relaxed);
        Some(batch)
    }

    /// From now on every item pushed is dropped; frees what was still queued and
    /// returns how many items that was, for the caller to count as dropped.
    pub(super) fn close(&self, queued: &AtomicU64) -> usize {
        let mut batches = self.lock();
        batches.closed = true;
        let left = batches.len;
        let full = mem::take(&mut batches.full);
        let filling = mem::take(&mut batches.filling);
        let per_trace = mem::take(&mut batches.per_trace);
        batches.len = 0;
        queued.store(0, Ordering::Relaxed);
        drop(batches);
        // Freed outside the lock.
        drop((full, filling, per_trace));
        left
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::Spans;
    use opentelemetry_sdk::trace::SpanData;

    type SpanQueue = BatchQueue<Spans>;

    fn span() -> SpanData {
        span_of(0)
    }

    fn span_of(trace: u128) -> SpanData {
        use opentelemetry::InstrumentationScope;
        use opentelemetry::trace::{SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState};
        use opentelemetry_sdk::trace::{SpanEvents, SpanLinks};
        use std::time::SystemTime;
        SpanData {
            span_context: SpanContext::new(
                TraceId::from(trace),
                SpanId::from(1),
                TraceFlags::SAMPLED,
                false,
                TraceState::NONE,
            ),
            parent_span_id: SpanId::INVALID,
            parent_span_is_remote: false,
            span_kind: SpanKind::Internal,
            name: "s".into(),
            start_time: SystemTime::UNIX_EPOCH,
            end_time: SystemTime::UNIX_EPOCH,
            attributes: Vec::new(),
            dropped_attributes_count: 0,
            events: SpanEvents::default(),
            links: SpanLinks::default(),
            status: Status::Unset,
            instrumentation_scope: InstrumentationScope::builder("t").build(),
        }
    }

    #[test]
    fn spans_come_out_in_full_batches_then_the_partial_one_and_the_bound_holds() {
        let queue = SpanQueue::new(5, 2, 5);
        let queued = AtomicU64::new(0);
        let pushed: Vec<_> = (0..6)
            .map(|_| match queue.push(span(), &queued) {
                Pushed::Queued { batch_full } => Some((batch_full, queued.load(Ordering::Relaxed))),
                Pushed::Dropped | Pushed::OverTraceShare(_) => None,
            })
            .collect();
        assert_eq!(
            pushed,
            [
                Some((false, 1)),
                Some((true, 2)),
                Some((false, 3)),
                Some((true, 4)),
                Some((false, 5)),
                None
            ]
        );
        let take = |partial| {
            queue
                .take(partial, &queued)
                .map(|batch| (batch.len(), queued.load(Ordering::Relaxed)))
        };
        assert_eq!(take(false), Some((2, 3)));
        assert_eq!(take(false), Some((2, 1)));
        assert_eq!(take(false), None, "the partial batch waits");
        assert_eq!(take(true), Some((1, 0)));
        assert_eq!(take(true), None);
    }

    #[test]
    fn a_trace_holds_at_most_its_share_until_its_spans_leave() {
        let queue = SpanQueue::new(8, 2, 3);
        let queued = AtomicU64::new(0);
        let push = |trace| match queue.push(span_of(trace), &queued) {
            Pushed::Queued { .. } => "queued",
            Pushed::Dropped => "dropped",
            Pushed::OverTraceShare(_) => "over",
        };
        let runaway: Vec<_> = (0..5).map(|_| push(1)).collect();
        assert_eq!(runaway, ["queued", "queued", "queued", "over", "over"]);
        // Other traces still have the rest of the queue.
        let others: Vec<_> = (2..8).map(push).collect();
        assert_eq!(
            others,
            ["queued", "queued", "queued", "queued", "queued", "dropped"]
        );
        // The first batch (two of the runaway's spans) leaves: it may queue two more,
        // and then the queue is full.
        assert_eq!(queue.take(false, &queued).map(|b| b.len()), Some(2));
        assert_eq!([push(1), push(1), push(1)], ["queued", "queued", "dropped"]);
        while queue.take(true, &queued).is_some() {}
        assert!(
            queue.lock().per_trace.is_empty(),
            "the counts leave with their spans"
        );
    }

    #[test]
    fn a_closed_queue_drops_and_reports_what_it_held() {
        let queue = SpanQueue::new(5, 2, 5);
        let queued = AtomicU64::new(0);
        let _ = queue.push(span(), &queued);
        assert_eq!(queue.close(&queued), 1);
        assert_eq!(queued.load(Ordering::Relaxed), 0);
        assert!(matches!(queue.push(span(), &queued), Pushed::Dropped));
        assert!(queue.take(true, &queued).is_none());
    }
}
