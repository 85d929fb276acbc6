//! What the CLIENT span and the duration metric say about a request awc failed:
//! `error.type` by `SendRequestError`'s variant (it names no sources), and the status
//! description.

use ::awc::error::{ConnectError, SendRequestError};
use otel_kit_core::__private::error_type::OTHER;
use otel_kit_core::__private::exception::message_with_sources;

/// `error.type` of a request awc failed, the values of the reqwest middleware's table
/// where awc says the same:
///
/// | value | when |
/// | --- | --- |
/// | `timeout` | the client's timeout, or the connector's connect timeout, fired |
/// | `connect` | no connection (refused, unreachable, DNS, TLS, no TLS support built in) |
/// | `request` | sending or reading the response head failed after connecting (reset, protocol error, HTTP/2) |
/// | `body` | the request body failed |
/// | `builder` | the request could not be sent as built (bad URL or head) |
/// | `_OTHER` | none of the above |
pub(super) fn error_type(error: &SendRequestError) -> &'static str {
    match error {
        SendRequestError::Timeout | SendRequestError::Connect(ConnectError::Timeout) => "timeout",
        SendRequestError::Connect(_) => "connect",
        SendRequestError::Send(_)
        | SendRequestError::Response(_)
        | SendRequestError::H2(_)
        | SendRequestError::TunnelNotSupported => "request",
        SendRequestError::Body(_) => "body",
        SendRequestError::Url(_) | SendRequestError::Http(_) => "builder",
        _ => OTHER,
    }
}

/// The span status description (also the exception event's `exception.message`):
/// `error.type`, then awc's message. awc's messages name the cause (`Failed to connect
/// to host: Connection refused (os error 111)`), never the URL.
pub(super) fn error_description(error: &SendRequestError, error_type: &str) -> String {
    format!("{error_type}: {}", message_with_sources(error))
}

#[cfg(test)]
mod tests {
    use std::io::{Error, ErrorKind};

    use super::*;

    #[test]
    fn the_variant_decides() {
        assert_eq!(error_type(&SendRequestError::Timeout), "timeout");
        let refused = SendRequestError::Connect(ConnectError::Io(Error::from(ErrorKind::ConnectionRefused)));
        assert_eq!(error_type(&refused), "connect");
        assert_eq!(
            error_description(&refused, "connect"),
            "connect: Failed to connect to host: connection refused"
        );
        assert_eq!(
            error_type(&SendRequestError::Connect(ConnectError::Timeout)),
            "timeout"
        );
        assert_eq!(
            error_type(&SendRequestError::Send(Error::from(ErrorKind::ConnectionReset))),
            "request"
        );
        assert_eq!(error_type(&SendRequestError::TunnelNotSupported), "request");
    }
}
