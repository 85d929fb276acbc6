//! Opt-in header capture: `http.request.header.<name>` / `http.response.header.<name>`
//! as string arrays, for an allow-list of names, never for credentials.

use crate::request_path::carrier::HeaderSource;
use crate::request_value::RequestValueLimit;
use http::HeaderName;
use std::sync::Arc;

use opentelemetry::{Array, Key, KeyValue, StringValue, Value};

/// Headers that are never captured, even when listed: they carry credentials.
pub const NEVER_CAPTURED: &[&str] = &[
    "authorization",
    "cookie",
    "set-cookie",
    "proxy-authorization",
    // API keys sent as headers (OpenAI-compatible and Azure APIs, Google, many gateways).
    "x-api-key",
    "api-key",
    "x-goog-api-key",
];

/// Most values captured per header name (a header repeated more often keeps its first
/// ones): with the value limit (4 KiB by default, [`RequestValueLimit`]), one attribute
/// is at most 64 KiB however many times a client repeats the header.
const MAX_VALUES: usize = 16;

/// Which request and response headers become span attributes. Empty by default.
///
/// ```
/// use otel_kit_core::HeaderCapture;
/// use http::HeaderMap;
///
/// let capture = HeaderCapture::default().request(["x-request-id", "Authorization"]);
/// let mut headers = HeaderMap::new();
/// headers.insert("x-request-id", "abc".parse().unwrap());
/// headers.insert("authorization", "Bearer secret".parse().unwrap());
/// let attributes = capture.request_attributes(&headers);
/// assert_eq!(attributes.len(), 1, "authorization is never captured");
/// assert_eq!(attributes[0].key.as_str(), "http.request.header.x-request-id");
/// ```
#[derive(Debug, Clone, Default)]
pub struct HeaderCapture {
    /// Each name with its attribute key, shared so that a span's copy costs no allocation.
    request: Vec<(HeaderName, Key)>,
    response: Vec<(HeaderName, Key)>,
}

fn allowed(names: impl IntoIterator<Item = impl AsRef<str>>, prefix: &str) -> Vec<(HeaderName, Key)> {
    names
        .into_iter()
        .filter_map(|n| HeaderName::from_bytes(n.as_ref().trim().to_ascii_lowercase().as_bytes()).ok())
        .filter(|n| !NEVER_CAPTURED.contains(&n.as_str()))
        .map(|n| {
            let key = Key::from(Arc::<str>::from(format!("{prefix}{}", n.as_str())));
            (n, key)
        })
        .collect()
}

impl HeaderCapture {
    /// Captures these request headers (case-insensitive names).
    #[must_use]
    pub fn request(mut self, names: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.request = allowed(names, "http.request.header.");
        self
    }

    /// Captures these response headers (case-insensitive names).
    #[must_use]
    pub fn response(mut self, names: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.response = allowed(names, "http.response.header.");
        self
    }

    /// This capture's request headers with `other`'s response headers: the one side set
    /// in code, the other from the environment (the Java agent's switches).
    #[doc(hidden)]
    #[must_use]
    pub fn with_response_of(mut self, other: &HeaderCapture) -> Self {
        self.response.clone_from(&other.response);
        self
    }

