//! Two changes a [`ChangedFields`] makes to the values it hands over:
//!
//! - [`IntegerFields`]: the span bridge given unsigned and 128-bit integers as integers.
//!   `tracing-opentelemetry` 0.34's visitors have no `record_u64`, `record_i128` or
//!   `record_u128`, so `tracing` hands those values over as `Debug` text and a `u64` user
//!   id is exported as the string `"7"` (while the log bridge makes the same field an
//!   integer). Each such value is handed over as an `i64` where it fits and as its
//!   decimal text where it does not.
//! - [`BoundedErrors`]: a layer given each error value with its source chain cut to
//!   [`MAX_SOURCES`](crate::request_path::exception::MAX_SOURCES). tracing-opentelemetry
//!   and tracing-subscriber's fmt layer follow an error's `source()` chain to its end; an
//!   error that is its own source (a bug, but one a library can ship) never ends, and
//!   the thread that logged it hangs. The span bridge's [`IntegerFields`] cuts chains too.
//!
//! A span, record or event without such a value goes through untouched, at the cost of
//! one visit that formats nothing.

use std::error::Error;
use std::fmt;

use tracing::Metadata;
use tracing::field::{Field, Visit};

use super::changed_fields::{ChangedFields, FieldChange, sealed};
use super::fields_again::{Captured, Given};

/// The `tracing` span bridge with every integer field of a span, a record or an event
/// handed over as an integer where it fits in `i64`.
///
/// ```
/// use opentelemetry::trace::TracerProvider as _;
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
/// use otel_kit_core::__private::IntegerFields;
/// use tracing_subscriber::layer::SubscriberExt as _;
///
/// let exporter = InMemorySpanExporter::default();
/// let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
/// let bridge = tracing_opentelemetry::layer().with_tracer(provider.tracer("app"));
/// let subscriber = tracing_subscriber::registry().with(IntegerFields::new(bridge));
/// tracing::subscriber::with_default(subscriber, || {
///     tracing::info_span!("load", user.id = 7_u64, big = u64::MAX).in_scope(|| {});
/// });
/// let spans = exporter.get_finished_spans()?;
/// let value = |key: &str| spans[0].attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| kv.value.clone());
/// assert_eq!(value("user.id"), Some(opentelemetry::Value::I64(7)));
/// assert_eq!(value("big"), Some("18446744073709551615".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type IntegerFields<L> = ChangedFields<L, Integers>;

/// The [`FieldChange`] of [`IntegerFields`]: `u64` (and narrower unsigned types,
/// `usize`), `i128` and `u128` values as `i64` where they fit, else as decimal text; an
/// error with its chain cut, as every change hands errors over.
#[derive(Debug, Clone, Copy, Default)]
pub struct Integers;

impl sealed::Sealed for Integers {}

impl FieldChange for Integers {
    const SPANS: bool = true;

    fn applies(&self, _: &'static Metadata<'static>, record: &mut dyn FnMut(&mut dyn Visit)) -> bool {
        let seen = ValuesSeen::of(record);
        seen.wide_integer || seen.error
    }

    fn change(&self, _: &Field, given: &Given<'_>) -> Option<Captured> {
        match *given {
            Given::Unsigned(value) => Some(Captured::integer(value)),
            Given::I128(value) => Some(Captured::integer(value)),
            Given::U128(value) => Some(Captured::integer(value)),
            _ => None,
        }
    }
}

/// A layer given every error value of a span, a record or an event with its source chain
/// cut to a bound, and everything else as it came.
///
/// ```
/// use otel_kit_core::__private::BoundedErrors;
/// use tracing_subscriber::layer::SubscriberExt as _;
///
/// #[derive(Debug)]
/// struct Again;
/// impl std::fmt::Display for Again {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         f.write_str("again")
///     }
/// }
/// impl std::error::Error for Again {
///     fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
///         Some(&Again)
///     }
/// }
///
/// let console = BoundedErrors::new(tracing_subscriber::fmt::layer().with_writer(std::io::sink));
/// tracing::subscriber::with_default(tracing_subscriber::registry().with(console), || {
///     // Without the wrapper, the formatter would follow `source()` forever.
///     tracing::error!(error = &Again as &dyn std::error::Error);
/// });
/// ```
pub type BoundedErrors<L> = ChangedFields<L, ErrorChains>;

/// The [`FieldChange`] of [`BoundedErrors`]: only errors, each as a copy with its chain
/// cut.
#[derive(Debug, Clone, Copy, Default)]
pub struct ErrorChains;

impl sealed::Sealed for ErrorChains {}

impl FieldChange for ErrorChains {
    const SPANS: bool = true;

    fn applies(&self, _: &'static Metadata<'static>, record: &mut dyn FnMut(&mut dyn Visit)) -> bool {
        ValuesSeen::of(record).error
    }

    fn change(&self, _: &Field, _: &Given<'_>) -> Option<Captured> {
        // Every value as it came; an error as it comes is a copy with its chain cut.
        None
    }
}

/// What a visit finds: a value the span bridge would turn into text, an error.
#[derive(Default)]
struct ValuesSeen {
    wide_integer: bool,
    error: bool,
}

impl ValuesSeen {
    fn of(record: &mut dyn FnMut(&mut dyn Visit)) -> Self {
        let mut seen = ValuesSeen::default();
        record(&mut seen);
        seen
    }
}

impl Visit for ValuesSeen {
    fn record_u64(&mut self, _: &Field, _: u64) {
        self.wide_integer = true;
    }
    fn record_i128(&mut self, _: &Field, _: i128) {
        self.wide_integer = true;
    }
    fn record_u128(&mut self, _: &Field, _: u128) {
        self.wide_integer = true;
    }
    fn record_error(&mut self, _: &Field, _: &(dyn Error + 'static)) {
        self.error = true;
    }
    fn record_debug(&mut self, _: &Field, _: &dyn fmt::Debug) {}
}
