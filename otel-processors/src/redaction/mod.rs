//! Redaction in the SDK, before anything leaves the process: attribute keys dropped by
//! pattern, values of chosen keys replaced by a keyed hash, e-mail addresses, card
//! numbers, US Social Security numbers, `Bearer` credentials and JWTs scrubbed out of
//! string values, and, when asked, IP addresses cut to a prefix. [`Redaction::pii`] is
//! the preset that turns on what the tracing guides recommend for personal data.
//!
//! Applied to span attributes, span event attributes (not event names), span link
//! attributes, the span status description, log record attributes and bodies, and the
//! `baggage` header this process injects into outgoing requests (extraction is left
//! alone), in front of any exporter: [`RedactingSpanProcessor`] wraps a span processor,
//! [`RedactingLogProcessor`] (`logs`) goes before the log processors, and
//! [`RedactingPropagator`] wraps a propagator. otel-kit-init's `init()` wires all three
//! in, on by default, and reads the rules from `OTEL_KIT_REDACT*`; nothing here reads the
//! environment.
//!
//! Rules:
//! - **drop keys**: globs (`*` is any run of characters) matched against the whole key,
//!   ASCII case-insensitively; a matching attribute or baggage member is removed.
//! - **hash keys**: the value of a matching key becomes `hmac-sha256:<32 hex digits>`,
//!   the first 16 bytes of HMAC-SHA256(secret, value): the same input and secret always
//!   give the same output, so the value still groups and joins, but it cannot be reversed
//!   without the secret. A plain SHA-256 would not do: e-mail addresses, phone and card
//!   numbers are few enough to hash them all and look the digest up (a dictionary attack).
//! - **scrub**: each [`Scrub`] kind found inside a string value is replaced by its marker,
//!   e.g. `[REDACTED:card]`; the rest of the string stays.
//! - **truncate IP addresses**: the values of [`IP_ADDRESS_KEYS`] that parse as an IP
//!   address keep their first [`IpPrefixes`] bits (span and log attributes; not metric
//!   attributes, which redaction does not see).
//!
//! Drop wins over hash; scrubbing applies to the values of every other key, except the
//! string and integer values of the keys the semantic conventions define as
//! enumerations, numbers or protocol codes (`http.request.method`,
//! `http.response.status_code`, `url.scheme`, the ports, `network.protocol.version`, the
//! `*.system.name` keys, ...): nothing a user types reaches those. Their keys are still
//! dropped or hashed by pattern, and baggage values are always scrubbed.
//!
//! ```
//! use opentelemetry::KeyValue;
//! use otel_kit_processors::redaction::{Redaction, Scrub};
//!
//! let redactor = Redaction::default()
//!     .drop_keys(["app.ssn"])
//!     .hash_keys(["enduser.id"], "a secret of at least 16 bytes")
//!     .scrub([Scrub::Email])
//!     .build()?;
//! let mut attributes = vec![
//!     KeyValue::new("app.ssn", "078-05-1120"),
//!     KeyValue::new("http.request.header.authorization", "Bearer abc.def"),
//!     KeyValue::new("enduser.id", "ada@example.com"),
//!     KeyValue::new("note", "card 4111 1111 1111 1111, mail ada@example.com"),
//!     KeyValue::new("gen_ai.usage.input_tokens", 42),
//! ];
//! redactor.redact_attributes(&mut attributes);
//! let keys: Vec<&str> = attributes.iter().map(|kv| kv.key.as_str()).collect();
//! assert_eq!(keys, ["enduser.id", "note", "gen_ai.usage.input_tokens"]);
//! assert!(attributes[0].value.as_str().starts_with("hmac-sha256:"));
//! assert_eq!(attributes[1].value.as_str(), "card [REDACTED:card], mail [REDACTED:email]");
//! # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
//! ```
//!
//! The matchers are hand-written (no regex engine) and linear in time: one pass over a
//! value, eight bytes at a time, tells which kinds can occur in it at all, and only a
//! value with a candidate goes through the exact matchers. What the key rules say about a
//! key is decided once (a table of the common keys, built with the rules, and a small
//! per-thread cache for the others), and what they say about a whole list of static keys
//! is remembered per thread by the keys' addresses, so a span like the last one costs a
//! comparison per key. Nothing is allocated unless something is redacted.

mod decision;
mod decisions;
#[cfg(test)]
mod equivalence;
mod glob;
mod ip_address;
mod key_cache;
mod known_keys;
#[cfg(feature = "logs")]
mod log_processor;
mod matchers;
mod pattern_set;
mod prefilter;
mod propagator;
mod redactor;
mod rules;
mod scrub;
mod settings;
mod shape_cache;
mod span_processor;

pub use ip_address::{IP_ADDRESS_KEYS, IpPrefixes};
#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
pub use log_processor::RedactingLogProcessor;
pub use propagator::RedactingPropagator;
pub use redactor::Redactor;
pub use rules::{
    DEFAULT_DROP_KEYS, DEFAULT_SCRUB, MIN_SECRET_LEN, PII_KEYS, PII_SCRUB, Redaction, RedactionError,
};
pub use scrub::Scrub;
pub use settings::{RedactionMode, RedactionSettings};
pub use span_processor::RedactingSpanProcessor;