    /// Captures these request headers under `prefix` followed by the lower-cased name,
    /// for protocols over HTTP that name their attributes differently (gRPC metadata
    /// is `rpc.request.header.<key>`). Credentials are never captured either way.
    ///
    /// ```
    /// use otel_kit_core::HeaderCapture;
    /// use http::HeaderMap;
    ///
    /// let capture = HeaderCapture::default()
    ///     .request_prefixed("rpc.request.header.", ["x-tenant", "authorization"]);
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-tenant", "acme".parse().unwrap());
    /// headers.insert("authorization", "Bearer secret".parse().unwrap());
    /// let attributes = capture.request_attributes(&headers);
    /// assert_eq!(attributes.len(), 1);
    /// assert_eq!(attributes[0].key.as_str(), "rpc.request.header.x-tenant");
    /// ```
    #[must_use]
    pub fn request_prefixed(
        mut self,
        prefix: &str,
        names: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Self {
        self.request = allowed(names, prefix);
        self
    }

    /// Captures these response headers under `prefix` followed by the lower-cased name
    /// (see [`request_prefixed`](Self::request_prefixed)).
    ///
    /// ```
    /// use otel_kit_core::HeaderCapture;
    ///
    /// let capture = HeaderCapture::default().response_prefixed("rpc.response.header.", ["x-shard"]);
    /// assert!(!capture.is_empty());
    /// ```
    #[must_use]
    pub fn response_prefixed(
        mut self,
        prefix: &str,
        names: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Self {
        self.response = allowed(names, prefix);
        self
    }

    /// The same headers under other attribute prefixes: each request header's key is
    /// `request_prefix` followed by its lower-cased name, each response header's
    /// `response_prefix` followed by it. How a protocol over HTTP that names its
    /// attributes differently (gRPC metadata: `rpc.request.header.<key>`) takes the
    /// one [`HeaderCapture`] every layer is given.
    ///
    /// ```
    /// use otel_kit_core::HeaderCapture;
    ///
    /// let capture = HeaderCapture::default().request(["x-tenant"]).response(["x-shard"]);
    /// let rpc = capture.with_prefixes("rpc.request.header.", "rpc.response.header.");
    /// let mut metadata = http::HeaderMap::new();
    /// metadata.insert("x-tenant", "acme".parse().unwrap());
    /// assert_eq!(rpc.request_attributes(&metadata)[0].key.as_str(), "rpc.request.header.x-tenant");
    /// ```
    #[must_use]
    pub fn with_prefixes(&self, request_prefix: &str, response_prefix: &str) -> Self {
        let rename = |list: &[(HeaderName, Key)], prefix: &str| {
            allowed(list.iter().map(|(name, _)| name.as_str()), prefix)
        };
        Self {
            request: rename(&self.request, request_prefix),
            response: rename(&self.response, response_prefix),
        }
    }

    /// True when nothing is captured (the common case: no work per request).
    pub fn is_empty(&self) -> bool {
        self.request.is_empty() && self.response.is_empty()
    }

    /// How many request and response headers are listed.
    ///
    /// ```
    /// let capture = otel_kit_core::HeaderCapture::default().request(["x-a", "cookie"]).response(["x-b"]);
    /// assert_eq!(capture.len(), 2, "cookie is never captured");
    /// ```
    pub fn len(&self) -> usize {
        self.request.len() + self.response.len()
    }

    /// True when some response header is listed.
    ///
    /// ```
    /// let capture = otel_kit_core::HeaderCapture::default().request(["x-a"]);
    /// assert!(!capture.captures_response());
    /// ```
    pub fn captures_response(&self) -> bool {
        !self.response.is_empty()
    }

    /// The attributes for the listed request headers present in `headers`.
    /// Any header carrier works: an `http::HeaderMap`, or a framework's own map through
    /// its [`HeaderSource`].
    /// Each value is cut to the default [`RequestValueLimit`] (4 KiB).
    pub fn request_attributes<H: HeaderSource + ?Sized>(&self, headers: &H) -> Vec<KeyValue> {
        collect(&self.request, headers, RequestValueLimit::DEFAULT)
    }

    /// The attributes for the listed response headers present in `headers`.
    pub fn response_attributes<H: HeaderSource + ?Sized>(&self, headers: &H) -> Vec<KeyValue> {
        collect(&self.response, headers, RequestValueLimit::DEFAULT)
    }

    /// [`request_attributes`](Self::request_attributes) with each value cut to `limit`
    /// (a layer's own limit).
    ///
    /// ```
    /// use otel_kit_core::{HeaderCapture, RequestValueLimit};
    /// use http::HeaderMap;
    ///
    /// let capture = HeaderCapture::default().request(["x-long"]);
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-long", "abcdef".parse().unwrap());
    /// let attributes = capture.request_attributes_within(&headers, RequestValueLimit::bytes(3));
    /// assert_eq!(attributes[0].value.to_string(), "[\"abc\"]");
    /// ```
    pub fn request_attributes_within<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        limit: RequestValueLimit,
    ) -> Vec<KeyValue> {
        collect(&self.request, headers, limit)
    }

    /// [`response_attributes`](Self::response_attributes) with each value cut to `limit`.
    pub fn response_attributes_within<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        limit: RequestValueLimit,
    ) -> Vec<KeyValue> {
        collect(&self.response, headers, limit)
    }
}

fn collect<H: HeaderSource + ?Sized>(
    names: &[(HeaderName, Key)],
    headers: &H,
    limit: RequestValueLimit,
) -> Vec<KeyValue> {
    names
        .iter()
        .filter_map(|(name, key)| {
            let values: Vec<StringValue> = headers
                .values(name.as_str())
                .take(MAX_VALUES)
                .map(|v| StringValue::from(limit.cut_lossy(v).into_owned()))
                .collect();
            (!values.is_empty()).then(|| KeyValue::new(key.clone(), Value::Array(Array::String(values))))
        })
        .collect()
}
