//! The `tracing` bridges as the kit sets them up, in otel-kit-init's subscriber and in
//! otel-kit-testing's harness alike (`tracing-bridge`).
//!
//! - [`span_bridge`]: tracing-opentelemetry's layer, configured once, given integer fields
//!   as integers ([`IntegerFields`]), followed by [`ErrorStatus`], and beside them a
//!   filtered-out copy of the bridge that answers downcasts.
//! - [`EventFields`]: the log bridge given each event's `error` field as an exception
//!   message with its sources, and its `return` field bounded.
//! - [`BoundedErrors`]: any other layer (the console's) given error values with their
//!   source chains cut, so an error that is its own source cannot hang the formatter.
//!
//! Why a copy answers the downcasts: tracing-opentelemetry finds a span's OpenTelemetry
//! context (`OpenTelemetrySpanExt::context`, `get_otel_context`) by downcasting the
//! subscriber to its layer, and a wrapper such as [`IntegerFields`] can forward a
//! downcast only through `Layer::downcast_raw`, an `unsafe fn` (the workspace forbids
//! unsafe code). tracing-subscriber's `Filtered` forwards downcasts to the layer it
//! holds, so a second bridge with the same tracer behind a filter that enables nothing
//! is found instead; it sees no span or event, and reads the span data the first one
//! keeps (the registry's extensions are per type, not per layer).

mod changed_fields;
mod error_status;
mod event_fields;
mod fields_again;
mod integers_and_errors;

use opentelemetry::trace::Tracer;
use tracing::subscriber::Interest;
use tracing::{Metadata, Subscriber};
use tracing_subscriber::filter::{FilterExt as _, LevelFilter};
use tracing_subscriber::layer::{Context, Filter, Layer};
use tracing_subscriber::registry::LookupSpan;

pub use changed_fields::{ChangedFields, FieldChange};
pub use error_status::{ErrorEvents, ErrorStatus};
pub use event_fields::{ErrorsAndReturns, EventFields};
pub use integers_and_errors::{BoundedErrors, ErrorChains, IntegerFields, Integers};

use super::BridgeTracer;

/// The `tracing` span bridge: tracing-opentelemetry's layer building spans with `tracer`,
/// without thread ids and names or busy/idle times (none is a semantic convention, and
/// each costs on every span), its target only where the tracer makes it the scope,
/// given integer fields as integers ([`IntegerFields`]) behind `spans`, after
/// [`ErrorStatus`] behind `errors` (and [`ErrorEvents`]), and a filtered-out copy that
/// answers downcasts (see the module).
///
/// ```
/// use opentelemetry::trace::{TraceContextExt as _, TracerProvider as _};
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
/// use otel_kit_core::__private::{BridgeTracer, span_bridge};
/// use tracing_opentelemetry::OpenTelemetrySpanExt as _;
/// use tracing_subscriber::filter::{FilterExt as _, LevelFilter};
/// use tracing_subscriber::layer::SubscriberExt as _;
///
/// let exporter = InMemorySpanExporter::default();
/// let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
/// let bridge = span_bridge(BridgeTracer::new(provider.tracer("app")), LevelFilter::INFO, LevelFilter::INFO);
/// tracing::subscriber::with_default(tracing_subscriber::registry().with(bridge), || {
///     let span = tracing::info_span!("load", user.id = 7_u64);
///     assert!(span.context().span().span_context().is_valid(), "the context is found");
///     span.in_scope(|| tracing::error!(error = "not found"));
/// });
/// let spans = exporter.get_finished_spans()?;
/// assert_eq!(spans[0].status, opentelemetry::trace::Status::error("not found"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn span_bridge<S, T, F, G>(tracer: BridgeTracer<T>, spans: F, errors: G) -> impl Layer<S> + Send + Sync
where
    S: Subscriber + Send + Sync + for<'a> LookupSpan<'a>,
    T: Tracer + Send + Sync + 'static,
    T::Span: Send + Sync,
    F: Filter<S> + Send + Sync + 'static,
    G: Filter<S> + Send + Sync + 'static,
{
    let bridge = |tracer: BridgeTracer<T>| {
        tracing_opentelemetry::layer()
            // The target only when the tracer makes it the span's scope (and removes it).
            .with_target(tracer.wants_target())
            .with_tracer(tracer)
            .with_threads(false)
            .with_tracked_inactivity(false)
            // ErrorStatus sets the status, by the kit's rule.
            .with_error_events_to_status(false)
    };
    // ErrorStatus before the bridge: the SDK keeps the first Error status of a span, and
    // the bridge gives an `error` event an empty one.
    ErrorStatus::default()
        .with_filter(ErrorEvents.and(errors))
        .and_then(IntegerFields::new(bridge(tracer.clone())).with_filter(spans))
        .and_then(bridge(tracer).with_filter(Nothing))
}

/// A per-layer filter that enables nothing, for the copy that only answers downcasts.
/// Not `LevelFilter::OFF`: its level hint (`OFF`) becomes the whole subscriber's where
/// the layers are combined, and disables every span.
struct Nothing;

impl<S> Filter<S> for Nothing {
    fn enabled(&self, _: &Metadata<'_>, _: &Context<'_, S>) -> bool {
        false
    }

    fn callsite_enabled(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::never()
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        None
    }
}
