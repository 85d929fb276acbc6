//! What the CLIENT span and the duration metric say about a request the client failed:
//! `error.type` and the status description, read from the error's chain of sources.

use std::error::Error;
use std::io::ErrorKind;

use otel_kit_core::__private::error_type::of_type;
use otel_kit_core::__private::exception::message_with_sources;

/// `error.type` of a request the client (of error type `E`) failed, the same values as
/// the reqwest middleware's where the cause says which:
///
/// | value | when |
/// | --- | --- |
/// | `timeout` | an I/O error in the error's sources timed out (a connect timeout) |
/// | `connect` | an I/O error in its sources is a refused or unreachable connection |
/// | the error's type path | otherwise (`hyper_util::client::legacy::client::Error`), as the conventions name an exception's type |
pub(crate) fn error_type<E: Error + 'static>(error: &E) -> &'static str {
    let mut source: Option<&(dyn Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            match io.kind() {
                ErrorKind::TimedOut => return "timeout",
                ErrorKind::ConnectionRefused
                | ErrorKind::HostUnreachable
                | ErrorKind::NetworkUnreachable
                | ErrorKind::NetworkDown
                | ErrorKind::AddrNotAvailable => return "connect",
                _ => {}
            }
        }
        source = cause.source();
    }
    of_type::<E>()
}

/// The span status description of a failed request (also the exception event's
/// `exception.message`): `error.type`, then the error's message with its sources
/// (hyper-util's says only `client error (Connect)` by itself), bounded. An error's text
/// is the client's; otel-kit-init's redaction scrubs it on export, as every exception
/// message.
pub(crate) fn error_description(error: &(dyn Error + 'static), error_type: &str) -> String {
    format!("{error_type}: {}", message_with_sources(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Client(std::io::Error);

    impl std::fmt::Display for Client {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("client error (Connect)")
        }
    }

    impl Error for Client {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn the_cause_decides_else_the_type() {
        let refused = Client(ErrorKind::ConnectionRefused.into());
        assert_eq!(error_type(&refused), "connect");
        assert_eq!(
            error_description(&refused, "connect"),
            "connect: client error (Connect): connection refused"
        );
        assert_eq!(error_type(&Client(ErrorKind::TimedOut.into())), "timeout");
        let reset = Client(ErrorKind::ConnectionReset.into());
        assert_eq!(error_type(&reset), of_type::<Client>());
        assert_eq!(error_type(&std::io::Error::other("x")), "std::io::error::Error");
    }
}
