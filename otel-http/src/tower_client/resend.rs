//! [`mark_resend`]: `http.request.resend_count` under tower's `Retry`.
//!
//! tower's `Retry` keeps a copy of each request (`Policy::clone_request`) before sending
//! it, and sends that copy when the policy retries. The layer sits inside `Retry` (one
//! span per attempt) and never sees the copies being made, so the policy marks them: the
//! copy of a request sent `n` times before is its resend `n + 1`.

use http::Request;

use crate::outgoing::extensions::OutgoingMarks;

/// Marks `copy`, the copy a retry policy makes of `original` in
/// `tower::retry::Policy::clone_request`, as the request's next attempt: when it is sent
/// through a [`ClientLayer`](crate::ClientLayer), its span carries
/// `http.request.resend_count` one more than the original's (1 for the first retry).
/// Whatever the policy copies of the extensions, the count comes from `original`.
///
/// ```
/// use std::future::{Ready, ready};
///
/// use http::{Request, Response};
/// use tower::retry::Policy;
///
/// /// Retries a 503 once.
/// #[derive(Clone)]
/// struct RetryUnavailable {
///     left: u8,
/// }
///
/// impl<E> Policy<Request<String>, Response<String>, E> for RetryUnavailable {
///     type Future = Ready<()>;
///
///     fn retry(&mut self, _: &mut Request<String>, result: &mut Result<Response<String>, E>) -> Option<Ready<()>> {
///         let unavailable = result.as_ref().is_ok_and(|r| r.status() == 503);
///         (unavailable && self.left > 0).then(|| {
///             self.left -= 1;
///             ready(())
///         })
///     }
///
///     fn clone_request(&mut self, request: &Request<String>) -> Option<Request<String>> {
///         let mut copy = Request::builder()
///             .method(request.method().clone())
///             .uri(request.uri().clone())
///             .body(request.body().clone())
///             .ok()?;
///         *copy.headers_mut() = request.headers().clone();
///         otel_kit_http::tower_client::mark_resend(request, &mut copy);
///         Some(copy)
///     }
/// }
///
/// // Retry outside, the layer inside: one span per attempt.
/// let client = tower::service_fn(|_: Request<String>| async { Ok::<_, std::io::Error>(Response::new(String::new())) });
/// let traced = tower::ServiceBuilder::new()
///     .retry(RetryUnavailable { left: 1 })
///     .layer(otel_kit_http::ClientLayer::new())
///     .service(client);
/// # drop(traced);
/// ```
pub fn mark_resend<A, B>(original: &Request<A>, copy: &mut Request<B>) {
    let before = OutgoingMarks::of(original.extensions()).sent_before;
    OutgoingMarks::update(copy.extensions_mut(), |marks| {
        marks.sent_before = before.saturating_add(1)
    });
}
