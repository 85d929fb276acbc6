//! Per-request settings a caller attaches as request extensions (reqwest-middleware's
//! `with_extension`, `http::Request::extensions_mut`), and the markers the client
//! front-ends themselves keep there.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};

use opentelemetry::trace::SpanId;

/// The low-cardinality template of a request's URL, such as `/users/{id}`.
///
/// With it the span is named `{method} {template}` (for example `GET /users/{id}`)
/// instead of just `{method}`, and carries `url.template`. Attach it per request, with
/// reqwest-middleware's `RequestBuilder::with_extension` or in an `http::Request`'s
/// extensions (the tower layer):
///
/// ```
/// use otel_kit_http::UrlTemplate;
///
/// let request = http::Request::get("http://localhost:8080/users/42")
///     .extension(UrlTemplate::new("/users/{id}"))
///     .body(())
///     .unwrap();
/// assert_eq!(request.extensions().get::<UrlTemplate>().unwrap().as_str(), "/users/{id}");
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
/// still recorded. Attach it like a [`UrlTemplate`].
///
/// ```
/// use otel_kit_http::NoPropagation;
///
/// let request = http::Request::get("https://api.example.com/")
///     .extension(NoPropagation)
///     .body(())
///     .unwrap();
/// # drop(request);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoPropagation;

/// Marks the request a client front-end is currently sending, in the request's
/// extensions while the rest of the chain (the inner service) runs. A second front-end
/// that finds it, with the context it runs in matching, is nested inside the first one
/// for the same request and must not open a second span.
///
/// The call's span is current below the first front-end, so its span id is the mark and
/// the context needs nothing added (a context value costs a map allocated and dropped
/// per request). A span id that cannot tell calls apart (no valid span of its own, as
/// under a no-op tracer, which hands back the parent's) falls back to a number no other
/// request has, kept in the call's context as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActiveRequest {
    /// The call's own span, current while the chain below runs.
    Span(SpanId),
    /// A process-unique number, also in the call's context.
    Counted(u64),
}

impl ActiveRequest {
    /// The mark of a call whose span (current below it) is `span`, started under
    /// `parent`.
    pub(crate) fn for_call(span: SpanId, parent: SpanId) -> Self {
        if span != SpanId::INVALID && span != parent {
            return Self::Span(span);
        }
        static NEXT: AtomicU64 = AtomicU64::new(0);
        Self::Counted(NEXT.fetch_add(1, Ordering::Relaxed))
    }

    /// Whether `cx`, the context a front-end runs in, is the chain below the call this
    /// mark names.
    #[cfg(any(feature = "client", feature = "tower-client"))]
    pub(crate) fn encloses(self, cx: &opentelemetry::Context) -> bool {
        use opentelemetry::trace::TraceContextExt as _;
        match self {
            Self::Span(span) => cx.span().span_context().span_id() == span,
            Self::Counted(_) => cx.get::<Self>() == Some(&self),
        }
    }
}

/// What the client front-ends keep in a request's extensions, in one entry (each entry
/// is a box of its own in the extensions' map):
///
/// - `sent_before`: how many times this request was sent before,
///   `http.request.resend_count`. The reqwest middleware counts it up in the extensions,
///   which stay between attempts (a retry middleware placed before it calls the rest of
///   the chain again with the same extensions); a tower retry policy sets it on each
///   copy it makes (`tower_client::mark_resend`).
/// - `active`: the call sending it now ([`ActiveRequest`]), while the chain below runs.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OutgoingMarks {
    // awc's requests carry no extensions: only the mark is set, and never read back.
    #[cfg_attr(not(any(feature = "client", feature = "tower-client")), allow(dead_code))]
    pub(crate) sent_before: u32,
    pub(crate) active: Option<ActiveRequest>,
}

impl OutgoingMarks {
    /// The marks `extensions` hold, or none.
    #[cfg(any(feature = "client", feature = "tower-client"))]
    pub(crate) fn of(extensions: &http::Extensions) -> Self {
        extensions.get::<Self>().copied().unwrap_or_default()
    }

    /// Changes the marks in `extensions` in place (no new box when they are there).
    pub(crate) fn update(extensions: &mut http::Extensions, change: impl FnOnce(&mut Self)) {
        match extensions.get_mut::<Self>() {
            Some(marks) => change(marks),
            None => {
                let mut marks = Self::default();
                change(&mut marks);
                extensions.insert(marks);
            }
        }
    }
}
