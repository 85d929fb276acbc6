//! The per-metric cardinality limit `init()` gives every metric stream no view of the
//! application's matches. The limiting itself is the SDK's (a view's
//! `Stream::with_cardinality_limit`, and the overflow series); the warning when a
//! metric overflows is otel-kit-otlp's `cardinality_overflow`, called by every reader.

#[cfg(feature = "metrics")]
use std::sync::Arc;

#[cfg(feature = "metrics")]
use opentelemetry_sdk::metrics::{Instrument, Stream};

/// How many attribute sets a metric keeps when nothing says otherwise: the SDK's own
/// default (opentelemetry_sdk 0.33), which the metrics SDK specification recommends.
///
/// ```
/// assert_eq!(otel_kit_init::DEFAULT_CARDINALITY_LIMIT, 2000);
/// ```
pub const DEFAULT_CARDINALITY_LIMIT: usize = 2000;

/// A view the application added (kept so the limit's view can tell which instruments
/// they match).
#[cfg(feature = "metrics")]
pub(crate) type SharedView = Arc<dyn Fn(&Instrument) -> Option<Stream> + Send + Sync>;

/// The view `init()` always installs: each instrument none of `views` matches gets
/// `limit` (when it is not the SDK's default) and, when an application metric declared
/// it (`app_metrics`), its declared keys as the allow-list. Always installed, because
/// the declarations come when the application builds its instruments, after `init()`;
/// the SDK asks the view then. An instrument a view of the application's matches gets
/// that view's stream alone: a second view matching it would make a second stream
/// whenever the first renames it, and the SDK's `Stream` cannot be read to add the
/// limit to it, so that view sets its own.
#[cfg(feature = "metrics")]
pub(crate) fn limit_view(
    limit: usize,
    views: Vec<SharedView>,
) -> impl Fn(&Instrument) -> Option<Stream> + Send + Sync + 'static {
    let limit = (limit != DEFAULT_CARDINALITY_LIMIT).then_some(limit);
    move |instrument: &Instrument| {
        if views.iter().any(|view| view(instrument).is_some()) {
            return None;
        }
        if let Some(stream) = otel_kit_core::app_metrics::declared_stream(instrument, limit) {
            return Some(stream);
        }
        Stream::builder().with_cardinality_limit(limit?).build().ok()
    }
}
