//! [`ResponseFuture`]: runs awc's connector future inside the request's CLIENT span
//! context and ends the span and the duration point however it ends; [`AwcCall`], the
//! call that tells awc's own timeout from the caller's cancellation.

use std::time::Instant;

use ::awc::ConnectResponse;
use ::awc::error::SendRequestError;
use opentelemetry::Context;
use otel_kit_core::__private::call::EndEarly;
use otel_kit_core::__private::exception::type_name;
use otel_kit_core::__private::response_future::EndWith;

use super::outcome::{error_description, error_type};
use crate::framework::Awc;
use crate::outgoing::call::{Call, Ended};
use crate::propagation::HeaderExtractor;

/// A traced awc request: the client core's call, and the instant the client's own
/// timeout fires (`None`: no timeout known).
// `pub` in a private module: named by the public `ResponseFuture` alias, never by users.
pub struct AwcCall {
    call: Call<Awc>,
    deadline: Option<Instant>,
}

impl AwcCall {
    pub(super) fn new(call: Call<Awc>, deadline: Option<Instant>) -> Self {
        Self { call, deadline }
    }
}

/// Ends `call` as failed with `error`: its `error.type`, the exception event, the
/// response hook.
fn fail(call: Call<Awc>, error: &SendRequestError) {
    let kind = error_type(error);
    let ended: Ended<'_> = Ended::Failed {
        error_type: kind,
        exception_type: type_name::<SendRequestError>(),
        description: error_description(error, kind),
    };
    call.finish(ended, |add, span| add(Err(error), span));
}

impl EndEarly for AwcCall {
    fn context(&self) -> &Context {
        self.call.context()
    }

    fn panicked(self, payload: &(dyn std::any::Any + Send)) {
        self.call.panicked(payload);
    }

    /// awc's timeout runs outside every middleware: when it fires, awc returns
    /// `SendRequestError::Timeout` to the caller and drops this future. A drop once the
    /// client's timeout has passed is that error; an earlier one is the caller's
    /// cancellation (status Unset, no `error.type`).
    fn cancelled(self) {
        if timed_out(self.deadline, Instant::now()) {
            fail(self.call, &SendRequestError::Timeout);
        } else {
            self.call.cancelled();
        }
    }
}

/// The response future of the awc middleware's service.
///
/// The request's span context is current on every poll. The span ends when the
/// response head arrives (reading the body is not included); an error instead of a
/// response is the request's failure and its one `http.client.request.exception`
/// event; a future dropped before the response arrived is awc's timeout when the
/// client's timeout has passed ([`ClientMiddleware::client_timeout`](super::ClientMiddleware::client_timeout)),
/// else a cancellation, not an error.
pub type ResponseFuture<F> = otel_kit_core::__private::response_future::ResponseFuture<F, AwcCall>;

impl EndWith<Result<ConnectResponse, SendRequestError>> for AwcCall {
    type Output = Result<ConnectResponse, SendRequestError>;

    fn end_with(
        output: Result<ConnectResponse, SendRequestError>,
        call: Option<Self>,
    ) -> Result<ConnectResponse, SendRequestError> {
        let Some(AwcCall { call, .. }) = call else {
            return output;
        };
        match &output {
            Ok(ConnectResponse::Client(response)) => {
                let ended = Ended::Response {
                    status: status_of(response.status()),
                    version: version_of(response.version()),
                    headers: &HeaderExtractor(response.headers()),
                };
                call.finish(ended, |add, span| add(Ok(response), span));
            }
            // A tunnel answers a WebSocket handshake, which is never traced.
            Ok(ConnectResponse::Tunnel(head, _)) => {
                let ended = Ended::Response {
                    status: status_of(head.status),
                    version: version_of(head.version),
                    headers: &HeaderExtractor(&head.headers),
                };
                call.finish(ended, |_, _| {});
            }
            Err(error) => fail(call, error),
        }
        output
    }
}

/// actix's `http` 0.2 status as `http` 1's.
fn status_of(status: actix_http::StatusCode) -> http::StatusCode {
    http::StatusCode::from_u16(status.as_u16()).unwrap_or_default()
}

/// actix's `http` 0.2 version as `http` 1's (an unknown one as HTTP/1.1, awc's own
/// default).
fn version_of(version: actix_http::Version) -> http::Version {
    match version {
        actix_http::Version::HTTP_09 => http::Version::HTTP_09,
        actix_http::Version::HTTP_10 => http::Version::HTTP_10,
        actix_http::Version::HTTP_2 => http::Version::HTTP_2,
        actix_http::Version::HTTP_3 => http::Version::HTTP_3,
        _ => http::Version::HTTP_11,
    }
}

/// Whether a request dropped at `now` ran into the client's timeout (`deadline`).
fn timed_out(deadline: Option<Instant>, now: Instant) -> bool {
    deadline.is_some_and(|deadline| now >= deadline)
}
