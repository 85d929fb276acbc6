//! Baggage onto spans and log records: otel-kit-processors'
//! [`baggage`](otel_kit_processors::baggage), re-exported, and the
//! `OTEL_KIT_BAGGAGE_*` variables (non-standard, like `OTEL_KIT_REDACT*`).
//!
//! | variable | builder | default |
//! | --- | --- | --- |
//! | `OTEL_KIT_BAGGAGE_ATTRIBUTES`: the members copied, comma-separated | [`Builder::baggage_attributes`](crate::Builder::baggage_attributes) | none copied |
//! | `OTEL_KIT_BAGGAGE_EMAILS`: `scrub` or `keep` the e-mail addresses in copied values | [`BaggageAllowList::keep_emails`] | `scrub` |
//! | `OTEL_KIT_REQUEST_VALUE_MAX_BYTES`: the longest copied value (baggage comes from the client, as other request values do) | [`BaggageAllowList::max_value_bytes`] | 4096 |
//!
//! `init()` wraps each span processor in a [`BaggageSpanProcessor`] in front of
//! redaction, and puts a [`BaggageLogProcessor`] (`logs`) first among the log
//! processors, so the redaction rules apply to what they copy. Baggage never goes onto
//! metrics, and the outgoing `baggage` header is left as the application set it.
//!
//! ```
//! use otel_kit_init::baggage::BaggageAllowList;
//!
//! let env = [
//!     ("OTEL_SERVICE_NAME", "checkout"),
//!     ("OTEL_KIT_BAGGAGE_ATTRIBUTES", "tenant.id, user tier"),
//!     ("OTEL_KIT_REQUEST_VALUE_MAX_BYTES", "1024"),
//! ];
//! let telemetry = otel_kit_init::builder()
//!     .without_globals()
//!     .without_tracing_subscriber()
//!     .exporter(otel_kit_init::Exporter::None)
//!     .environment(move |k| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))
//!     .init()?;
//! let list = &telemetry.effective_config().baggage_attributes;
//! assert_eq!(list.names().collect::<Vec<_>>(), ["tenant.id"]);
//! assert!(list.scrubs_emails());
//! assert_eq!(list.value_limit(), 1024);
//! assert_eq!(
//!     telemetry.warnings(),
//!     ["OTEL_KIT_BAGGAGE_ATTRIBUTES=\"tenant.id,user tier\" has `user tier`, not a baggage member name \
//!       (letters, digits and !#$%&'+-.^_`|~); skipped, copying tenant.id"]
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
#[doc(inline)]
pub use otel_kit_processors::baggage::BaggageLogProcessor;
#[doc(inline)]
pub use otel_kit_processors::baggage::{BaggageAllowList, BaggageAllowListError, BaggageSpanProcessor};
