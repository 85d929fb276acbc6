//! [`KitMeterProvider`]: the meter provider `init()` builds, as a type of this crate.

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::noop::NoopMeterProvider;
use opentelemetry::metrics::{Meter, MeterProvider};
use opentelemetry_sdk::metrics::SdkMeterProvider;
use otel_kit_core::__private::exemplar::ExemplarMeterProvider;

use std::sync::Arc;

use crate::ShutdownError;
use crate::excluded_attributes::Exclusions;

/// The meter provider `init()` builds ([`Telemetry::meter_provider`](crate::Telemetry::meter_provider)):
/// the SDK's, whose synchronous instruments also keep exemplars, and whose instruments
/// drop the attribute keys a configuration file's view excludes. Hand it (or a clone) to
/// an instrumentation or to `opentelemetry::global::set_meter_provider`; it implements
/// [`MeterProvider`], is cheap to clone and `Send + Sync`.
///
/// What it wraps is not part of its type, so a change in how exemplars are kept, or in
/// the SDK, does not change the type an application names.
///
/// ```
/// use opentelemetry::metrics::MeterProvider as _;
///
/// let telemetry = otel_kit_init::builder()
///     .without_globals()
///     .exporter(otel_kit_init::Exporter::None)
///     .init()?;
/// let provider: otel_kit_init::KitMeterProvider = telemetry.meter_provider().clone();
/// provider.meter("shop").u64_counter("shop.orders").build().add(1, &[]);
/// provider.force_flush()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct KitMeterProvider {
    inner: ExemplarMeterProvider<SdkMeterProvider>,
    /// The keys views exclude; `None` when no view excludes any (no wrapping at all).
    exclusions: Option<Arc<Exclusions>>,
    /// Whether any reader collects: without one the SDK makes no instrument (it logs an
    /// error for each observable one) and every measurement would go nowhere, so the
    /// meters are no-ops.
    read: bool,
}

impl std::fmt::Debug for KitMeterProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KitMeterProvider")
            .field("exemplar_filter", &self.inner.reservoirs().filter())
            .field("read", &self.read)
            .finish_non_exhaustive()
    }
}

impl KitMeterProvider {
    pub(crate) fn new(
        inner: ExemplarMeterProvider<SdkMeterProvider>,
        exclusions: Exclusions,
        read: bool,
    ) -> Self {
        Self {
            inner,
            exclusions: (!exclusions.is_empty()).then(|| Arc::new(exclusions)),
            read,
        }
    }

    /// The SDK provider inside, for the shutdown sequence.
    pub(crate) fn sdk(&self) -> &SdkMeterProvider {
        self.inner.inner()
    }

    /// Collects and exports every metric now, through every reader (OTLP, console,
    /// Prometheus keeps its own pace). The SDK's flush, bounded by the exporters' own
    /// timeouts; [`Telemetry::force_flush`](crate::Telemetry::force_flush) flushes all
    /// three signals within the shutdown timeout.
    pub fn force_flush(&self) -> Result<(), ShutdownError> {
        self.sdk()
            .force_flush()
            .map_err(|e| ShutdownError::Failed(format!("metrics: {e}")))
    }

    /// Shuts the metric pipeline down: a last collection and export, then nothing more
    /// is recorded. [`Telemetry::shutdown`](crate::Telemetry::shutdown) does this in
    /// order after the spans' final flush; call this only to stop metrics alone.
    pub fn shutdown(&self) -> Result<(), ShutdownError> {
        self.sdk()
            .shutdown()
            .map_err(|e| ShutdownError::Failed(format!("metrics: {e}")))
    }
}

impl MeterProvider for KitMeterProvider {
    fn meter_with_scope(&self, scope: InstrumentationScope) -> Meter {
        if !self.read {
            return NoopMeterProvider::new().meter_with_scope(scope);
        }
        match &self.exclusions {
            Some(exclusions) => exclusions.wrap(self.inner.meter_with_scope(scope.clone()), scope),
            None => self.inner.meter_with_scope(scope),
        }
    }
}
