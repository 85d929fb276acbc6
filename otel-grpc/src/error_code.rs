//! The gRPC code of a call that failed below gRPC (a transport error, a broken
//! stream): what tonic reports to the application for the same error, read from the
//! error's source chain without consuming it.

use std::any::Any;
use std::error::Error;

use tonic::{Code, ConnectError, Status, TimeoutExpired};

/// The boxed error of tower and tonic.
pub(crate) type BoxError = Box<dyn Error + Send + Sync>;

/// The code tonic derives from `error` (see `tonic::Status::from_error`), except that
/// a timeout after the request's own deadline is `DEADLINE_EXCEEDED` (tonic says
/// `CANCELLED`, though the gRPC specification names the deadline).
pub(crate) fn code_of(error: &(dyn Error + 'static), deadline_passed: bool) -> Code {
    let mut source = Some(error);
    while let Some(error) = source {
        if let Some(status) = error.downcast_ref::<Status>() {
            return status.code();
        }
        if error.downcast_ref::<TimeoutExpired>().is_some() {
            return if deadline_passed {
                Code::DeadlineExceeded
            } else {
                Code::Cancelled
            };
        }
        if error.downcast_ref::<ConnectError>().is_some() {
            return Code::Unavailable;
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            return Status::from(std::io::Error::from(io.kind())).code();
        }
        source = error.source();
    }
    if deadline_passed {
        Code::DeadlineExceeded
    } else {
        Code::Unknown
    }
}

/// The `Status` an error of any type is or boxes: what tonic's server answers for a
/// service error (its `RecoverError` layer turns it into the response).
pub(crate) fn status_of_any<E: Any>(error: &E) -> Option<&Status> {
    let any: &dyn Any = error;
    if let Some(status) = any.downcast_ref::<Status>() {
        return Some(status);
    }
    any.downcast_ref::<BoxError>()?.downcast_ref::<Status>()
}

/// The code of an error of any type: a `Status` (tonic's bodies), a boxed error, a
/// `tonic::transport::Error` (a `Channel`'s) or an I/O error is read; anything else
/// is `UNKNOWN` (`DEADLINE_EXCEEDED` past the deadline).
pub(crate) fn code_of_any<E: Any>(error: &E, deadline_passed: bool) -> Code {
    let any: &dyn Any = error;
    if let Some(status) = any.downcast_ref::<Status>() {
        return status.code();
    }
    if let Some(boxed) = any.downcast_ref::<BoxError>() {
        return code_of(&**boxed, deadline_passed);
    }
    // A `Channel`'s own error.
    if let Some(transport) = any.downcast_ref::<tonic::transport::Error>() {
        return code_of(transport, deadline_passed);
    }
    if let Some(io) = any.downcast_ref::<std::io::Error>() {
        return code_of(io, deadline_passed);
    }
    if deadline_passed {
        Code::DeadlineExceeded
    } else {
        Code::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_tonic() {
        let refused: BoxError = Box::new(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert_eq!(code_of(&*refused, false), Code::Unavailable);
        let status: BoxError = Box::new(Status::not_found("x"));
        assert_eq!(code_of(&*status, false), Code::NotFound);
        let timeout: BoxError = Box::new(TimeoutExpired(()));
        assert_eq!(code_of(&*timeout, true), Code::DeadlineExceeded);
        assert_eq!(code_of(&*timeout, false), Code::Cancelled);
        assert_eq!(code_of_any(&Status::data_loss("x"), false), Code::DataLoss);
        assert_eq!(code_of_any(&"other", false), Code::Unknown);
    }
}
