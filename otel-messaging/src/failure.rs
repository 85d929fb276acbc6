//! [`Failure`]: how an operation failed, in the conventions' terms (`error.type` and the
//! span status description), and [`HandlerOutcome`], how a message handler's output
//! says whether processing failed.

use std::borrow::Cow;
use std::fmt::Display;

use otel_kit_core::{__private::error_type, __private::exception};

/// A failed operation: its `error.type` (low cardinality: an error kind or a Rust type
/// path), a description for the span status, at most
/// [`MAX_MESSAGE_BYTES`](otel_kit_core::__private::exception::MAX_MESSAGE_BYTES), and, when the
/// failure is an error value the operation returned (an exception), that error's type:
/// the operation then also emits its exception event (`messaging.send.exception`, ...,
/// `exception.type` and `exception.message`, the description).
///
/// ```
/// use otel_kit_messaging::Failure;
///
/// // A failure known by a code: no exception event.
/// let failure = Failure::new("timed_out", "no reply within 2 s");
/// assert_eq!(failure.error_type(), "timed_out");
/// assert_eq!(failure.exception_type(), None);
///
/// // An error returned: one exception event.
/// let io = std::io::Error::other("broken pipe");
/// let failure = Failure::from_error(&io);
/// assert_eq!(failure.error_type(), "std::io::error::Error");
/// assert_eq!(failure.exception_type(), Some("std::io::error::Error"));
/// assert_eq!(failure.description(), "broken pipe");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    error_type: Cow<'static, str>,
    description: Cow<'static, str>,
    exception_type: Option<Cow<'static, str>>,
}

impl Failure {
    /// A failure of type `error_type` described by `description` (cut to the bound); no
    /// exception (see [`exception`](Self::exception)).
    pub fn new(error_type: impl Into<Cow<'static, str>>, description: impl Into<Cow<'static, str>>) -> Self {
        Self {
            error_type: error_type.into(),
            description: exception::bounded_cow(description.into()),
            exception_type: None,
        }
    }

    /// The failure of `error`, an exception: its type path as `error.type` (`_OTHER` for
    /// a boxed trait object, whose type is only known at run time), its message, and
    /// its type as `exception.type` ([`otel_kit_core::__private::exception::type_name`]).
    pub fn from_error<E: Display + ?Sized>(error: &E) -> Self {
        Self::new(error_type::of_type::<E>(), error.to_string()).exception(exception::type_name::<E>())
    }

    /// Marks the failure as an exception of type `exception_type` (the error's Rust type
    /// path): the operation that ends with it emits its exception event, once.
    ///
    /// ```
    /// let failure = otel_kit_messaging::Failure::new("no_responders", "no responders")
    ///     .exception("async_nats::error::Error");
    /// assert_eq!(failure.exception_type(), Some("async_nats::error::Error"));
    /// ```
    pub fn exception(mut self, exception_type: impl Into<Cow<'static, str>>) -> Self {
        self.exception_type = Some(exception_type.into());
        self
    }

    /// `exception.type` of the exception event, when the failure is an exception.
    pub fn exception_type(&self) -> Option<&str> {
        self.exception_type.as_deref()
    }

    /// `error.type`.
    pub fn error_type(&self) -> &str {
        &self.error_type
    }

    /// The span status description.
    pub fn description(&self) -> &str {
        &self.description
    }

    pub(crate) fn error_type_value(&self) -> opentelemetry::StringValue {
        match &self.error_type {
            Cow::Borrowed(text) => (*text).into(),
            Cow::Owned(text) => text.clone().into(),
        }
    }
}

/// What a message handler returns, read for the process span's outcome: `()` always
/// succeeds; `Err(e)` of a `Result` fails with [`Failure::from_error`] (`error.type` is
/// `E`'s type path, the status description its message) and is the process span's
/// `messaging.process.exception` (severity ERROR).
///
/// ```
/// use otel_kit_messaging::HandlerOutcome;
///
/// assert!(().failure().is_none());
/// let failed: Result<(), std::fmt::Error> = Err(std::fmt::Error);
/// assert_eq!(failed.failure().unwrap().error_type(), "core::fmt::Error");
/// ```
pub trait HandlerOutcome {
    /// The failure this output stands for, if any.
    fn failure(&self) -> Option<Failure>;
}

impl HandlerOutcome for () {
    fn failure(&self) -> Option<Failure> {
        None
    }
}

impl<T, E: Display> HandlerOutcome for Result<T, E> {
    fn failure(&self) -> Option<Failure> {
        self.as_ref().err().map(Failure::from_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_description_is_cut_and_a_boxed_error_is_other() {
        let long = Failure::new("x", "é".repeat(2000));
        assert!(long.description().len() <= exception::MAX_MESSAGE_BYTES);
        let boxed: Box<dyn std::error::Error + Send + Sync> = "gone".into();
        let failure = Failure::from_error(&boxed);
        assert_eq!(failure.error_type(), "_OTHER");
        assert_eq!(failure.description(), "gone");
    }
}
