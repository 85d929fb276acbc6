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

/// The view that gives `limit` to each instrument none of `views` matches; `None` for
/// the SDK's default limit, which needs no view. An instrument a view of the
/// application's matches gets that view's stream alone: a second view matching it
/// would make a second stream whenever the first renames it, and the SDK's `Stream`
/// cannot be read to add the limit to it, so that view sets its own.
#[cfg(feature = "metrics")]
pub(crate) fn limit_view(
    limit: usize,
    views: Vec<SharedView>,
) -> Option<impl Fn(&Instrument) -> Option<Stream> + Send + Sync + 'static> {
    if limit == DEFAULT_CARDINALITY_LIMIT {
        return None;
    }
    Some(move |instrument: &Instrument| {
        if views.iter().any(|view| view(instrument).is_some()) {
            return None;
        }
        Stream::builder().with_cardinality_limit(limit).build().ok()
    })
}
