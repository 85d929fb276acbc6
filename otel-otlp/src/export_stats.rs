//! [`ExportStats`]: what one of our OTLP exporters delivered and what it lost.

use std::sync::atomic::{AtomicU64, Ordering};

/// What one OTLP exporter ([`SpanExporter`](crate::SpanExporter),
/// [`LogExporter`](crate::LogExporter), [`MetricExporter`](crate::MetricExporter)) has
/// sent so far: the batches the collector accepted and those that failed after the
/// exporter's retries (a collector or proxy that refuses, is down or times out), each
/// with the items in them (spans, log records, metric data points). A failed batch is
/// lost: the SDK's processors and readers do not export it again. Cheap to read from any
/// thread, through the `Arc` each exporter's `stats()` returns.
///
/// ```
/// use otel_kit_otlp::LogExporter;
///
/// let exporter = LogExporter::builder().with_endpoint("http://localhost:4318/v1/logs").build()?;
/// let stats = exporter.stats();
/// assert_eq!((stats.exported_items(), stats.failed_items()), (0, 0));
/// # Ok::<(), otel_kit_otlp::BuildError>(())
/// ```
#[derive(Debug, Default)]
pub struct ExportStats {
    exported_batches: AtomicU64,
    exported_items: AtomicU64,
    failed_batches: AtomicU64,
    failed_items: AtomicU64,
}

impl ExportStats {
    /// Batches the collector accepted.
    pub fn exported_batches(&self) -> u64 {
        self.exported_batches.load(Ordering::Relaxed)
    }

    /// Spans, log records or metric data points in the accepted batches.
    pub fn exported_items(&self) -> u64 {
        self.exported_items.load(Ordering::Relaxed)
    }

    /// Batches that failed after the exporter's retries, and are lost.
    pub fn failed_batches(&self) -> u64 {
        self.failed_batches.load(Ordering::Relaxed)
    }

    /// Spans, log records or metric data points in the failed batches.
    pub fn failed_items(&self) -> u64 {
        self.failed_items.load(Ordering::Relaxed)
    }

    #[cfg_attr(not(feature = "__proto"), allow(dead_code))]
    pub(crate) fn record(&self, items: u64, delivered: bool) {
        let (batches, counted) = if delivered {
            (&self.exported_batches, &self.exported_items)
        } else {
            (&self.failed_batches, &self.failed_items)
        };
        batches.fetch_add(1, Ordering::Relaxed);
        counted.fetch_add(items, Ordering::Relaxed);
    }
}
