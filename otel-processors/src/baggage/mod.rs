//! Baggage onto telemetry: the members of the incoming or current baggage named in an
//! allow-list ([`BaggageAllowList`]) copied onto each span as it starts
//! ([`BaggageSpanProcessor`]) and onto each log record ([`BaggageLogProcessor`], `logs`),
//! so that `tenant.id` or `user.tier`, set once as baggage by the first service, is on
//! every downstream span and log. The Java, JavaScript and Python SDKs' baggage span
//! processors do the same; otel-kit-init reads the list from
//! `OTEL_KIT_BAGGAGE_ATTRIBUTES`, nothing here reads the environment.
//!
//! | question | answer |
//! | --- | --- |
//! | attribute key | the member's name, as it is (`tenant.id`) |
//! | members not listed | never copied |
//! | e-mail addresses in a copied value | replaced by `[REDACTED:email]`, unless [`BaggageAllowList::keep_emails`] |
//! | the outgoing `baggage` header | never changed by these processors |
//! | metrics | never: baggage is not copied onto metric points |
//! | span: an attribute of the same key | the later one wins, as in the other SDKs: the member replaces an attribute given when the span started, an attribute set afterwards replaces the member; the span is exported with the key once |
//! | log record: an attribute of the same key | the record's own is kept |
//! | how long a value can be | the API keeps at most 8192 bytes of baggage in all; the attribute value length limits apply after |
//!
//! Put them before redaction (otel-kit-init's `init()` does), so that a copied member is
//! dropped, hashed or scrubbed like any attribute.
//!
//! ```
//! use opentelemetry::baggage::BaggageExt as _;
//! use opentelemetry::trace::{Tracer as _, TracerProvider as _};
//! use opentelemetry::{Context, KeyValue};
//! use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};
//! use otel_kit_processors::baggage::{BaggageAllowList, BaggageSpanProcessor};
//!
//! let exporter = InMemorySpanExporter::default();
//! let list = BaggageAllowList::new(["tenant.id", "user.email"])?;
//! let processor = BaggageSpanProcessor::new(SimpleSpanProcessor::new(exporter.clone()), list);
//! let provider = SdkTracerProvider::builder().with_span_processor(processor).build();
//! let cx = Context::new().with_baggage([
//!     KeyValue::new("tenant.id", "acme"),
//!     KeyValue::new("user.email", "ada@example.com"),
//!     KeyValue::new("session.note", "not listed"),
//! ]);
//! let _guard = cx.attach();
//! provider.tracer("demo").in_span("checkout", |_| {});
//! let mut attributes = exporter.get_finished_spans()?[0].attributes.clone();
//! attributes.sort_by(|a, b| a.key.cmp(&b.key));
//! assert_eq!(attributes, [
//!     KeyValue::new("tenant.id", "acme"),
//!     KeyValue::new("user.email", "[REDACTED:email]"),
//! ]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod allow_list;
#[cfg(feature = "logs")]
mod log_processor;
mod span_processor;

pub use allow_list::{BaggageAllowList, BaggageAllowListError};
#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
pub use log_processor::BaggageLogProcessor;
pub use span_processor::BaggageSpanProcessor;
