//! The view that gives the SDK each declared metric's attribute keys as its stream's
//! allow-list. The SDK asks its views when an instrument is created, and a helper
//! declares before it creates, so the view may be installed before any declaration.

use opentelemetry_sdk::metrics::{Instrument, Stream};

/// The stream of a declared metric: its declared keys as the allow-list; `None` for
/// any other instrument. Add it to a meter provider you build yourself (otel-kit-init
/// installs it):
///
/// ```
/// use opentelemetry_sdk::metrics::SdkMeterProvider;
///
/// let provider = SdkMeterProvider::builder()
///     .with_view(otel_kit_core::app_metrics::declared_attributes_view)
///     .build();
/// # drop(provider);
/// ```
pub fn declared_attributes_view(instrument: &Instrument) -> Option<Stream> {
    declared_stream(instrument, None)
}

/// [`declared_attributes_view`] with a cardinality limit on the stream (a second view
/// matching the same instrument would make a second stream, so the limit goes here).
pub fn declared_stream(instrument: &Instrument, cardinality_limit: Option<usize>) -> Option<Stream> {
    let keys = super::declarations::declared_keys(instrument.name())?;
    let mut stream = Stream::builder().with_allowed_attribute_keys(keys.iter().cloned());
    if let Some(limit) = cardinality_limit {
        stream = stream.with_cardinality_limit(limit);
    }
    stream.build().ok()
}
