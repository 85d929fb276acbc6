//! [`ResponseFuture`]: runs the client's future inside the request's CLIENT span context
//! and ends the span and the duration point however it ends.

use http::Response;
use otel_kit_core::__private::exception::type_name;

use super::outcome::{error_description, error_type};
use crate::framework::Tower;
use crate::outgoing::call::{Call, Ended};
use otel_kit_core::__private::response_future::EndWith;

/// The response future of [`ClientService`](super::ClientService).
///
/// The request's span context is current on every poll and while the inner future is
/// dropped, so `tracing` spans and logs of the client below are its children. The
/// span ends when the response head arrives (reading the body afterwards is not
/// included); an error instead of a response is the request's failure and its one
/// `http.client.request.exception` event; a panic below the layer ends it with
/// `error.type = "panic"` and unwinds on; a future dropped before the response
/// arrived (the caller's timeout, a `select!`) is a cancellation, not an error.
///
/// ```
/// use otel_kit_http::ClientLayer;
/// use otel_kit_http::tower_client::ResponseFuture;
/// use tower::{Layer as _, Service as _};
///
/// let mut service = ClientLayer::new().layer(tower::service_fn(|_: http::Request<()>| async {
///     Ok::<_, std::io::Error>(http::Response::new(()))
/// }));
/// let future: ResponseFuture<_> = service.call(http::Request::get("http://localhost/").body(()).unwrap());
/// drop(future); // recorded as cancelled: status Unset, no error.type
/// ```
pub type ResponseFuture<F> = otel_kit_core::__private::response_future::ResponseFuture<F, Call<Tower>>;

impl<B, E> EndWith<Result<Response<B>, E>> for Call<Tower>
where
    E: std::error::Error + 'static,
{
    type Output = Result<Response<B>, E>;

    fn end_with(output: Result<Response<B>, E>, call: Option<Self>) -> Result<Response<B>, E> {
        let Some(call) = call else {
            return output;
        };
        match output {
            Ok(response) => {
                let (head, body) = response.into_parts();
                let ended = Ended::Response {
                    status: head.status,
                    version: head.version,
                    headers: &head.headers,
                };
                call.finish(ended, |add, span| add(Ok(&head), span));
                Ok(Response::from_parts(head, body))
            }
            Err(error) => {
                let kind = error_type(&error);
                let ended: Ended<'_> = Ended::Failed {
                    error_type: kind,
                    exception_type: type_name::<E>(),
                    description: error_description(&error, kind),
                };
                let raised: &(dyn std::error::Error + 'static) = &error;
                call.finish(ended, |add, span| add(Err(raised), span));
                Err(error)
            }
        }
    }
}
