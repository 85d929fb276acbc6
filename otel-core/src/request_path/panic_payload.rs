//! [`description`]: what a caught panic says, as a span's status description and an exception message.

use std::any::Any;
use std::borrow::Cow;

/// The panic payload as text when it is a string (as `panic!` with a message makes
/// it), else `fallback`; cut to
/// [`MAX_MESSAGE_BYTES`](crate::request_path::exception::MAX_MESSAGE_BYTES) at a character boundary,
/// since a panic message can embed a whole request.
///
/// ```
/// let caught = std::panic::catch_unwind(|| panic!("no {}", "luck")).unwrap_err();
/// assert_eq!(otel_kit_core::__private::panic_payload::description(&*caught, "it panicked"), "no luck");
/// let caught = std::panic::catch_unwind(|| std::panic::panic_any(7)).unwrap_err();
/// assert_eq!(otel_kit_core::__private::panic_payload::description(&*caught, "it panicked"), "it panicked");
/// let caught = std::panic::catch_unwind(|| panic!("{}", "x".repeat(10_000))).unwrap_err();
/// assert_eq!(otel_kit_core::__private::panic_payload::description(&*caught, "it panicked").len(), 1024);
/// ```
pub fn description(payload: &(dyn Any + Send), fallback: &'static str) -> Cow<'static, str> {
    if let Some(message) = payload.downcast_ref::<&'static str>() {
        Cow::Borrowed(crate::request_path::message_bound::bounded(message))
    } else if let Some(message) = payload.downcast_ref::<String>() {
        Cow::Owned(crate::request_path::message_bound::bounded(message).to_owned())
    } else {
        Cow::Borrowed(fallback)
    }
}
