//! Per-request settings a caller attaches as reqwest-middleware request extensions,
//! and the markers the middleware itself keeps there.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};

/// The low-cardinality template of a request's URL, such as `/users/{id}`.
///
/// With it the span is named `{method} {template}` (for example `GET /users/{id}`)
/// instead of just `{method}`, and carries `url.template`. Attach it per request with
/// `RequestBuilder::with_extension`:
///
/// ```
/// use otel_kit_http::{ClientMiddleware, UrlTemplate};
///
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(ClientMiddleware::new())
///     .build();
/// let request = client
///     .get("http://localhost:8080/users/42")
///     .with_extension(UrlTemplate::new("/users/{id}"));
/// # drop(request);
/// assert_eq!(UrlTemplate::new("/users/{id}").as_str(), "/users/{id}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UrlTemplate(Cow<'static, str>);

impl UrlTemplate {
    /// A template; a `&'static str` is kept without copying.
    ///
    /// ```
    /// use otel_kit_http::UrlTemplate;
    ///
    /// let fixed = UrlTemplate::new("/users/{id}");
    /// let built = UrlTemplate::new(format!("/{}/{{id}}", "orders"));
    /// assert_eq!(built.as_str(), "/orders/{id}");
    /// # drop(fixed);
    /// ```
    pub fn new(template: impl Into<Cow<'static, str>>) -> Self {
        Self(template.into())
    }

    /// The template text.
    ///
    /// ```
    /// assert_eq!(otel_kit_http::UrlTemplate::new("/users/{id}").as_str(), "/users/{id}");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Sends this request without trace-context headers (`traceparent`, `baggage`, ...),
/// for example to a third party that must not learn our trace ids. The CLIENT span is
/// still recorded.
///
/// ```
/// use otel_kit_http::{ClientMiddleware, NoPropagation};
///
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(ClientMiddleware::new())
///     .build();
/// let request = client.get("https://api.example.com/").with_extension(NoPropagation);
/// # drop(request);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoPropagation;

/// Marks the request a [`crate::ClientMiddleware`] is currently sending. The same value
/// sits in the request's extensions and in the OpenTelemetry context while the rest of
/// the chain runs; a second middleware that finds both (same id) is nested inside the
/// first one for the same request and must not open a second span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ActiveRequest(u64);

impl ActiveRequest {
    /// A marker no other request in this process has.
    pub(crate) fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// How many times the middleware has sent this request. It stays in the extensions
/// between attempts, so a retry middleware placed before ours (which calls the rest of
/// the chain again with the same extensions) yields `http.request.resend_count`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Attempts(pub(crate) u32);
