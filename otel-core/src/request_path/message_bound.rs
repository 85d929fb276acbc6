//! [`bounded`]: the one bound on every exception message and status description the
//! kit records ([`MAX_MESSAGE_BYTES`]), re-exported from [`exception`](crate::request_path::exception).

use std::borrow::Cow;

/// The longest exception message or status description the kit records, in bytes: a
/// panic or error text can embed a whole request or a data dump.
///
/// ```
/// assert_eq!(otel_kit_core::__private::exception::MAX_MESSAGE_BYTES, 1024);
/// ```
pub const MAX_MESSAGE_BYTES: usize = 1024;

/// `message` cut to at most [`MAX_MESSAGE_BYTES`], at a character boundary.
///
/// ```
/// assert_eq!(otel_kit_core::__private::exception::bounded("short"), "short");
/// ```
pub fn bounded(message: &str) -> &str {
    &message[..message.floor_char_boundary(MAX_MESSAGE_BYTES)]
}

/// [`bounded`] for a message the caller owns or borrows for `'static`, without a copy.
///
/// ```
/// use std::borrow::Cow;
///
/// let long = Cow::Owned("x".repeat(5000));
/// assert_eq!(otel_kit_core::__private::exception::bounded_cow(long).len(), 1024);
/// ```
pub fn bounded_cow(message: Cow<'static, str>) -> Cow<'static, str> {
    match message {
        Cow::Borrowed(text) => Cow::Borrowed(bounded(text)),
        Cow::Owned(mut text) => {
            text.truncate(text.floor_char_boundary(MAX_MESSAGE_BYTES));
            Cow::Owned(text)
        }
    }
}
