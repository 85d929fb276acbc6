//! `http.request.method`: a known method as is, anything else as `_OTHER`.

use http::Method;

/// The methods recorded as themselves; any other method is recorded as `_OTHER`, with
/// the original in `http.request.method_original`. The default is the methods of RFC
/// 9110 plus `PATCH`, as the conventions say.
///
/// ```
/// use otel_kit_http::conventions::KnownMethods;
/// use http::Method;
///
/// let known = KnownMethods::default();
/// assert_eq!(known.normalize(&Method::GET), ("GET", None));
/// let purge = Method::from_bytes(b"PURGE").unwrap();
/// assert_eq!(known.normalize(&purge), ("_OTHER", Some("PURGE")));
/// let with_purge = KnownMethods::default().with(purge.clone());
/// assert_eq!(with_purge.normalize(&purge), ("PURGE", None));
/// ```
#[derive(Debug, Clone, Default)]
pub struct KnownMethods {
    extra: Vec<Method>,
    /// `false` once [`only`](Self::only) replaced the standard methods.
    without_standard: bool,
}

impl KnownMethods {
    /// Exactly `methods` are known, as `OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS` says:
    /// the list replaces the standard one.
    ///
    /// ```
    /// use http::Method;
    /// use otel_kit_http::conventions::KnownMethods;
    ///
    /// let known = KnownMethods::only([Method::GET, Method::from_bytes(b"PURGE").unwrap()]);
    /// assert_eq!(known.normalize(&Method::POST), ("_OTHER", Some("POST")));
    /// assert_eq!(known.normalize(&Method::from_bytes(b"PURGE").unwrap()), ("PURGE", None));
    /// ```
    pub fn only(methods: impl IntoIterator<Item = Method>) -> Self {
        let mut known = KnownMethods {
            extra: Vec::new(),
            without_standard: true,
        };
        for method in methods {
            known = known.with(method);
        }
        known
    }

    /// Also treats `method` as known.
    #[must_use]
    pub fn with(mut self, method: Method) -> Self {
        if !self.extra.contains(&method) {
            self.extra.push(method);
        }
        self
    }

    /// The method as a span name uses it: the method, or `HTTP` when it is unknown, so a
    /// scanner sending random methods cannot create random span names.
    ///
    /// ```
    /// use otel_kit_http::conventions::KnownMethods;
    /// let known = KnownMethods::default();
    /// assert_eq!(known.span_name_method(&http::Method::POST), "POST");
    /// assert_eq!(known.span_name_method(&http::Method::from_bytes(b"PURGE").unwrap()), "HTTP");
    /// ```
    pub fn span_name_method<'a>(&'a self, method: &'a Method) -> &'a str {
        match self.normalize(method) {
            (_, Some(_)) => "HTTP",
            (known, None) => known,
        }
    }

    /// The value for `http.request.method`, and the original method when it is `_OTHER`.
    pub fn normalize<'a>(&'a self, method: &'a Method) -> (&'a str, Option<&'a str>) {
        let standard = !self.without_standard
            && matches!(
                *method,
                Method::GET
                    | Method::HEAD
                    | Method::POST
                    | Method::PUT
                    | Method::DELETE
                    | Method::CONNECT
                    | Method::OPTIONS
                    | Method::TRACE
                    | Method::PATCH
            );
        if standard || self.extra.contains(method) {
            (method.as_str(), None)
        } else {
            ("_OTHER", Some(method.as_str()))
        }
    }
}

/// The `'static` spelling of a standard method, so the common case allocates nothing.
#[cfg(any(
    feature = "server",
    feature = "client",
    feature = "tower-client",
    feature = "awc"
))]
pub(crate) fn static_method(method: &str) -> Option<&'static str> {
    Some(match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "CONNECT" => "CONNECT",
        "OPTIONS" => "OPTIONS",
        "TRACE" => "TRACE",
        "PATCH" => "PATCH",
        "_OTHER" => "_OTHER",
        "HTTP" => "HTTP",
        _ => return None,
    })
}
