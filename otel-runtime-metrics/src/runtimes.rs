//! The runtimes observed and the attributes that name them.

use std::sync::{Arc, Mutex, PoisonError};

use opentelemetry::KeyValue;
use tokio::runtime::{Handle, RuntimeMetrics};

/// The attribute naming the runtime a point describes.
pub const TOKIO_RUNTIME_NAME: &str = otel_kit_semconv::kit::attribute::TOKIO_RUNTIME_NAME;
/// The attribute naming the worker a per-worker point describes (0 to workers - 1).
pub const TOKIO_WORKER_INDEX: &str = otel_kit_semconv::kit::attribute::TOKIO_WORKER_INDEX;

/// The tokio runtimes observed, by name: a shared list (clones share it) that the
/// instruments walk at each collection, so a runtime added after
/// [`register`](crate::register) is observed too.
///
/// ```
/// use otel_kit_runtime_metrics::TokioRuntimes;
///
/// let runtime = tokio::runtime::Runtime::new().unwrap();
/// let runtimes = TokioRuntimes::default();
/// runtimes.add("payments", runtime.handle().clone());
/// ```
#[derive(Debug, Clone, Default)]
pub struct TokioRuntimes(Arc<Mutex<Vec<(String, Handle)>>>);

impl TokioRuntimes {
    /// Adds a runtime; one already there under `name` is replaced.
    pub fn add(&self, name: impl Into<String>, handle: Handle) {
        let name = name.into();
        let mut list = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        list.retain(|(n, _)| *n != name);
        list.push((name, handle));
    }

    /// Each runtime's name attribute and metrics, read when a callback runs.
    pub(crate) fn each(&self, mut f: impl FnMut(&[KeyValue], &RuntimeMetrics)) {
        let list = self.0.lock().unwrap_or_else(PoisonError::into_inner).clone();
        for (name, handle) in list {
            f(&[KeyValue::new(TOKIO_RUNTIME_NAME, name)], &handle.metrics());
        }
    }

    /// Each runtime's workers, with the runtime's and the worker's attributes.
    pub(crate) fn each_worker(&self, mut f: impl FnMut(&[KeyValue], &RuntimeMetrics, usize)) {
        self.each(|runtime, metrics| {
            for worker in 0..metrics.num_workers() {
                let attributes = [
                    runtime[0].clone(),
                    KeyValue::new(TOKIO_WORKER_INDEX, count(worker)),
                ];
                f(&attributes, metrics, worker);
            }
        });
    }
}

/// A count as an `i64` point value or attribute.
pub(crate) fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
