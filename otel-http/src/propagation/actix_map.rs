//! The carriers over actix's own header map (`actix_http::header::HeaderMap`, on
//! `http` 0.2's names and values), which awc requests and actix-web requests and
//! responses hold.

use actix_http::header::{HeaderMap, HeaderName, HeaderValue};
use opentelemetry::propagation::Injector;
use otel_kit_core::__private::carrier::HeaderSource;

use super::{HeaderExtractor, HeaderInjector};

/// ```
/// use opentelemetry::propagation::Injector as _;
/// use otel_kit_http::propagation::HeaderInjector;
///
/// let mut headers = actix_http::header::HeaderMap::new();
/// HeaderInjector(&mut headers).set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into());
/// HeaderInjector(&mut headers).set("bad name", "v".into()); // no valid name: skipped
/// assert_eq!(headers.len(), 1);
/// ```
impl Injector for HeaderInjector<'_, HeaderMap> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(key), HeaderValue::try_from(value)) {
            self.0.insert(name, value);
        }
    }
}

/// actix's map stores names in lower case, so every spelling is the exact one, and
/// keeps values in the order they were added.
///
/// ```
/// use opentelemetry::propagation::Extractor as _;
/// use otel_kit_http::propagation::HeaderExtractor;
///
/// let mut headers = actix_http::header::HeaderMap::new();
/// headers.append("baggage".parse().unwrap(), "a=1".parse().unwrap());
/// headers.append("baggage".parse().unwrap(), "b=2".parse().unwrap());
/// assert_eq!(HeaderExtractor(&headers).get_all("Baggage"), Some(vec!["a=1", "b=2"]));
/// ```
impl HeaderSource for HeaderExtractor<'_, HeaderMap> {
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]> {
        // A name that is no header name finds nothing.
        self.0.get_all(name).map(HeaderValue::as_bytes)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(HeaderName::as_str)
    }
}
