//! Exceptions: how the kit records a call that failed with a panic (Rust's unhandled
//! exception) or with a returned error, as one log event per the recording-errors
//! convention. The decision and its reasons are in `docs/errors.md`:
//!
//! - **A panic** in the work a call wraps is recorded once, as a log record named after
//!   the operation (`http.server.request.exception`, `rpc.server.call.exception`, ...),
//!   with `exception.type = "panic"`, `exception.message` (the panic's text, bounded)
//!   and the severity the event's definition gives, in the span's context
//!   ([`record_panic`]). The span also gets status Error with the same text as its
//!   description.
//! - **An error returned** through an instrumented call (an `Err`: Rust's exception that
//!   the caller is handed) is recorded once, where it ends the call, as the same event
//!   with `exception.type` (the error's type, [`type_name`]) and `exception.message`
//!   (the span's status description) ([`record_error`]), besides the span's status and
//!   `error.type` and the duration metric.
//! - **A response with an error status** (HTTP 4xx/5xx, a gRPC status) is no exception:
//!   the conventions ask not to record "artificial exceptions" for an unsuccessful code.
//! - Never as span events (the `exception` span event is being phased out for logs).
//!
//! Every message is cut to [`MAX_MESSAGE_BYTES`] at a character boundary here, and
//! redacted by otel-kit-init's processors like any other attribute.
//!
//! ```
//! use opentelemetry::logs::Severity;
//! use otel_kit_core::__private::exception;
//!
//! let event = exception::panic_event("http.server.request.exception", Severity::Error, "index out of bounds");
//! assert_eq!(event.name(), "http.server.request.exception");
//! assert_eq!(exception::bounded(&"é".repeat(600)).len(), 1024);
//! assert_eq!(exception::type_name::<std::io::Error>(), "std::io::error::Error");
//! ```

use std::any::Any;
use std::borrow::Cow;

use opentelemetry::Context;
use opentelemetry::logs::Severity;
use otel_kit_semconv::attribute::{EXCEPTION_MESSAGE, EXCEPTION_TYPE};

use crate::log_events::LogEvent;
use crate::request_path::error_type::ERROR_TYPE_PANIC;
pub use crate::request_path::message_bound::{MAX_MESSAGE_BYTES, bounded, bounded_cow};
use crate::request_path::resolver::{Instruments, Resolved, Resolver};

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
/// use otel_kit_core::Providers;
/// use otel_kit_core::__private::{Cache, Instruments, Resolver, exception};
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
    let description = crate::request_path::panic_payload::description(payload, fallback);
    let event = panic_event(name, severity, &description);
    resolver.with(None, |resolved| resolved.emit(event, cx));
    description
}

/// The exception event of an error of type `exception_type` (a Rust type path, see
/// [`error_type::of_type`](crate::request_path::error_type::of_type)) with its message (bounded).
///
/// ```
/// use opentelemetry::logs::Severity;
///
/// let event = otel_kit_core::__private::exception::error_event(
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

/// `exception.type` of an error of type `E`: the path the compiler names it by
/// ([`std::any::type_name`]), without generic arguments, as
/// [`error_type::of_type`](crate::request_path::error_type::of_type) gives it (the conventions ask for
/// the fully qualified class name; a Rust type's generic arguments are no part of that
/// name, as a Java class's are not). Where `of_type` has no path to give (a boxed trait
/// object such as tower's `BoxError`, a reference), the whole `type_name`: a type is
/// always named. Callers that can see the dynamic type (a downcast) pass that one.
///
/// ```
/// use otel_kit_core::__private::exception::type_name;
///
/// assert_eq!(type_name::<std::io::Error>(), "std::io::error::Error");
/// assert_eq!(type_name::<std::sync::PoisonError<Vec<u8>>>(), "std::sync::poison::PoisonError");
/// assert_eq!(
///     type_name::<Box<dyn std::error::Error + Send + Sync>>(),
///     "alloc::boxed::Box<dyn core::error::Error + core::marker::Send + core::marker::Sync>"
/// );
/// ```
pub fn type_name<E: ?Sized>() -> &'static str {
    match crate::request_path::error_type::of_type::<E>() {
        crate::request_path::error_type::OTHER => std::any::type_name::<E>(),
        path => path,
    }
}

/// Records an error returned through a call: its exception event `name` (at `severity`)
/// in the call's context `cx`, with `exception.type` and `exception.message` (bounded),
/// through `resolved`'s logger. Nothing is built when there is no logger or it keeps no
/// event of this name and severity.
///
/// `message` is the one the span's status description gets (the conventions: "the span
/// status description SHOULD be set to the exception message"), so an instrumentation
/// that keeps secrets out of the description keeps them out of the event too.
///
/// ```
/// use opentelemetry::Context;
/// use opentelemetry::logs::Severity;
/// use otel_kit_core::Providers;
/// use otel_kit_core::__private::{Cache, Instruments, Resolver, exception};
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
/// let event = ("db.client.operation.exception", Severity::Warn);
/// resolver.with(None, |resolved| {
///     exception::record_error(resolved, &Context::new(), event, "sqlx_core::error::Error", "pool timed out");
/// });
/// ```
pub fn record_error<I: Instruments>(
    resolved: &Resolved<I>,
    cx: &Context,
    (name, severity): (&'static str, Severity),
    exception_type: &str,
    message: &str,
) {
    if let Some(logger) = resolved.logger()
        && logger.enabled(severity, name)
    {
        logger.emit_event(error_event(name, severity, exception_type, message), cx);
    }
}

/// How many sources of an error the kit reads at most ([`message_with_sources`], and the
/// chains the `tracing` bridge hands over): a chain that never ends stops there.
pub const MAX_SOURCES: usize = 64;

/// The message of `error` with its sources: `Display` of each, joined by `": "`, a
/// source left out when the text before already ends with it (wrappers that repeat
/// their source), cut to [`MAX_MESSAGE_BYTES`]; at most [`MAX_SOURCES`] sources are
/// read, so a chain that never ends (a source that is its own source) stops. For errors
/// whose own `Display` says only their kind (`transport error`), and for the errors an
/// application writes to `tracing` with their sources.
///
/// ```
/// let io = std::io::Error::other("connection refused");
/// let wrapped = std::io::Error::other(io);
/// assert_eq!(otel_kit_core::__private::exception::message_with_sources(&wrapped), "connection refused");
/// ```
pub fn message_with_sources(error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    let mut read = 0;
    while let Some(next) = source
        && message.len() < MAX_MESSAGE_BYTES
        && read < MAX_SOURCES
    {
        read += 1;
        let text = next.to_string();
        if !text.is_empty() && !message.ends_with(&text) {
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(&text);
        }
        source = next.source();
    }
    message.truncate(message.floor_char_boundary(MAX_MESSAGE_BYTES));
    message
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

    #[test]
    fn a_type_is_always_named() {
        assert_eq!(type_name::<std::fmt::Error>(), "core::fmt::Error");
        assert_eq!(type_name::<&str>(), "&str");
    }

    #[derive(Debug)]
    struct Outer(std::io::Error);

    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("transport error")
        }
    }

    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn sources_follow_the_message_once_each_and_bounded() {
        let error = Outer(std::io::Error::other("connection refused"));
        assert_eq!(
            message_with_sources(&error),
            "transport error: connection refused"
        );
        let long = Outer(std::io::Error::other("é".repeat(2000)));
        assert!(message_with_sources(&long).len() <= MAX_MESSAGE_BYTES);
    }
}
