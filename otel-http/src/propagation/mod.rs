//! Propagation by hand, for an HTTP client (or server) the kit does not instrument:
//! write the current trace context into a request's headers, read a caller's out of
//! them. One carrier type for each direction, over either header map:
//!
//! | header map | write ([`HeaderInjector`], [`inject`]) | read ([`HeaderExtractor`], [`extract`]) |
//! | --- | --- | --- |
//! | `http::HeaderMap` (hyper, reqwest, axum, tonic's metadata as headers, ureq 3, isahc) | yes | yes |
//! | actix's `actix_http::header::HeaderMap` (awc, actix-web; features `actix` or `awc`) | yes | yes |
//!
//! [`inject`] and [`extract`] use the global propagator (the one `otel_kit_init::init()`
//! installs, `OTEL_PROPAGATORS`); with a propagator of your own, hand it the carriers:
//! `propagator.inject_context(&cx, &mut HeaderInjector(&mut headers))`.
//!
//! Reading follows the kit's one carrier rule (otel-kit-core's `carrier`): names in any
//! case, repeated `baggage`/`tracestate` headers as one list, two different
//! `traceparent` values read as none, values that are not UTF-8 skipped, at most 8192
//! bytes of a name's values. Writing replaces a header the propagator sets (a request
//! sent twice carries one current `traceparent`), and skips a value that is no valid
//! header value rather than panic.
//!
//! ```
//! use opentelemetry::Context;
//! use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
//! use otel_kit_http::propagation::{extract, inject};
//!
//! opentelemetry::global::set_text_map_propagator(
//!     opentelemetry_sdk::propagation::TraceContextPropagator::new(),
//! );
//! let span = SpanContext::new(
//!     TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
//!     SpanId::from_hex("00f067aa0ba902b7").unwrap(),
//!     TraceFlags::SAMPLED,
//!     true,
//!     TraceState::default(),
//! );
//! let cx = Context::new().with_remote_span_context(span);
//!
//! let mut headers = http::HeaderMap::new();
//! inject(&cx, &mut headers);
//! assert_eq!(headers["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
//! let read = extract(&headers);
//! assert_eq!(read.span().span_context().span_id(), SpanId::from_hex("00f067aa0ba902b7").unwrap());
//! ```

use http::HeaderMap;
use http::header::{HeaderName, HeaderValue};
use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::{Context, global};
use otel_kit_core::__private::carrier::{BoundedExtractor, HeaderSource};

#[cfg(any(feature = "actix", feature = "awc"))]
mod actix_map;

/// Writes propagation fields into a header map: `http::HeaderMap`, or actix's
/// `actix_http::header::HeaderMap` with the `actix` or `awc` feature. A field replaces
/// every value of its header; a key or value that is no valid header is skipped.
///
/// ```
/// use opentelemetry::propagation::Injector as _;
/// use otel_kit_http::propagation::HeaderInjector;
///
/// let mut headers = http::HeaderMap::new();
/// headers.insert("traceparent", "stale".parse().unwrap());
/// HeaderInjector(&mut headers).set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into());
/// HeaderInjector(&mut headers).set("baggage", "line\r\nbreak".into()); // no valid value: skipped
/// assert_eq!(headers.len(), 1);
/// assert_eq!(headers["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
/// ```
#[derive(Debug)]
pub struct HeaderInjector<'a, M: ?Sized>(pub &'a mut M);

/// Reads propagation fields from a header map (`http::HeaderMap`, or actix's with the
/// `actix` or `awc` feature) by the kit's carrier rule (the [module docs](self)).
///
/// ```
/// use opentelemetry::propagation::Extractor as _;
/// use otel_kit_http::propagation::HeaderExtractor;
///
/// let mut headers = http::HeaderMap::new();
/// headers.append("baggage", "a=1".parse().unwrap());
/// headers.append("baggage", "b=2".parse().unwrap());
/// headers.append("traceparent", "00-1".parse().unwrap());
/// headers.append("traceparent", "00-2".parse().unwrap());
/// let extractor = HeaderExtractor(&headers);
/// assert_eq!(extractor.get_all("Baggage"), Some(vec!["a=1", "b=2"]));
/// assert_eq!(extractor.get("traceparent"), None, "two different values: ambiguous");
/// ```
#[derive(Debug)]
pub struct HeaderExtractor<'a, M: ?Sized>(pub &'a M);

// By hand: derived, they would ask `M` to be `Clone`.
impl<M: ?Sized> Clone for HeaderExtractor<'_, M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M: ?Sized> Copy for HeaderExtractor<'_, M> {}

impl Injector for HeaderInjector<'_, HeaderMap> {
    fn set(&mut self, key: &str, value: String) {
        let name = match key {
            // The W3C names, made once: comparing costs less than parsing.
            "traceparent" => Ok(TRACEPARENT.clone()),
            "tracestate" => Ok(TRACESTATE.clone()),
            "baggage" => Ok(BAGGAGE.clone()),
            _ => HeaderName::try_from(key),
        };
        if let (Ok(name), Ok(value)) = (name, HeaderValue::try_from(value)) {
            self.0.insert(name, value);
        }
    }
}

static TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");
static TRACESTATE: HeaderName = HeaderName::from_static("tracestate");
static BAGGAGE: HeaderName = HeaderName::from_static("baggage");

impl HeaderSource for HeaderExtractor<'_, HeaderMap> {
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]> {
        HeaderSource::values(self.0, name)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        HeaderSource::names(self.0)
    }
}

impl<'m, M: ?Sized> Extractor for HeaderExtractor<'m, M>
where
    HeaderExtractor<'m, M>: HeaderSource,
{
    fn get(&self, key: &str) -> Option<&str> {
        BoundedExtractor::new(self).value(key)
    }

    fn keys(&self) -> Vec<&str> {
        BoundedExtractor::new(self).names()
    }

    fn get_all(&self, key: &str) -> Option<Vec<&str>> {
        BoundedExtractor::new(self).values(key)
    }
}

/// Writes `cx` (its span, baggage) into `headers` with the global propagator.
///
/// ```
/// use opentelemetry::Context;
///
/// let mut headers = http::HeaderMap::new();
/// otel_kit_http::propagation::inject(&Context::current(), &mut headers);
/// ```
pub fn inject<M: ?Sized>(cx: &Context, headers: &mut M)
where
    for<'a> HeaderInjector<'a, M>: Injector,
{
    global::get_text_map_propagator(|propagator| {
        propagator.inject_context(cx, &mut HeaderInjector(headers));
    });
}

/// Reads the caller's context out of `headers` with the global propagator, on top of
/// the current context (without trace headers, the current span stays the parent).
///
/// ```
/// use opentelemetry::trace::TraceContextExt as _;
///
/// let cx = otel_kit_http::propagation::extract(&http::HeaderMap::new());
/// assert!(!cx.span().span_context().is_valid());
/// ```
pub fn extract<M: ?Sized>(headers: &M) -> Context
where
    for<'a> HeaderExtractor<'a, M>: Extractor,
{
    // A clone of the current context, not a borrow of it: a propagator that logs while
    // extracting may reach a log processor that reads the current context.
    let current = Context::current();
    global::get_text_map_propagator(|propagator| {
        propagator.extract_with_context(&current, &HeaderExtractor(headers))
    })
}
