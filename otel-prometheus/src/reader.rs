//! The pull reader: a [`MetricReader`] on the meter provider that collects when a
//! scrape asks, always cumulative, and renders the collection with the exemplars.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::reader::MetricReader;
use opentelemetry_sdk::metrics::{InstrumentKind, ManualReader, Pipeline, Temporality};
use otel_kit_core::__private::exemplar::Reservoirs;

use crate::exposition::ExpositionRenderer;
use crate::format::ExpositionFormat;

/// A [`MetricReader`] for a meter provider, beside its other readers, whose
/// [`render`](Self::render) collects the provider's metrics and writes them as an
/// exposition. Clones share one reader: give one to the provider builder, keep one to
/// serve scrapes.
///
/// ```
/// use std::sync::Arc;
///
/// use opentelemetry::metrics::MeterProvider as _;
/// use opentelemetry_sdk::metrics::SdkMeterProvider;
/// use otel_kit_prometheus::exemplar::{ExemplarFilter, ExemplarMeterProvider, Reservoirs};
/// use otel_kit_prometheus::{ExpositionFormat, PrometheusReader};
///
/// let reservoirs = Arc::new(Reservoirs::new(ExemplarFilter::TraceBased));
/// let reader = PrometheusReader::new(Some(Arc::clone(&reservoirs)));
/// let sdk = SdkMeterProvider::builder().with_reader(reader.clone()).build();
/// let provider = ExemplarMeterProvider::with_reservoirs(sdk, reservoirs);
/// provider.meter("shop").u64_counter("shop.orders").build().add(2, &[]);
///
/// let text = String::from_utf8(reader.render(ExpositionFormat::Text)).unwrap();
/// assert!(text.contains("shop_orders_total{otel_scope_name=\"shop\"} 2\n"));
/// ```
#[derive(Debug, Clone)]
pub struct PrometheusReader {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    reader: ManualReader,
    exemplars: Option<Arc<Reservoirs>>,
    renderer: ExpositionRenderer,
    /// Reused between scrapes; one collection at a time.
    collection: Mutex<ResourceMetrics>,
    /// The last exposition's length: the next one is allocated once, not grown.
    last_len: AtomicUsize,
}

impl PrometheusReader {
    /// A reader that writes the exemplars of `exemplars` (those of the
    /// [`ExemplarMeterProvider`](otel_kit_core::__private::exemplar::ExemplarMeterProvider) around the provider),
    /// or none.
    pub fn new(exemplars: Option<Arc<Reservoirs>>) -> Self {
        PrometheusReader {
            inner: Arc::new(Inner {
                reader: ManualReader::builder()
                    .with_temporality(Temporality::Cumulative)
                    .build(),
                exemplars,
                renderer: ExpositionRenderer::new(),
                collection: Mutex::new(ResourceMetrics::default()),
                last_len: AtomicUsize::new(16 * 1024),
            }),
        }
    }

    /// Collects now and returns the exposition in `format`; an empty one (only `# EOF`
    /// in OpenMetrics) when the provider is gone or shut down, with a warning.
    pub fn render(&self, format: ExpositionFormat) -> Vec<u8> {
        let inner = &*self.inner;
        let mut collection = inner.collection.lock().unwrap_or_else(PoisonError::into_inner);
        let last_len = inner.last_len.load(Ordering::Relaxed);
        let mut out = Vec::with_capacity(last_len + last_len / 8);
        match inner.reader.collect(&mut collection) {
            Ok(()) => {
                otel_kit_core::__private::cardinality_overflow::warn_of_overflows(&collection);
                inner
                    .renderer
                    .render(&collection, inner.exemplars.as_deref(), format, &mut out);
                // Sums and gauges sample anew in each collection cycle.
                if let Some(reservoirs) = &inner.exemplars {
                    reservoirs.collected();
                }
            }
            Err(error) => {
                tracing::warn!(target: "otel_kit_prometheus", %error, "collecting metrics for /metrics failed");
                inner
                    .renderer
                    .render(&ResourceMetrics::default(), None, format, &mut out);
            }
        }
        inner.last_len.store(out.len(), Ordering::Relaxed);
        out
    }
}

impl MetricReader for PrometheusReader {
    fn register_pipeline(&self, pipeline: Weak<Pipeline>) {
        self.inner.reader.register_pipeline(pipeline);
    }

    fn collect(&self, rm: &mut ResourceMetrics) -> OTelSdkResult {
        self.inner.reader.collect(rm)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.reader.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.reader.shutdown_with_timeout(timeout)
    }

    /// "If not configured, the Cumulative temporality SHOULD be used", and Prometheus
    /// counters and histograms are cumulative.
    fn temporality(&self, _kind: InstrumentKind) -> Temporality {
        Temporality::Cumulative
    }
}
