//! From the exports received to bytes per item: whole batches only for spans and log
//! records, and the difference between two exports for metric points (what one more
//! series adds, the resource and the metric's own description taken out).

use std::collections::BTreeSet;

use crate::receiver::{Export, Signal};

/// The batch size of the span and log record processors by default
/// (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`).
pub const DEFAULT_BATCH: usize = 512;

/// Bytes per item over the full batches of one signal.
#[derive(Debug, Clone, PartialEq)]
pub struct PerItem {
    /// Full batches counted.
    pub batches: usize,
    /// Items in them.
    pub items: usize,
    /// Their bodies' bytes as received.
    pub wire_bytes: usize,
    /// Their bodies' bytes decompressed.
    pub message_bytes: usize,
    /// What the items were (`<scope> <kind>` for spans, the scope for log records).
    pub kinds: BTreeSet<String>,
}

impl PerItem {
    /// Bytes on the wire per item.
    pub fn wire_per_item(&self) -> f64 {
        self.wire_bytes as f64 / self.items as f64
    }
}

/// The exports of `signal` holding exactly `batch` items of one kind, summed (a batch
/// that also holds the start-up's own log line is left out); `None` when there is none.
pub fn full_batches(exports: &[Export], signal: Signal, batch: usize) -> Option<PerItem> {
    let full: Vec<&Export> = exports
        .iter()
        .filter(|e| e.signal == signal && e.items == batch && e.by_kind.len() == 1)
        .collect();
    if full.is_empty() {
        return None;
    }
    Some(PerItem {
        batches: full.len(),
        items: full.iter().map(|e| e.items).sum(),
        wire_bytes: full.iter().map(|e| e.wire_bytes).sum(),
        message_bytes: full.iter().map(|e| e.message_bytes).sum(),
        kinds: full.iter().flat_map(|e| e.by_kind.keys().cloned()).collect(),
    })
}

/// One run's metrics: the bytes of its metrics exports and the points of one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsExport {
    /// Every metrics export's body, as received, summed.
    pub wire_bytes: usize,
    /// Every point of every metric.
    pub points: usize,
    /// The points of the metric asked for.
    pub metric_points: usize,
}

/// The metrics exports of a run, with the points of `metric`.
pub fn metrics_export(exports: &[Export], metric: &str) -> MetricsExport {
    let metrics = exports.iter().filter(|e| e.signal == Signal::Metrics);
    let mut total = MetricsExport {
        wire_bytes: 0,
        points: 0,
        metric_points: 0,
    };
    for export in metrics {
        total.wire_bytes += export.wire_bytes;
        total.points += export.items;
        total.metric_points += export.by_kind.get(metric).copied().unwrap_or(0);
    }
    total
}

/// Bytes per point of the metric: the difference between two runs' exports over the
/// difference of their points; `None` when the larger run has no more points.
pub fn marginal(small: MetricsExport, large: MetricsExport) -> Option<f64> {
    let points = large
        .metric_points
        .checked_sub(small.metric_points)
        .filter(|&p| p > 0)?;
    Some((large.wire_bytes as f64 - small.wire_bytes as f64) / points as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(signal: Signal, items: usize, wire_bytes: usize, kind: &str) -> Export {
        Export {
            signal,
            encoding: None,
            wire_bytes,
            message_bytes: wire_bytes,
            items,
            resource_bytes: 0,
            by_kind: [(kind.to_owned(), items)].into(),
        }
    }

    #[test]
    fn only_full_batches_of_the_signal_count() {
        let exports = [
            export(Signal::Traces, 512, 51_200, "a SERVER"),
            export(Signal::Traces, 100, 99_999, "a SERVER"),
            export(Signal::Logs, 512, 1, "b"),
            Export {
                by_kind: [("a SERVER".to_owned(), 511), ("b SERVER".to_owned(), 1)].into(),
                ..export(Signal::Traces, 512, 1, "")
            },
            export(Signal::Traces, 512, 61_440, "a SERVER"),
        ];
        let per = full_batches(&exports, Signal::Traces, 512).unwrap();
        assert_eq!((per.batches, per.items), (2, 1024));
        assert_eq!(per.wire_per_item(), 110.0);
        assert!(full_batches(&exports, Signal::Metrics, 512).is_none());
    }

    #[test]
    fn marginal_takes_the_fixed_part_out() {
        let small = metrics_export(&[export(Signal::Metrics, 10, 1_500, "m")], "m");
        let large = metrics_export(&[export(Signal::Metrics, 110, 11_500, "m")], "m");
        assert_eq!(marginal(small, large), Some(100.0));
        assert_eq!(marginal(large, small), None);
    }
}
