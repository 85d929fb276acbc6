//! Processors for any `opentelemetry_sdk` user that decide what leaves the process, in
//! front of any exporter:
//!
//! - **[`redaction`]** (`redaction`): secrets kept in: attribute keys dropped by pattern,
//!   values of chosen keys replaced by a keyed hash, e-mail addresses, card numbers,
//!   `Bearer` credentials and JWTs scrubbed out of values; as a span processor, a log
//!   processor and a propagator wrapper.
//! - **[`baggage`]** (`baggage`): the baggage members named in an allow-list copied
//!   onto each span and log record, e-mail addresses scrubbed, before redaction.
//! - **[`value_length`]** (`value-length`): the specification's attribute value length
//!   limits, as a span and a log processor, with every cut value counted.
//! - **[`batch`]**: [`SpanQueueProcessor`](batch::SpanQueueProcessor) and
//!   `LogQueueProcessor`, the SDK's batch span and log processors with drops counted,
//!   failures reported at most once per 10 s, `on_end` and `emit` never blocking, and
//!   no one trace able to fill the span queue.
//! - [`TransformingSpanProcessor`] and [`TransformingLogProcessor`]: the processors the
//!   redacting and truncating ones are, for a [`SpanTransform`] or [`LogTransform`] of
//!   one's own.
//!
//! ```
//! use opentelemetry::KeyValue;
//! use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
//! use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
//! use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};
//! use otel_kit_processors::redaction::{RedactingSpanProcessor, Redaction};
//!
//! let exporter = InMemorySpanExporter::default();
//! let queue = SpanQueueProcessor::new(exporter.clone(), BatchSettings::SPAN_DEFAULTS);
//! let processor = RedactingSpanProcessor::new(queue, Redaction::default().build()?);
//! let provider = SdkTracerProvider::builder().with_span_processor(processor).build();
//! let mut span = provider.tracer("checkout").start("pay");
//! span.set_attribute(KeyValue::new("user.password", "hunter2"));
//! span.end();
//! provider.force_flush()?;
//! assert!(exporter.get_finished_spans()?[0].attributes.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Nothing here reads the environment: every setting is given in code. otel-kit-init
//! reads the `OTEL_*` and `OTEL_KIT_*` variables and builds these processors from them.
//!
//! # Cargo features
//!
//! | feature | default | what it brings | what it compiles |
//! | --- | --- | --- | --- |
//! | `logs` | yes | the log processors (`batch::LogQueueProcessor` too), [`BatchSettings::LOG_DEFAULTS`](batch::BatchSettings) | the SDK's logs |
//! | `redaction` | yes | [`redaction`] | hmac-sha256 (pure Rust, no dependencies) |
//! | `baggage` | yes | [`baggage`] (e-mail scrubbing is redaction's matcher) | `redaction` |
//! | `value-length` | yes | [`value_length`] | nothing more |

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "baggage")]
#[cfg_attr(docsrs, doc(cfg(feature = "baggage")))]
pub mod baggage;
pub mod batch;
#[cfg(feature = "logs")]
mod log_rebuild;
#[cfg(feature = "logs")]
mod log_transform;
#[cfg(feature = "redaction")]
#[cfg_attr(docsrs, doc(cfg(feature = "redaction")))]
pub mod redaction;
mod span_transform;
#[cfg(feature = "value-length")]
#[cfg_attr(docsrs, doc(cfg(feature = "value-length")))]
pub mod value_length;

#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
pub use log_transform::{LogTransform, TransformingLogProcessor};
pub use span_transform::{SpanTransform, TransformingSpanProcessor};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
