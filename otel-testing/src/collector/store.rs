//! What the collector received, and the failures it was told to answer with.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use http::HeaderMap;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use tokio::sync::Notify;

use otel_kit_core::otlp::{Protocol, Signal};

use super::failure::ExportFailure;
use super::payload::Payload;
use crate::assert::{Logs, Metrics, Spans};
use crate::model;

/// What the collector answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Decoded and kept.
    Accepted,
    /// Answered with an injected failure (see [`TestCollector::fail_next`](super::TestCollector::fail_next)).
    Failed(ExportFailure),
    /// Refused as bad input, with the reason sent back.
    Rejected(String),
}

/// One export request as it arrived.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    /// The signal.
    pub signal: Signal,
    /// The protocol; `None` when an HTTP request's content type was not OTLP.
    pub protocol: Option<Protocol>,
    /// The request headers (`authorization`, `content-encoding`, `grpc-encoding`, ...).
    pub headers: HeaderMap,
    /// Size of the decoded message in bytes, after decompression (0 when not read).
    pub message_size: usize,
    /// What the collector answered.
    pub outcome: Outcome,
}

impl ExportRequest {
    /// The value of a request header, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The compression the sender used (`gzip`), from `grpc-encoding` or
    /// `content-encoding`.
    pub fn compression(&self) -> Option<&str> {
        self.header("grpc-encoding")
            .or_else(|| self.header("content-encoding"))
    }
}

#[derive(Default)]
struct Received {
    traces: Vec<ExportTraceServiceRequest>,
    metrics: Vec<ExportMetricsServiceRequest>,
    logs: Vec<ExportLogsServiceRequest>,
    requests: Vec<ExportRequest>,
    span_count: usize,
    log_count: usize,
    failures: Option<(usize, ExportFailure)>,
    delay: Duration,
}

pub(super) struct Store {
    received: Mutex<Received>,
    rejected_handshakes: std::sync::atomic::AtomicUsize,
    notify: Notify,
    pub(super) max_body_size: usize,
    /// Whether zstd bodies are accepted (the `zstd` feature, unless refused).
    pub(super) accepts_zstd: bool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("max_body_size", &self.max_body_size)
            .finish_non_exhaustive()
    }
}

impl Store {
    pub(super) fn new(max_body_size: usize, accepts_zstd: bool) -> Self {
        Store {
            received: Mutex::new(Received::default()),
            rejected_handshakes: std::sync::atomic::AtomicUsize::new(0),
            notify: Notify::new(),
            max_body_size,
            accepts_zstd,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Received> {
        self.received.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes one pending injected failure, if any, and the response delay.
    pub(super) fn next_failure(&self) -> (Option<ExportFailure>, Duration) {
        let mut r = self.lock();
        let delay = r.delay;
        let failure = match &mut r.failures {
            Some((left, failure)) if *left > 0 => {
                *left -= 1;
                Some(failure.clone())
            }
            _ => None,
        };
        (failure, delay)
    }

    pub(super) fn record(&self, request: ExportRequest, payload: Option<Payload>) {
        let mut r = self.lock();
        r.requests.push(request);
        match payload {
            Some(Payload::Traces(t)) => {
                r.span_count += t
                    .resource_spans
                    .iter()
                    .flat_map(|rs| &rs.scope_spans)
                    .map(|ss| ss.spans.len())
                    .sum::<usize>();
                r.traces.push(t);
            }
            Some(Payload::Metrics(m)) => r.metrics.push(m),
            Some(Payload::Logs(l)) => {
                r.log_count += l
                    .resource_logs
                    .iter()
                    .flat_map(|rl| &rl.scope_logs)
                    .map(|sl| sl.log_records.len())
                    .sum::<usize>();
                r.logs.push(l);
            }
            None => {}
        }
        drop(r);
        self.notify.notify_waiters();
    }

    pub(super) fn note_rejected_handshake(&self) {
        self.rejected_handshakes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.notify.notify_waiters();
    }

    pub(super) fn rejected_handshakes(&self) -> usize {
        self.rejected_handshakes
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(super) fn notified(&self) -> tokio::sync::futures::Notified<'_> {
        self.notify.notified()
    }

    pub(super) fn fail_next(&self, count: usize, failure: ExportFailure) {
        self.lock().failures = Some((count, failure));
    }

    pub(super) fn set_delay(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    pub(super) fn reset(&self) {
        let delay = self.lock().delay;
        *self.lock() = Received {
            delay,
            ..Received::default()
        };
    }

    pub(super) fn span_count(&self) -> usize {
        self.lock().span_count
    }

    pub(super) fn log_count(&self) -> usize {
        self.lock().log_count
    }

    pub(super) fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    pub(super) fn requests(&self) -> Vec<ExportRequest> {
        self.lock().requests.clone()
    }

    pub(super) fn trace_requests(&self) -> Vec<ExportTraceServiceRequest> {
        self.lock().traces.clone()
    }

    pub(super) fn metric_requests(&self) -> Vec<ExportMetricsServiceRequest> {
        self.lock().metrics.clone()
    }

    pub(super) fn log_requests(&self) -> Vec<ExportLogsServiceRequest> {
        self.lock().logs.clone()
    }

    pub(super) fn spans(&self) -> Spans {
        let r = self.lock();
        let mut out = Vec::with_capacity(r.span_count);
        for t in &r.traces {
            model::spans_from_otlp(&t.resource_spans, &mut out);
        }
        Spans::new(out)
    }

    pub(super) fn metrics(&self) -> Metrics {
        let r = self.lock();
        let mut out = Vec::new();
        for m in &r.metrics {
            model::metrics_from_otlp(&m.resource_metrics, &mut out);
        }
        Metrics::new(out)
    }

    pub(super) fn logs(&self) -> Logs {
        let r = self.lock();
        let mut out = Vec::with_capacity(r.log_count);
        for l in &r.logs {
            model::logs_from_otlp(&l.resource_logs, &mut out);
        }
        Logs::new(out)
    }
}
