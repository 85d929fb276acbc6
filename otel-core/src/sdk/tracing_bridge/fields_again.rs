//! A `tracing` span's, record's or event's fields handed to a bridge again, each value
//! changed or kept: what [`IntegerFields`](super::IntegerFields) and
//! [`ExceptionFields`](super::ExceptionFields) build on.
//!
//! `tracing` lends its values only for the length of a visit, so the values are taken
//! out ([`Capture`]) and a new value set is made over the same call site's fields.
//! Each value is handed over the way it came (`Debug` text through `record_debug`, a
//! `&str` through `record_str`, an error as an error), so the bridge reads what it would
//! have read, except where the caller changed it.

use std::error::Error;
use std::fmt::{self, Write as _};

use tracing::Metadata;
use tracing::field::{DisplayValue, Field, Value, ValueSet, Visit};

use crate::request_path::exception::{MAX_MESSAGE_BYTES, MAX_SOURCES, bounded};

/// One field's value, taken out of a visit.
pub enum Captured {
    Int(i64),
    Unsigned(u64),
    I128(i128),
    U128(u128),
    Float(f64),
    Bool(bool),
    /// Given as `&str` (or made here: an integer too wide for `i64`, as decimal text).
    Text(String),
    /// Given as `Debug`: handed over through `record_debug` again, with the same text.
    Debug(DisplayValue<String>),
    Bytes(Box<[u8]>),
    Error(Box<dyn Error + Send + Sync + 'static>),
}

impl Captured {
    /// An integer as `i64` where it fits, else its decimal text.
    pub(super) fn integer<T: TryInto<i64> + fmt::Display + Copy>(value: T) -> Captured {
        value
            .try_into()
            .map_or_else(|_| Captured::Text(value.to_string()), Captured::Int)
    }

    /// `text` as an error without sources (its sources already in the text), cut to
    /// [`MAX_MESSAGE_BYTES`].
    pub(super) fn error_text(text: &str) -> Captured {
        Captured::Error(Box::new(ErrorText(bounded(text).to_owned())))
    }

    fn as_value(&self) -> &dyn Value {
        match self {
            Captured::Int(value) => value,
            Captured::Unsigned(value) => value,
            Captured::I128(value) => value,
            Captured::U128(value) => value,
            Captured::Float(value) => value,
            Captured::Bool(value) => value,
            Captured::Text(value) => value,
            Captured::Debug(value) => value,
            Captured::Bytes(value) => value,
            Captured::Error(value) => value,
        }
    }
}

/// A value's `Debug` text, formatted no further than [`MAX_MESSAGE_BYTES`] (a value
/// whose text would run to megabytes stops being formatted there).
pub(super) fn bounded_debug(value: &dyn fmt::Debug) -> String {
    let mut text = BoundedText(String::new());
    // An error here only says the bound was reached.
    let _ = write!(text, "{value:?}");
    bounded(&text.0).to_owned()
}

struct BoundedText(String);

impl fmt::Write for BoundedText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = MAX_MESSAGE_BYTES + 4 - self.0.len().min(MAX_MESSAGE_BYTES + 4);
        if s.len() > room {
            // Up to a character boundary past the bound, so `bounded` cuts where it would.
            let end = s.ceil_char_boundary(room);
            self.0.push_str(&s[..end]);
            return Err(fmt::Error);
        }
        self.0.push_str(s);
        Ok(())
    }
}

/// An error's message as the kit recorded it: the text only, no sources.
#[derive(Debug)]
struct ErrorText(String);

impl fmt::Display for ErrorText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for ErrorText {}

/// An error handed over again as an error: its `Display` text and its sources' texts,
/// each cut to [`MAX_MESSAGE_BYTES`], at most [`MAX_SOURCES`] of them, so the bridge
/// reads the same message and source chain, and a chain that never ends stops.
#[derive(Debug)]
struct CapturedError {
    message: String,
    source: Option<Box<CapturedError>>,
}

impl CapturedError {
    fn of(error: &(dyn Error + 'static)) -> Self {
        let mut texts = Vec::new();
        let mut next = Some(error);
        while let Some(error) = next
            && texts.len() <= MAX_SOURCES
        {
            texts.push(bounded(&error.to_string()).to_owned());
            next = error.source();
        }
        // Built from the innermost source out: no recursion follows the chain.
        let mut captured = CapturedError {
            message: texts.pop().unwrap_or_default(),
            source: None,
        };
        while let Some(message) = texts.pop() {
            captured = CapturedError {
                message,
                source: Some(Box::new(captured)),
            };
        }
        captured
    }
}

impl fmt::Display for CapturedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for CapturedError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn Error + 'static))
    }
}

/// Takes each value a visit gives out, as `change` decides for its field (`None`: as it
/// came).
pub(super) struct Capture<F> {
    values: Vec<(usize, Captured)>,
    change: F,
}

/// What a caller may change: a field's `u64`, `i128`, `u128`, `&str`, `Debug` or error
/// value.
pub enum Given<'a> {
    Text(&'a str),
    Unsigned(u64),
    I128(i128),
    U128(u128),
    Debug(&'a dyn fmt::Debug),
    Error(&'a (dyn Error + 'static)),
}

impl<F: FnMut(&Field, &Given<'_>) -> Option<Captured>> Capture<F> {
    pub(super) fn new(change: F) -> Self {
        Capture {
            values: Vec::new(),
            change,
        }
    }

    fn push(&mut self, field: &Field, value: Captured) {
        self.values.push((field.index(), value));
    }

    fn given(&mut self, field: &Field, given: Given<'_>, otherwise: impl FnOnce() -> Captured) {
        let value = (self.change)(field, &given).unwrap_or_else(otherwise);
        self.push(field, value);
    }

    /// Calls `f` with the captured values as a value set over `metadata`'s fields.
    pub(super) fn hand_over<R>(
        &self,
        metadata: &'static Metadata<'static>,
        f: impl FnOnce(&ValueSet<'_>) -> R,
    ) -> R {
        let fields = metadata.fields();
        let mut slots: Vec<Option<&dyn Value>> = vec![None; fields.len()];
        for (index, value) in &self.values {
            if let Some(slot) = slots.get_mut(*index) {
                *slot = Some(value.as_value());
            }
        }
        f(&fields.value_set_all(&slots))
    }
}

impl<F: FnMut(&Field, &Given<'_>) -> Option<Captured>> Visit for Capture<F> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.push(field, Captured::Float(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.push(field, Captured::Int(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.given(field, Given::Unsigned(value), || Captured::Unsigned(value));
    }
    fn record_i128(&mut self, field: &Field, value: i128) {
        self.given(field, Given::I128(value), || Captured::I128(value));
    }
    fn record_u128(&mut self, field: &Field, value: u128) {
        self.given(field, Given::U128(value), || Captured::U128(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.push(field, Captured::Bool(value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.given(field, Given::Text(value), || Captured::Text(value.to_owned()));
    }
    fn record_bytes(&mut self, field: &Field, value: &[u8]) {
        self.push(field, Captured::Bytes(value.into()));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn Error + 'static)) {
        self.given(field, Given::Error(value), || {
            Captured::Error(Box::new(CapturedError::of(value)))
        });
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.given(field, Given::Debug(value), || {
            Captured::Debug(tracing::field::display(format!("{value:?}")))
        });
    }
}
