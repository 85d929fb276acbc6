//! At most one report per interval, decided without waiting: the warnings of the export
//! path (drops, failed exports, failed OTLP/HTTP requests) would otherwise flood the
//! console when a collector is down, and a lock there could stall the thread that ends
//! a span.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How often, at most, each kind of export problem is reported.
pub const REPORT_EVERY: Duration = Duration::from_secs(10);

/// Opens at most once per [`REPORT_EVERY`]; the first call always passes. Shared by
/// the export path of otel-kit-otlp's exporters and otel-kit-processors' span queue.
///
/// ```
/// use otel_kit_core::__private::report_gate::ReportGate;
///
/// let gate = ReportGate::new();
/// assert!(gate.pass(), "the first report goes out");
/// assert!(!gate.pass(), "the next one waits for the interval");
/// ```
#[derive(Debug)]
pub struct ReportGate {
    started: Instant,
    /// Milliseconds since `started` of the last report, `u64::MAX` before any.
    last: AtomicU64,
}

impl Default for ReportGate {
    fn default() -> Self {
        Self::new()
    }
}

impl ReportGate {
    /// A gate whose first [`pass`](Self::pass) opens.
    pub fn new() -> Self {
        ReportGate {
            started: Instant::now(),
            last: AtomicU64::new(u64::MAX),
        }
    }

    /// Whether the caller should report now. Of threads racing for the same slot, one
    /// wins and the others go on at once.
    pub fn pass(&self) -> bool {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX - 1);
        let last = self.last.load(Ordering::Relaxed);
        let due = last == u64::MAX || now.saturating_sub(last) >= REPORT_EVERY.as_millis() as u64;
        due && self
            .last
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_call_passes_and_the_next_within_the_interval_does_not() {
        let gate = ReportGate::new();
        assert!(gate.pass());
        assert!(!gate.pass());
        assert!(!gate.pass());
    }

    #[test]
    fn it_opens_again_after_the_interval() {
        // A gate made two intervals ago that reported when it was made.
        let Some(started) = Instant::now().checked_sub(2 * REPORT_EVERY) else {
            return; // the monotonic clock started less than 20 s ago
        };
        let gate = ReportGate {
            started,
            last: AtomicU64::new(0),
        };
        assert!(gate.pass());
        assert!(!gate.pass());
    }

    #[test]
    fn one_of_many_racing_threads_passes() {
        let gate = ReportGate::new();
        let passed = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8).map(|_| s.spawn(|| gate.pass())).collect();
            handles
                .into_iter()
                .map(|h| h.join())
                .filter(|passed| matches!(passed, Ok(true)))
                .count()
        });
        assert_eq!(passed, 1);
    }
}
