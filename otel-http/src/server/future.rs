//! [`ResponseFuture`]: runs the inner service's future inside the request's
//! OpenTelemetry context and finishes the span and metrics however it ends.

use http::Response;

use super::call::Call;
use super::head::TowerResponse;
use otel_kit_core::__private::response_future::EndWith;

/// The response future of [`ServerService`](super::ServerService).
///
/// On every poll, and while the inner future is dropped, the request's context (the
/// server span, or for an excluded request the caller's context) is the current
/// OpenTelemetry context. That is what makes `tracing` spans and events in the handler
/// children of the server span: `tracing-opentelemetry` (with context activation, its
/// default) and the OpenTelemetry log bridge read `Context::current()`, whatever the
/// `tracing` level filter let through.
///
/// The span ends when the inner future yields the response head: time spent streaming
/// the body afterwards is not included. If the inner service returns an error, the
/// span gets its type as `error.type` and status Error, and the error is one
/// `http.server.request.exception` log record. If the inner future panics, the span
/// gets `error.type = "panic"` and status Error, ends, the panic is one
/// `http.server.request.exception` too, and it continues unwinding,
/// so the server (or a `CatchPanic` layer outside this one) handles it as before. If
/// the future is dropped before it completes, the span gets `error.type = "cancelled"`
/// and status Error.
///
/// ```
/// use otel_kit_http::{ServerLayer, server::ResponseFuture};
/// use tower::{Layer as _, Service as _};
///
/// let mut service = ServerLayer::new().layer(tower::service_fn(|_: http::Request<()>| async {
///     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
/// }));
/// let future: ResponseFuture<_> = service.call(http::Request::new(()));
/// drop(future); // recorded as cancelled
/// ```
pub type ResponseFuture<F> = otel_kit_core::__private::response_future::ResponseFuture<F, Call>;

impl<B, E> EndWith<Result<Response<B>, E>> for Call
where
    B: http_body::Body,
    E: std::fmt::Display,
{
    type Output = Result<Response<B>, E>;

    fn end_with(output: Result<Response<B>, E>, call: Option<Self>) -> Result<Response<B>, E> {
        let Some(call) = call else {
            return output;
        };
        match output {
            Ok(response) => {
                // The response hook sees the head as `Parts`; moving the parts out and
                // back allocates nothing.
                let (mut head, body) = response.into_parts();
                let mut response = TowerResponse {
                    head: &mut head,
                    body: &body,
                };
                call.respond(&mut response, None);
                Ok(Response::from_parts(head, body))
            }
            Err(error) => {
                // Its message, bounded; otel-kit-init's redaction scrubs it on export.
                call.raised(
                    otel_kit_core::__private::error_type::of_type::<E>().into(),
                    otel_kit_core::__private::exception::type_name::<E>(),
                    otel_kit_core::__private::exception::bounded_cow(error.to_string().into()),
                );
                Err(error)
            }
        }
    }
}
