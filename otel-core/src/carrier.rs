//! [`HeaderMapExtractor`]: reads propagation headers from an `http::HeaderMap` without
//! parsing the header names the propagators ask for.
//!
//! Propagators ask for headers by `&str`. `opentelemetry_http::HeaderExtractor` turns
//! each name into a header name first (validated and lower-cased byte by byte), on
//! every request; here the names of the W3C, baggage and B3 propagators are
//! pre-built constants, and any other name falls back to that path.

use http::{HeaderMap, HeaderName, HeaderValue};
use opentelemetry::propagation::Extractor;

/// The header names the propagators of this kit read, built at compile time.
static KNOWN: [HeaderName; 9] = [
    HeaderName::from_static("traceparent"),
    HeaderName::from_static("tracestate"),
    HeaderName::from_static("baggage"),
    HeaderName::from_static("b3"),
    HeaderName::from_static("x-b3-traceid"),
    HeaderName::from_static("x-b3-spanid"),
    HeaderName::from_static("x-b3-parentspanid"),
    HeaderName::from_static("x-b3-sampled"),
    HeaderName::from_static("x-b3-flags"),
];

/// An [`Extractor`] over request headers, for `propagator.extract(...)`. Values that
/// are not visible ASCII are skipped, as `opentelemetry_http::HeaderExtractor` skips
/// them.
///
/// ```
/// use opentelemetry::propagation::Extractor as _;
/// use otel_kit_core::carrier::HeaderMapExtractor;
///
/// let mut headers = http::HeaderMap::new();
/// headers.append("tracestate", "a=1".parse().unwrap());
/// headers.append("tracestate", "b=2".parse().unwrap());
/// let extractor = HeaderMapExtractor(&headers);
/// assert_eq!(extractor.get("tracestate"), Some("a=1"));
/// assert_eq!(extractor.get_all("tracestate"), Some(vec!["a=1", "b=2"]));
/// assert_eq!(extractor.get("traceparent"), None);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct HeaderMapExtractor<'a>(pub &'a HeaderMap);

impl<'a> HeaderMapExtractor<'a> {
    fn values(&self, key: &str) -> http::header::GetAll<'a, HeaderValue> {
        match KNOWN.iter().find(|name| name.as_str() == key) {
            Some(name) => self.0.get_all(name),
            None => self.0.get_all(key),
        }
    }
}

impl Extractor for HeaderMapExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.values(key).iter().next()?.to_str().ok()
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(HeaderName::as_str).collect()
    }

    fn get_all(&self, key: &str) -> Option<Vec<&str>> {
        let mut values = self.values(key).iter().peekable();
        values.peek()?;
        Some(values.filter_map(|value| value.to_str().ok()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_other_names_read_alike() {
        let mut headers = HeaderMap::new();
        headers.insert("x-b3-traceid", "abc".parse().expect("value"));
        headers.insert("x-custom-trace", "def".parse().expect("value"));
        headers.insert("baggage", HeaderValue::from_bytes(b"\xff").expect("value"));
        let extractor = HeaderMapExtractor(&headers);
        assert_eq!(extractor.get("x-b3-traceid"), Some("abc"));
        assert_eq!(extractor.get("x-custom-trace"), Some("def"));
        assert_eq!(extractor.get("baggage"), None, "not visible ASCII");
        assert_eq!(extractor.get_all("baggage"), Some(vec![]));
        assert_eq!(extractor.get_all("b3"), None);
        assert_eq!(extractor.keys().len(), 3);
    }
}
