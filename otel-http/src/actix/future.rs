//! [`ResponseFuture`]: runs the app's future inside the request's OpenTelemetry context
//! and finishes the span and metrics however it ends.

use std::any::Any;
use std::borrow::Cow;
use std::rc::Rc;

use actix_web::body::MessageBody;
use actix_web::dev::{ResourceMap, ServiceResponse};
use actix_web::http::Uri;
use opentelemetry::Context;
use otel_kit_core::__private::call::EndEarly;
use otel_kit_core::__private::response_future::EndWith;

use super::head::ActixResponse;
use crate::framework::Actix;
use crate::server::call::Call;

/// The response future of [`ServerMiddlewareService`](super::ServerMiddlewareService).
///
/// On every poll, and while the app's future is dropped, the request's context (the
/// server span, or for an excluded request the caller's context) is the current
/// OpenTelemetry context, so `tracing` spans and logs in the handler are children of
/// the server span.
///
/// The span ends when the app yields the response head; `http.route` and the span
/// name `{method} {http.route}` are set then, from the routed request's match
/// pattern (actix routes after the middleware). A request that ends without a
/// routed response (a panic, or the future dropped) gets them from its path, matched
/// against the app's routes then; an error returned by an inner middleware leaves the
/// span named `{method}`. The status rules are the
/// tower layer's: a 5xx is an error (`error.type` its status code), a 4xx is not.
/// actix renders a handler's error as a response: when that response is a 5xx, the
/// error is also one `http.server.request.exception` log record (its message, type
/// `actix_web::Error`). An error returned by a middleware inside this one is read
/// the same way, from the response actix renders from it. A panic gets
/// `error.type = "panic"` and one exception record, then unwinds on; a dropped
/// future gets `error.type = "cancelled"`.
pub type ResponseFuture<F> = otel_kit_core::__private::response_future::ResponseFuture<F, ActixCall>;

/// A traced actix request in flight: the server's call, and what finds its route when
/// no routed request comes back.
// `pub` in a private module: named by the public `ResponseFuture` alias, never by users.
pub struct ActixCall {
    call: Call<Actix>,
    routes: Rc<ResourceMap>,
    uri: Uri,
}

impl ActixCall {
    /// `routes` is the app's resource map, `uri` the request's.
    pub(super) fn new(call: Call<Actix>, routes: Rc<ResourceMap>, uri: Uri) -> Self {
        Self { call, routes, uri }
    }

    /// The call, its route found by the path: actix's routed request is gone. Matching
    /// runs the router's patterns once more, only for requests that end this way.
    fn routed_by_path(self) -> Call<Actix> {
        let mut call = self.call;
        if let Some(route) = self.routes.match_pattern(self.uri.path()) {
            call.routed(&route);
        }
        call
    }
}

impl EndEarly for ActixCall {
    fn context(&self) -> &Context {
        self.call.context()
    }

    fn panicked(self, payload: &(dyn Any + Send)) {
        self.routed_by_path().panicked(payload);
    }

    fn cancelled(self) {
        self.routed_by_path().cancelled();
    }
}

impl<B: MessageBody> EndWith<Result<ServiceResponse<B>, actix_web::Error>> for ActixCall {
    type Output = Result<ServiceResponse<B>, actix_web::Error>;

    fn end_with(
        output: Result<ServiceResponse<B>, actix_web::Error>,
        call: Option<Self>,
    ) -> Result<ServiceResponse<B>, actix_web::Error> {
        let Some(ActixCall { mut call, .. }) = call else {
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
fn exception(call: &Call<Actix>, error: &actix_web::Error) -> Cow<'static, str> {
    let message = otel_kit_core::__private::exception::bounded_cow(error.to_string().into());
    call.exception(
        otel_kit_core::__private::exception::type_name::<actix_web::Error>(),
        &message,
    );
    message
}
