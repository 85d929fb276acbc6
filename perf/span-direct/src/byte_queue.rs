//! [`SpanByteQueue`]: the prototype's export queue. Spans arrive already encoded (each
//! a `ScopeSpans.spans` field); a batch is one byte buffer they are appended to, and the
//! worker thread writes each batch into one `ExportTraceServiceRequest` with the
//! resource and scope, hands it to the sink, and keeps the buffers for the next batches.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::span_encoding::{length_prefix, length_prefix_len};

/// Where the worker hands each request body (the HTTP export in a service).
pub type RequestSink = Arc<dyn Fn(&[u8]) + Send + Sync>;

/// The parts of every request that do not change: written once.
#[derive(Debug, Clone)]
pub struct RequestParts {
    /// `ResourceSpans.resource`.
    pub resource: Vec<u8>,
    /// `ResourceSpans.schema_url`.
    pub resource_schema_url: Vec<u8>,
    /// `ScopeSpans.scope`.
    pub scope: Vec<u8>,
    /// `ScopeSpans.schema_url`.
    pub scope_schema_url: Vec<u8>,
}

impl RequestParts {
    /// Writes the request holding `spans` (concatenated `ScopeSpans.spans` fields) into `out`.
    pub fn write_request(&self, spans: &[u8], out: &mut Vec<u8>) {
        out.clear();
        let scope_spans = self.scope.len() + spans.len() + self.scope_schema_url.len();
        let resource_spans = self.resource.len()
            + length_prefix_len(scope_spans)
            + scope_spans
            + self.resource_schema_url.len();
        out.reserve(length_prefix_len(resource_spans) + resource_spans);
        length_prefix(out, 1, resource_spans);
        out.extend_from_slice(&self.resource);
        length_prefix(out, 2, scope_spans);
        out.extend_from_slice(&self.scope);
        out.extend_from_slice(spans);
        out.extend_from_slice(&self.scope_schema_url);
        out.extend_from_slice(&self.resource_schema_url);
    }
}

struct Batches {
    /// Full batches (their bytes and span count), oldest first.
    full: VecDeque<(Vec<u8>, usize)>,
    filling: Vec<u8>,
    filling_spans: usize,
    /// Spans in `full` and `filling`.
    queued: usize,
    /// Buffers the worker has emptied, kept for the next batches.
    spare: Vec<Vec<u8>>,
    flush: bool,
    closed: bool,
}

struct Shared {
    state: Mutex<Batches>,
    wake: Condvar,
    /// Notified each time the worker has exported everything queued.
    drained: Condvar,
    capacity: usize,
    max_batch: usize,
    dropped: AtomicU64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Batches> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A bounded queue of encoded spans and the worker thread that turns its batches into
/// requests.
pub struct SpanByteQueue {
    shared: Arc<Shared>,
    worker: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for SpanByteQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpanByteQueue")
            .field("capacity", &self.shared.capacity)
            .field("max_batch", &self.shared.max_batch)
            .finish_non_exhaustive()
    }
}

impl SpanByteQueue {
    /// A queue of at most `capacity` spans, exported in batches of `max_batch` (or fewer
    /// every `delay`), each request handed to `sink`.
    pub fn new(
        capacity: usize,
        max_batch: usize,
        delay: Duration,
        parts: RequestParts,
        sink: RequestSink,
    ) -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::new(Batches {
                full: VecDeque::new(),
                filling: Vec::new(),
                filling_spans: 0,
                queued: 0,
                spare: Vec::new(),
                flush: false,
                closed: false,
            }),
            wake: Condvar::new(),
            drained: Condvar::new(),
            capacity,
            max_batch,
            dropped: AtomicU64::new(0),
        });
        let worker = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("span-direct-export".into())
                .spawn(move || run(&shared, &parts, &*sink, delay))
                .expect("the export thread starts")
        };
        SpanByteQueue {
            shared,
            worker: Mutex::new(Some(worker)),
        }
    }

    /// Appends one encoded span; `false` (and counted) when the queue is full or closed.
    /// Never waits for the worker.
    pub fn push(&self, span_field: &[u8]) -> bool {
        let shared = &*self.shared;
        let mut batches = shared.lock();
        if batches.queued >= shared.capacity || batches.closed {
            drop(batches);
            shared.dropped.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        if batches.filling.capacity() == 0 {
            batches.filling = batches.spare.pop().unwrap_or_default();
        }
        batches.filling.extend_from_slice(span_field);
        batches.filling_spans += 1;
        batches.queued += 1;
        if batches.filling_spans >= shared.max_batch {
            let full = std::mem::take(&mut batches.filling);
            let spans = std::mem::take(&mut batches.filling_spans);
            batches.full.push_back((full, spans));
            drop(batches);
            shared.wake.notify_one();
        }
        true
    }

    /// Spans dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// Exports everything queued and stops the worker; later pushes are dropped.
    pub fn shutdown(&self) {
        self.shared.lock().closed = true;
        self.shared.wake.notify_one();
        let worker = self.worker.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(worker) = worker {
            let _ = worker.join();
        }
    }

    /// Exports what is queued now and waits until it has been handed to the sink.
    pub fn force_flush(&self) {
        let mut batches = self.shared.lock();
        batches.flush = true;
        self.shared.wake.notify_one();
        while batches.queued > 0 && !batches.closed {
            batches = self
                .shared
                .drained
                .wait(batches)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl Drop for SpanByteQueue {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn run(shared: &Shared, parts: &RequestParts, sink: &(dyn Fn(&[u8]) + Send + Sync), delay: Duration) {
    let mut request = Vec::new();
    loop {
        let (batch, closing) = {
            let mut batches = shared.lock();
            if batches.full.is_empty() && !batches.closed && !batches.flush {
                batches = shared
                    .wake
                    .wait_timeout(batches, delay)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            let closing = batches.closed;
            let batch = match batches.full.pop_front() {
                Some(batch) => Some(batch),
                None if batches.filling_spans > 0 => {
                    batches.flush = false;
                    let spans = std::mem::take(&mut batches.filling_spans);
                    Some((std::mem::take(&mut batches.filling), spans))
                }
                None => {
                    batches.flush = false;
                    None
                }
            };
            (batch, closing)
        };
        match batch {
            Some((mut spans, n)) => {
                parts.write_request(&spans, &mut request);
                sink(&request);
                spans.clear();
                let mut batches = shared.lock();
                batches.queued -= n;
                batches.spare.push(spans);
                if batches.queued == 0 {
                    shared.drained.notify_all();
                }
            }
            None if closing => return,
            None => {}
        }
    }
}
