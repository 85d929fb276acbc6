//! The attribute value length limits of the specification, which the 0.33 SDK parses
//! nowhere and applies nowhere: a [`ValueLengthLimit`], applied in front of any exporter
//! by [`TruncatingSpanProcessor`] (span, span event and span link attributes) and
//! [`TruncatingLogProcessor`] (`logs`; log record attributes). otel-kit-init reads the
//! limits from `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT` and
//! `OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT`, each falling back to
//! `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`; nothing here reads the environment.
//!
//! A string value longer than the limit, in characters, is cut to exactly the limit at
//! a character boundary; so is each string of an array, and each string nested in a
//! log attribute's list or map. Other values are left alone, as are names and log
//! bodies (the limits are for attributes). Every cut value is counted
//! ([`ValueLengthLimit::truncated`], and otel-kit-init's `Telemetry::truncated_values()`
//! for what `init()` built).
//!
//! Put them after redaction (otel-kit-init's `init()` does): a secret cut in half could
//! escape the scanners that recognise it whole.

mod limit;
#[cfg(feature = "logs")]
mod log_processor;
mod span_processor;

pub use limit::ValueLengthLimit;
#[cfg(feature = "logs")]
pub use log_processor::TruncatingLogProcessor;
pub use span_processor::TruncatingSpanProcessor;
