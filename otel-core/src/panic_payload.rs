//! [`description`]: what a caught panic says, as a span's status description.

use std::any::Any;
use std::borrow::Cow;

/// The panic payload as text when it is a string (as `panic!` with a message makes
/// it), else `fallback`.
///
/// ```
/// let caught = std::panic::catch_unwind(|| panic!("no {}", "luck")).unwrap_err();
/// assert_eq!(otel_kit_core::panic_payload::description(&*caught, "it panicked"), "no luck");
/// let caught = std::panic::catch_unwind(|| std::panic::panic_any(7)).unwrap_err();
/// assert_eq!(otel_kit_core::panic_payload::description(&*caught, "it panicked"), "it panicked");
/// ```
pub fn description(payload: &(dyn Any + Send), fallback: &'static str) -> Cow<'static, str> {
    if let Some(message) = payload.downcast_ref::<&'static str>() {
        Cow::Borrowed(message)
    } else if let Some(message) = payload.downcast_ref::<String>() {
        Cow::Owned(message.clone())
    } else {
        Cow::Borrowed(fallback)
    }
}
