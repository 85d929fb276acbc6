//! [`ResponseFuture`]: runs the app's future inside the request's OpenTelemetry context
//! and finishes the span and metrics however it ends.

use std::borrow::Cow;

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;

use super::head::ActixResponse;
use super::hooks::ActixHooks;
use crate::server::call::Call;
use otel_kit_core::response_future::EndWith;

/// The response future of [`ServerMiddlewareService`](super::ServerMiddlewareService).
///
/// On every poll, and while the app's future is dropped, the request's context (the
/// server span, or for an excluded request the caller's context) is the current
/// OpenTelemetry context, so `tracing` spans and logs in the handler are children of
/// the server span.
///
/// The span ends when the app yields the response head; `http.route` and the span
/// name `{method} {http.route}` are set then, from the routed request's match
/// pattern (actix routes after the middleware; a panic or an error returned by an
/// inner middleware leaves the span named `{method}`). The status rules are the
/// tower layer's: a 5xx is an error (`error.type` its status code), a 4xx is not.
/// actix renders a handler's error as a response: when that response is a 5xx, the
/// error is also one `http.server.request.exception` log record (its message, type
/// `actix_web::Error`). An error returned by a middleware inside this one is read
/// the same way, from the response actix renders from it. A panic gets
/// `error.type = "panic"` and one exception record, then unwinds on; a dropped
/// future gets `error.type = "cancelled"`.
pub type ResponseFuture<F> = otel_kit_core::response_future::ResponseFuture<F, Call<ActixHooks>>;

impl<B: MessageBody> EndWith<Result<ServiceResponse<B>, actix_web::Error>> for Call<ActixHooks> {
    type Output = Result<ServiceResponse<B>, actix_web::Error>;

    fn end_with(
        output: Result<ServiceResponse<B>, actix_web::Error>,
        call: Option<Self>,
    ) -> Result<ServiceResponse<B>, actix_web::Error> {
        let Some(mut call) = call else {
            return output;
        };
        match output {
            Ok(mut response) => {
                // The routed request's pattern: found by the resource's id, not by
                // matching the path again.
                if let Some(route) = response.request().match_pattern() {
                    call.routed(&route);
                }
                let cause = if response.status().is_server_error()
                    && let Some(error) = response.response().error()
                {
                    Some(exception(&call, error))
                } else {
                    None
                };
                call.respond(&mut ActixResponse(response.response_mut()), cause);
                Ok(response)
            }
            Err(error) => {
                // What actix will answer with.
                let mut rendered = error.as_response_error().error_response();
                let cause = rendered
                    .status()
                    .is_server_error()
                    .then(|| exception(&call, &error));
                call.respond(&mut ActixResponse(&mut rendered), cause);
                Err(error)
            }
        }
    }
}

/// The error as the exception event; its message bounded (otel-kit-init's redaction
/// scrubs it on export), returned as the span's status description.
fn exception(call: &Call<ActixHooks>, error: &actix_web::Error) -> Cow<'static, str> {
    let message = otel_kit_core::exception::bounded_cow(error.to_string().into());
    call.exception(
        otel_kit_core::exception::type_name::<actix_web::Error>(),
        &message,
    );
    message
}
