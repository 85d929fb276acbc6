//! The span queue between `on_end` and the export worker: spans are pushed straight
//! into the batch being filled, and the worker takes whole batches.
//!
//! Why not a channel of spans: a `SpanData` is several hundred bytes, and a channel
//! moves each one in (`try_send` into its slot) and out again (`try_recv` into a
//! `Result`, the iterator, the batch vector): six or seven copies per span, about 400
//! instructions per request in the load benchmark's profile. Here a span is moved once,
//! into the vector the exporter is handed, and the worker moves whole vectors.

use std::collections::VecDeque;
use std::mem;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use opentelemetry_sdk::trace::SpanData;

/// What [`SpanQueue::push`] did with a span.
pub(super) enum Pushed {
    /// Queued; `batch_full` when it completed a batch (the worker should wake).
    Queued { batch_full: bool },
    /// The queue was full, or its worker is gone: the span was dropped.
    Dropped,
}

/// A bounded queue of spans, kept as batches of at most `max_batch`.
pub(super) struct SpanQueue {
    state: Mutex<Batches>,
    capacity: usize,
    max_batch: usize,
}

impl std::fmt::Debug for SpanQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpanQueue")
            .field("capacity", &self.capacity)
            .field("max_batch", &self.max_batch)
            .finish_non_exhaustive()
    }
}

struct Batches {
    /// Batches of exactly `max_batch` spans, oldest first.
    full: VecDeque<Vec<SpanData>>,
    /// The batch being filled, after every full one. Unallocated until its first span.
    filling: Vec<SpanData>,
    /// Spans in `full` and `filling`.
    len: usize,
    /// The worker is gone: nothing queued now would ever be exported.
    closed: bool,
}

impl SpanQueue {
    /// `max_batch` must be at least 1 and at most `capacity`.
    pub(super) fn new(capacity: usize, max_batch: usize) -> Self {
        SpanQueue {
            state: Mutex::new(Batches {
                full: VecDeque::new(),
                filling: Vec::new(),
                len: 0,
                closed: false,
            }),
            capacity,
            max_batch,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Batches> {
        // A panic while the lock is held leaves the batches consistent (each step is
        // one push or one move), so a poisoned lock is used as it is.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `span` unless the queue is full or closed. Never waits for the worker: the
    /// lock is only ever held for a push or a move of one vector. `queued` (the
    /// processor's gauge) is set under the lock, so it is never left stale.
    pub(super) fn push(&self, span: SpanData, queued: &AtomicU64) -> Pushed {
        let mut batches = self.lock();
        if batches.len >= self.capacity || batches.closed {
            return Pushed::Dropped;
        }
        if batches.filling.capacity() == 0 {
            // Once per batch: sized so that the vector handed to the exporter never grows.
            batches.filling.reserve_exact(self.max_batch);
        }
        batches.filling.push(span);
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
    /// has spans. Sets `queued` to the spans left.
    pub(super) fn take(&self, partial: bool, queued: &AtomicU64) -> Option<Vec<SpanData>> {
        let mut batches = self.lock();
        let batch = match batches.full.pop_front() {
            Some(batch) => batch,
            None if partial && !batches.filling.is_empty() => mem::take(&mut batches.filling),
            None => return None,
        };
        batches.len -= batch.len();
        queued.store(batches.len as u64, Ordering::Relaxed);
        Some(batch)
    }

    /// From now on every span pushed is dropped; frees what was still queued and
    /// returns how many spans that was, for the caller to count as dropped.
    pub(super) fn close(&self, queued: &AtomicU64) -> usize {
        let mut batches = self.lock();
        batches.closed = true;
        let left = batches.len;
        let full = mem::take(&mut batches.full);
        let filling = mem::take(&mut batches.filling);
        batches.len = 0;
        queued.store(0, Ordering::Relaxed);
        drop(batches);
        // Freed outside the lock.
        drop((full, filling));
        left
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span() -> SpanData {
        use opentelemetry::InstrumentationScope;
        use opentelemetry::trace::{SpanContext, SpanId, SpanKind, Status};
        use opentelemetry_sdk::trace::{SpanEvents, SpanLinks};
        use std::time::SystemTime;
        SpanData {
            span_context: SpanContext::empty_context(),
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
        let queue = SpanQueue::new(5, 2);
        let queued = AtomicU64::new(0);
        let pushed: Vec<_> = (0..6)
            .map(|_| match queue.push(span(), &queued) {
                Pushed::Queued { batch_full } => Some((batch_full, queued.load(Ordering::Relaxed))),
                Pushed::Dropped => None,
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
    fn a_closed_queue_drops_and_reports_what_it_held() {
        let queue = SpanQueue::new(5, 2);
        let queued = AtomicU64::new(0);
        let _ = queue.push(span(), &queued);
        assert_eq!(queue.close(&queued), 1);
        assert_eq!(queued.load(Ordering::Relaxed), 0);
        assert!(matches!(queue.push(span(), &queued), Pushed::Dropped));
        assert!(queue.take(true, &queued).is_none());
    }
}
