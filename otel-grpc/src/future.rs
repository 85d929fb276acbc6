//! [`ResponseFuture`]: runs the inner service's future inside the call's context and
//! hands the call to the response body, or ends it when there is no body to wait for.

use std::time::Instant;

use http::Response;

use crate::body::ResponseBody;
use crate::call::{Call, Outcome};
use crate::error_code::{code_of_any, status_of_any};
use crate::exception;
use crate::status::{Side, grpc_message, grpc_status};
use otel_kit_core::__private::response_future::EndWith;

/// The response future of [`ServerService`](crate::ServerService) and
/// [`ClientService`](crate::ClientService).
///
/// The call's context is current on every poll and while the inner future is
/// dropped, so `tracing` spans and logs of the handler (server) or of the code
/// below the layer (client) are its children. When the response head arrives, a
/// `grpc-status` in it (a trailers-only response) ends the call; otherwise the
/// call moves to the [`ResponseBody`], which ends it at the end of the stream. An
/// error instead of a response that is no `Status`, and a panic, are each the
/// side's one exception event (`rpc.client.call.exception`,
/// `rpc.server.call.exception`); a panic ends the span with `error.type = "panic"`
/// and unwinds on; a future dropped early ends it as `CANCELLED`
/// (`DEADLINE_EXCEEDED` past the deadline).
///
// The example uses the server layer.
#[cfg_attr(feature = "server", doc = "```")]
#[cfg_attr(not(feature = "server"), doc = "```ignore")]
/// use otel_kit_grpc::{ResponseFuture, ServerLayer};
/// use tower::{Layer as _, Service as _};
///
/// let mut service = ServerLayer::new().layer(tower::service_fn(|_: http::Request<String>| async {
///     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
/// }));
/// let future = service.call(http::Request::new(String::new()));
/// drop(future); // recorded as CANCELLED
/// ```
pub type ResponseFuture<F> = otel_kit_core::__private::response_future::ResponseFuture<F, Call>;

impl<B, E> EndWith<Result<Response<B>, E>> for Call
where
    E: std::fmt::Display + 'static,
{
    type Output = Result<Response<ResponseBody<B>>, E>;

    fn end_with(output: Result<Response<B>, E>, call: Option<Self>) -> Result<Response<ResponseBody<B>>, E> {
        let Some(mut call) = call else {
            return match output {
                Ok(response) => Ok(response.map(ResponseBody::untraced)),
                Err(error) => Err(error),
            };
        };
        match output {
            Ok(response) => {
                match grpc_status(response.headers()) {
                    // Trailers-only: the status is in the head, the body is empty.
                    Some(code) => {
                        call.capture_trailers(response.headers());
                        call.message = grpc_message(response.headers());
                        call.finish_with(Outcome::Status(code), Some(response.headers()));
                        Ok(response.map(ResponseBody::untraced))
                    }
                    None => {
                        call.capture_response_headers(response.headers());
                        let status = response.status();
                        Ok(response.map(|body| ResponseBody::traced(body, call, status)))
                    }
                }
            }
            Err(error) => {
                fail(call, &error);
                Err(error)
            }
        }
    }
}

/// Ends a call whose service returned an error instead of a response. A client's
/// error is a transport failure: it gets the gRPC code tonic reports for it (a server
/// that is down is `UNAVAILABLE`). A server's error has no status on the wire yet:
/// its type is recorded. Either, unless it is a `Status`, is the call's one exception
/// event ([`crate::exception`]), whose message is also the span's status description.
fn fail<E: std::fmt::Display + 'static>(call: Call, error: &E) {
    match call.side {
        Side::Client => {
            let mut call = call;
            let passed = call.deadline_passed(Instant::now());
            let code = code_of_any(error, passed);
            if let Some(raised) = exception::raised(error) {
                call.record_exception(raised.exception_type, &raised.message);
                call.message = Some(raised.message);
            }
            call.finish(Outcome::Status(code));
        }
        // A `Status` (boxed or not) is what tonic's server sends back for the error.
        Side::Server => match status_of_any(error) {
            Some(status) => {
                let mut call = call;
                let mut message = status.message().to_owned();
                message.truncate(message.floor_char_boundary(crate::status::MAX_MESSAGE));
                call.message = Some(message);
                call.finish(Outcome::Status(status.code()));
            }
            // Its message, bounded; otel-kit-init's redaction scrubs it on export.
            None => {
                let description = otel_kit_core::__private::exception::bounded_cow(error.to_string().into());
                if let Some(raised) = exception::raised(error) {
                    call.record_exception(raised.exception_type, &description);
                }
                call.finish(Outcome::Failed {
                    error_type: otel_kit_core::__private::error_type::of_type::<E>().into(),
                    description,
                });
            }
        },
    }
}
