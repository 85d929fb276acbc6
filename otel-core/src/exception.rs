//! Exceptions: how the kit records a call that failed with a panic (Rust's unhandled
//! exception) or with an error an application hands it, as one log event per the
//! recording-errors convention. The decision and its reasons are in `docs/errors.md`:
//!
//! - **A panic** in the work a call wraps is recorded once, as a log record named after
//!   the operation (`http.server.request.exception`, `rpc.server.call.exception`, ...),
//!   with `exception.type = "panic"`, `exception.message` (the panic's text, bounded)
//!   and the severity the event's definition gives, in the span's context. The span
//!   also gets status Error with the same text as its description.
//! - **An error returned** through an instrumented call is recorded on the span (status
//!   Error, its message as the description, `error.type`) and the duration metric, not
//!   as a log record: it goes back to the caller, which handles or logs it, and the
//!   convention asks for one record of a failure.
//! - Never as span events (the `exception` span event is being phased out for logs).
//!
//! Every message is cut to [`MAX_MESSAGE_BYTES`] at a character boundary here, and
//! redacted by otel-kit-init's processors like any other attribute.
//!
//! ```
//! use opentelemetry::logs::Severity;
//! use otel_kit_core::exception;
//!
//! let event = exception::panic_event("http.server.request.exception", Severity::Error, "index out of bounds");
//! assert_eq!(event.name(), "http.server.request.exception");
//! assert_eq!(exception::bounded(&"é".repeat(600)).len(), 1024);
//! ```

use std::any::Any;
use std::borrow::Cow;

use opentelemetry::Context;
use opentelemetry::logs::Severity;
use opentelemetry_semantic_conventions::attribute::{EXCEPTION_MESSAGE, EXCEPTION_TYPE};

use crate::call::ERROR_TYPE_PANIC;
use crate::log_events::LogEvent;
use crate::resolver::{Instruments, Resolver};

/// The longest exception message or status description the kit records, in bytes: a
/// panic or error text can embed a whole request or a data dump.
///
/// ```
/// assert_eq!(otel_kit_core::exception::MAX_MESSAGE_BYTES, 1024);
/// ```
pub const MAX_MESSAGE_BYTES: usize = 1024;

/// `message` cut to at most [`MAX_MESSAGE_BYTES`], at a character boundary.
///
/// ```
/// assert_eq!(otel_kit_core::exception::bounded("short"), "short");
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
/// assert_eq!(otel_kit_core::exception::bounded_cow(long).len(), 1024);
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

/// The exception event of a panic: `exception.type = "panic"` and the panic's text
/// (bounded) as `exception.message`.
pub fn panic_event(name: &'static str, severity: Severity, message: &str) -> LogEvent {
    error_event(name, severity, ERROR_TYPE_PANIC, message)
}

/// Records a panic caught in a call: its exception event `name` (at `severity`) in the
/// call's context `cx`, through `resolver`'s logger. Returns the panic's description
/// (`fallback` when the payload has no text), for the span's status and `error.type`'s
/// companions; the caller ends the call with it.
///
/// ```
/// use opentelemetry::Context;
/// use opentelemetry::logs::Severity;
/// use otel_kit_core::{Cache, Instruments, Providers, Resolver, exception};
///
/// struct Nothing;
/// impl Instruments for Nothing {
///     fn scope() -> opentelemetry::InstrumentationScope {
///         opentelemetry::InstrumentationScope::builder("example").build()
///     }
///     fn new(_: opentelemetry::metrics::Meter) -> Self {
///         Nothing
///     }
///     fn cache() -> &'static std::thread::LocalKey<Cache<Self>> {
///         thread_local! { static CACHE: Cache<Nothing> = const { Cache::new() }; }
///         &CACHE
///     }
/// }
///
/// let resolver = Resolver::<Nothing>::new(Providers::new());
/// let payload: Box<dyn std::any::Any + Send> = Box::new("index out of bounds");
/// let event = ("http.server.request.exception", Severity::Error);
/// let description = exception::record_panic(&resolver, &Context::new(), event, &*payload, "it panicked");
/// assert_eq!(description, "index out of bounds");
/// ```
pub fn record_panic<I: Instruments>(
    resolver: &Resolver<I>,
    cx: &Context,
    (name, severity): (&'static str, Severity),
    payload: &(dyn Any + Send),
    fallback: &'static str,
) -> Cow<'static, str> {
    let description = crate::panic_payload::description(payload, fallback);
    let event = panic_event(name, severity, &description);
    resolver.with(None, |resolved| resolved.emit(event, cx));
    description
}

/// The exception event of an error of type `exception_type` (a Rust type path, see
/// [`error_type::of_type`](crate::error_type::of_type)) with its message (bounded).
///
/// ```
/// use opentelemetry::logs::Severity;
///
/// let event = otel_kit_core::exception::error_event(
///     "gen_ai.client.operation.exception",
///     Severity::Warn,
///     "std::io::error::Error",
///     "connection reset",
/// );
/// assert_eq!(event.name(), "gen_ai.client.operation.exception");
/// ```
pub fn error_event(name: &'static str, severity: Severity, exception_type: &str, message: &str) -> LogEvent {
    LogEvent::new(name, severity)
        .attribute(EXCEPTION_TYPE, exception_type.to_owned())
        .attribute(EXCEPTION_MESSAGE, bounded(message).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_cut_at_a_character_boundary() {
        let text = format!("{}é", "a".repeat(MAX_MESSAGE_BYTES - 1));
        assert_eq!(
            bounded(&text).len(),
            MAX_MESSAGE_BYTES - 1,
            "never inside the two-byte é"
        );
        assert_eq!(bounded_cow(Cow::Owned(text)).len(), MAX_MESSAGE_BYTES - 1);
        assert_eq!(bounded(""), "");
    }
}
