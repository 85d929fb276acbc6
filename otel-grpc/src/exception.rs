//! Which errors that end a call are its exception (`rpc.client.call.exception`,
//! `rpc.server.call.exception`), and the exception's type and message.
//!
//! An error that is a `Status` is not one: it is the call's answer (a server handler's
//! `Err(Status)` goes back as `grpc-status`), recorded as `rpc.status_code`;
//! an event for it would be one of the "artificial exceptions for operations that end
//! with an unsuccessful error code" that the conventions ask not to record. Any other
//! error (the channel's transport error, a timeout, a service's own error) is one.

use std::any::Any;
use std::error::Error;
use std::fmt::Display;

use otel_kit_core::__private::exception::{bounded, message_with_sources, type_name};
use tonic::{ConnectError, TimeoutExpired};

use crate::error_code::{BoxError, status_of_any};

/// The exception an error stands for.
pub(crate) struct Raised {
    /// `exception.type`: the error's dynamic type where a downcast finds it (a boxed
    /// transport error), else its static type.
    pub(crate) exception_type: &'static str,
    /// `exception.message`: the error's message with its sources (a
    /// `tonic::transport::Error` says only `transport error` by itself), bounded.
    pub(crate) message: String,
}

/// The exception `error` stands for; `None` for a `Status` (boxed or not).
pub(crate) fn raised<E: Display + Any>(error: &E) -> Option<Raised> {
    if status_of_any(error).is_some() {
        return None;
    }
    Some(match as_error(error) {
        Some(dynamic) => Raised {
            exception_type: dynamic_type(dynamic).unwrap_or_else(type_name::<E>),
            message: message_with_sources(dynamic),
        },
        None => Raised {
            exception_type: type_name::<E>(),
            message: bounded(&error.to_string()).to_owned(),
        },
    })
}

/// The exception a response body's error stands for, when it is of a type read here (a
/// boxed error, a transport or I/O error) and no `Status`: a body's error type need
/// not say anything of itself (no `Display`). A `Status`, the error of tonic's bodies,
/// is the call's answer.
pub(crate) fn raised_in_body<E: Any>(error: &E) -> Option<Raised> {
    if status_of_any(error).is_some() {
        return None;
    }
    let dynamic = as_error(error)?;
    Some(Raised {
        exception_type: dynamic_type(dynamic).unwrap_or_else(type_name::<E>),
        message: message_with_sources(dynamic),
    })
}

/// `error` as a `dyn Error`, for the types a channel or tower returns, whose sources
/// and dynamic type can then be read.
fn as_error<E: Any>(error: &E) -> Option<&(dyn Error + 'static)> {
    let any: &dyn Any = error;
    if let Some(boxed) = any.downcast_ref::<BoxError>() {
        return Some(&**boxed);
    }
    if let Some(transport) = any.downcast_ref::<tonic::transport::Error>() {
        return Some(transport);
    }
    any.downcast_ref::<std::io::Error>().map(|io| io as _)
}

/// The type of the error behind a `dyn Error`, when it is one a channel returns.
fn dynamic_type(error: &(dyn Error + 'static)) -> Option<&'static str> {
    if error.is::<tonic::transport::Error>() {
        Some(type_name::<tonic::transport::Error>())
    } else if error.is::<TimeoutExpired>() {
        Some(type_name::<TimeoutExpired>())
    } else if error.is::<ConnectError>() {
        Some(type_name::<ConnectError>())
    } else if error.is::<std::io::Error>() {
        Some(type_name::<std::io::Error>())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use tonic::Status;

    use super::*;

    #[test]
    fn a_status_is_no_exception_and_a_boxed_error_is_named_by_its_own_type() {
        assert!(raised(&Status::not_found("x")).is_none());
        let boxed: BoxError = Box::new(Status::internal("x"));
        assert!(raised(&boxed).is_none());

        let boxed: BoxError = Box::new(TimeoutExpired(()));
        let timeout = raised(&boxed).expect("an exception");
        assert_eq!(timeout.exception_type, type_name::<TimeoutExpired>());
        assert!(
            timeout.message.starts_with("Timeout expired"),
            "{}",
            timeout.message
        );

        let io = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert_eq!(
            raised_in_body(&io).expect("an exception").exception_type,
            "std::io::error::Error"
        );
        assert!(raised_in_body(&Status::cancelled("x")).is_none());
        assert!(raised_in_body(&7_u8).is_none(), "nothing to say of it");

        let plain = raised(&"refused").expect("an exception");
        assert_eq!(
            (plain.exception_type, plain.message.as_str()),
            ("&str", "refused")
        );
    }
}
