//! What the CLIENT span and the duration metric say about how a request ended.

use std::error::Error as _;

/// `error.type` for a request that got no response.
///
/// | value | when |
/// | --- | --- |
/// | `timeout` | a reqwest timeout (request or connect) fired |
/// | `connect` | the connection could not be made (refused, DNS, TLS handshake) |
/// | `redirect` | following a redirect failed (loop, too many) |
/// | `body` | the request or response body failed |
/// | `decode` | the response body could not be decoded |
/// | `request` | sending failed after connecting (connection reset, protocol error) |
/// | `builder` | the request could not be built |
/// | `middleware` | a middleware after this one returned an error |
/// | `_OTHER` | none of the above |
pub(crate) fn error_type(error: &reqwest_middleware::Error) -> &'static str {
    let reqwest_middleware::Error::Reqwest(e) = error else {
        return "middleware";
    };
    // Timeout first: a connect timeout is also a connect error, and the timeout is
    // the more useful answer.
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_redirect() {
        "redirect"
    } else if e.is_body() {
        "body"
    } else if e.is_decode() {
        "decode"
    } else if e.is_request() {
        "request"
    } else if e.is_builder() {
        "builder"
    } else {
        otel_kit_core::__private::error_type::OTHER
    }
}

/// `exception.type` of a request that raised: the concrete type of what the chain
/// returned, `reqwest::error::Error` for a transport error (not the middleware crate's
/// wrapper around it), `anyhow::Error` for a middleware's (its dynamic type is not
/// known).
pub(crate) fn exception_type(error: &reqwest_middleware::Error) -> &'static str {
    match error {
        reqwest_middleware::Error::Reqwest(_) => {
            otel_kit_core::__private::exception::type_name::<reqwest::Error>()
        }
        // What `std::any::type_name::<anyhow::Error>()` says, without depending on anyhow.
        reqwest_middleware::Error::Middleware(_) => "anyhow::Error",
    }
}

/// The span status description for a transport error (also the exception event's
/// `exception.message`). Built from the error's sources,
/// never from its `Display`: reqwest appends the full URL there, credentials included.
/// A middleware's error is free text we cannot vouch for, so it is not copied.
pub(crate) fn error_description(error: &reqwest_middleware::Error, error_type: &str) -> String {
    let reqwest_middleware::Error::Reqwest(e) = error else {
        return "middleware error".to_owned();
    };
    let mut description = error_type.to_owned();
    let mut source = e.source();
    while let Some(s) = source {
        description.push_str(": ");
        description.push_str(&s.to_string());
        source = s.source();
    }
    description
}
