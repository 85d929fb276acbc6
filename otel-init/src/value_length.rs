//! The attribute value length limits of the specification, which the 0.33 SDK parses
//! nowhere and applies nowhere: otel-kit-processors' [`value_length`](otel_kit_processors::value_length),
//! re-exported. `init()` reads `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT` (span, span event
//! and span link attributes) and `OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT` (log
//! record attributes), each falling back to `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`
//! ([`config::SpanLimitsConfig`](crate::config::SpanLimitsConfig) and
//! [`config::LogRecordLimits`](crate::config::LogRecordLimits)), and puts
//! [`TruncatingSpanProcessor`] in front of every span processor and
//! [`TruncatingLogProcessor`] (`logs`) before the log processors, both after redaction: a
//! secret cut in half could escape the scanners that recognise it whole. [`Telemetry::truncated_values`](crate::Telemetry::truncated_values)
//! counts the values cut.
//!
//! ```
//! use opentelemetry::KeyValue;
//! use otel_kit_init::value_length::ValueLengthLimit;
//!
//! let limit = ValueLengthLimit::new(Some(4));
//! let mut attributes = vec![KeyValue::new("db.query.text", "SELECT 1")];
//! limit.apply(&mut attributes);
//! assert_eq!(attributes[0].value.as_str(), "SELE");
//! assert_eq!(limit.truncated(), 1);
//! ```

#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
#[doc(inline)]
pub use otel_kit_processors::value_length::TruncatingLogProcessor;
#[doc(inline)]
pub use otel_kit_processors::value_length::{TruncatingSpanProcessor, ValueLengthLimit};
