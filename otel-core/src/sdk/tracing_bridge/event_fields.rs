//! [`EventFields`]: the `tracing` log bridge given an event's `error` field as an
//! exception message, with its sources, and its `return` field cut to a bound.
//!
//! `#[instrument(err)]` writes `error = %e` (the error's `Display`), `err(Debug)`
//! writes `error = ?e`, and an application may write `error = &e as &dyn Error`, which
//! `tracing` hands over as an error with its `source()` chain. The log bridge makes the
//! last an `exception.message` of its `Display` alone (the sources are lost) and the
//! others a plain `error` attribute. Wrapped in [`EventFields`], it is given every one
//! of them as an error whose message is the text, with an error's sources joined on
//! (`outer: inner`), cut to [`MAX_MESSAGE_BYTES`](crate::request_path::exception::MAX_MESSAGE_BYTES):
//! each becomes the record's `exception.message`, as `docs/errors.md` decides. An event's
//! `return` (`#[instrument(ret)]`) is cut to the same bound, its `Debug` text formatted
//! no further. Events without either field go through untouched, decided by their call
//! site's field names.

use tracing::Metadata;
use tracing::field::{Field, Visit};

use super::changed_fields::{ChangedFields, FieldChange, sealed};
use super::fields_again::{Captured, Given, bounded_debug};
use crate::request_path::exception::bounded;
use crate::request_path::exception::message_with_sources;

/// The field `#[instrument(err)]` writes an error to.
pub(super) const ERROR: &str = "error";
/// The field `#[instrument(ret)]` writes the return value to.
const RETURN: &str = "return";

/// The `tracing` log bridge with each event's `error` field handed over as an error (the
/// record's `exception.message`: the text, with an error's sources), and its `return`
/// field cut to 1024 bytes.
///
/// ```
/// use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
/// use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
/// use otel_kit_core::__private::EventFields;
/// use tracing_subscriber::layer::SubscriberExt as _;
///
/// let exporter = InMemoryLogExporter::default();
/// let provider = SdkLoggerProvider::builder().with_simple_exporter(exporter.clone()).build();
/// let bridge = EventFields::new(OpenTelemetryTracingBridge::new(&provider));
/// let refused = std::io::Error::other("connection refused");
/// tracing::subscriber::with_default(tracing_subscriber::registry().with(bridge), || {
///     // An error value: its message and its sources.
///     tracing::error!(error = &std::io::Error::other(refused) as &dyn std::error::Error);
///     // `#[instrument(err)]`'s form: the `Display` text.
///     tracing::error!(error = %"load failed");
/// });
/// let logs = exporter.get_emitted_logs()?;
/// let message = |i: usize| {
///     logs[i].record.attributes_iter().find(|(key, _)| key.as_str() == "exception.message").map(|(_, value)| value.clone())
/// };
/// assert_eq!(message(0), Some("connection refused".into()));
/// assert_eq!(message(1), Some("load failed".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type EventFields<L> = ChangedFields<L, ErrorsAndReturns>;

/// The [`FieldChange`] of [`EventFields`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ErrorsAndReturns;

impl sealed::Sealed for ErrorsAndReturns {}

/// The text of an `error` field, as the span's status and the log record's
/// `exception.message` both say it: an error's message with its sources, a `Debug` or
/// `Display` value's text, a `&str`, cut to 1024 bytes; `None` for another kind of value.
pub(super) fn error_text(given: &Given<'_>) -> Option<String> {
    match *given {
        Given::Error(error) => Some(message_with_sources(error)),
        Given::Debug(value) => Some(bounded_debug(value)),
        Given::Text(text) => Some(bounded(text).to_owned()),
        _ => None,
    }
}

impl FieldChange for ErrorsAndReturns {
    const SPANS: bool = false;

    fn applies(&self, metadata: &'static Metadata<'static>, _: &mut dyn FnMut(&mut dyn Visit)) -> bool {
        metadata
            .fields()
            .iter()
            .any(|field| matches!(field.name(), ERROR | RETURN))
    }

    fn change(&self, field: &Field, given: &Given<'_>) -> Option<Captured> {
        match (field.name(), given) {
            (ERROR, given) => error_text(given).map(|text| Captured::error_text(&text)),
            (RETURN, Given::Debug(value)) => {
                Some(Captured::Debug(tracing::field::display(bounded_debug(*value))))
            }
            (RETURN, Given::Text(text)) => Some(Captured::Text(bounded(text).to_owned())),
            _ => None,
        }
    }
}
