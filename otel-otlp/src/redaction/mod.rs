//! Redaction in the SDK, before anything leaves the process: attribute keys dropped by
//! pattern, values of chosen keys replaced by a keyed hash, and e-mail addresses, card
//! numbers, `Bearer` credentials and JWTs scrubbed out of string values.
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
//! use otel_kit_otlp::redaction::{Redaction, Scrub};
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
//! # Ok::<(), otel_kit_otlp::redaction::RedactionError>(())
//! ```
//!
//! The matchers are hand-written (no regex engine) and linear in time: one pass over a
//! value, eight bytes at a time, tells which kinds can occur in it at all, and only a
//! value with a candidate goes through the exact matchers. What the key rules say about a
//! key is decided once (a table of the common keys, built with the rules, and a small
//! per-thread cache for the others). Nothing is allocated unless something is redacted.

mod decisions;
#[cfg(test)]
mod equivalence;
mod glob;
mod key_cache;
mod known_keys;
#[cfg(feature = "logs")]
mod log_processor;
mod matchers;
mod pattern_set;
mod prefilter;
mod propagator;
mod redactor;
mod settings;
mod span_processor;

#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
pub use log_processor::RedactingLogProcessor;
pub use matchers::Scrub;
pub use propagator::RedactingPropagator;
pub use redactor::Redactor;
pub use settings::{RedactionMode, RedactionSettings};
pub use span_processor::RedactingSpanProcessor;

use std::fmt;

use matchers::ScrubSet;

/// What [`Redaction::default()`] drops: credentials under their usual key names. Each is
/// a suffix or substring pattern, so `gen_ai.usage.input_tokens` and other counters
/// whose names merely contain "token" are kept.
///
/// ```
/// assert!(otel_kit_otlp::redaction::DEFAULT_DROP_KEYS.contains(&"*authorization*"));
/// ```
pub const DEFAULT_DROP_KEYS: &[&str] = &[
    "*password",
    "*passwd",
    "*passphrase",
    "*secret",
    "*token",
    "*api_key",
    "*apikey",
    "*api-key",
    "*private_key",
    "*authorization*",
    "*cookie*",
];

/// What [`Redaction::default()`] scrubs: card numbers, `Bearer` credentials and JWTs.
/// E-mail addresses are not in it: see `docs/configuration.md#redaction`.
///
/// ```
/// use otel_kit_otlp::redaction::{DEFAULT_SCRUB, Scrub};
/// assert!(!DEFAULT_SCRUB.contains(&Scrub::Email));
/// ```
pub const DEFAULT_SCRUB: [Scrub; 3] = [Scrub::Card, Scrub::Bearer, Scrub::Jwt];

/// The shortest hash secret accepted, in bytes.
pub const MIN_SECRET_LEN: usize = 16;

/// Redaction rules, checked and compiled by [`build`](Self::build) into a [`Redactor`].
/// [`Redaction::default()`] is the default set; [`Redaction::none()`] starts empty.
///
/// ```
/// use otel_kit_otlp::redaction::{Redaction, Scrub};
///
/// let rules = Redaction::default().drop_keys(["app.ssn"]).hash_keys(["enduser.id"], "k3y-from-a-vault-0123");
/// assert_eq!(rules.hash_patterns(), ["enduser.id"]);
/// let redactor = rules.build()?;
/// assert!(redactor.hash("ada").is_some_and(|h| h.starts_with("hmac-sha256:")));
/// let rules = Redaction::none().scrub([Scrub::Card]);
/// assert!(rules.drop_patterns().is_empty());
/// # Ok::<(), otel_kit_otlp::redaction::RedactionError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Redaction {
    drop: Vec<String>,
    hash: Vec<String>,
    secret: Option<Vec<u8>>,
    scrub: ScrubSet,
}

impl Default for Redaction {
    /// [`DEFAULT_DROP_KEYS`] and [`DEFAULT_SCRUB`]; nothing hashed.
    fn default() -> Self {
        Redaction::none()
            .drop_keys(DEFAULT_DROP_KEYS.iter().copied())
            .scrub(DEFAULT_SCRUB)
    }
}

impl Redaction {
    /// No rules at all: a base for a set of your own.
    pub fn none() -> Self {
        Redaction {
            drop: Vec::new(),
            hash: Vec::new(),
            secret: None,
            scrub: ScrubSet::default(),
        }
    }

    /// Also drops keys matching these patterns (`*` is any run of characters; the match
    /// is against the whole key, ASCII case-insensitive).
    pub fn drop_keys<S: Into<String>>(mut self, patterns: impl IntoIterator<Item = S>) -> Self {
        self.drop.extend(patterns.into_iter().map(Into::into));
        self
    }

    /// Also replaces the values of keys matching these patterns by
    /// `hmac-sha256:<hex>` keyed with `secret` (at least [`MIN_SECRET_LEN`] bytes; keep
    /// it out of the code, e.g. from a vault). A later call's secret replaces this one's.
    pub fn hash_keys<S: Into<String>>(
        mut self,
        patterns: impl IntoIterator<Item = S>,
        secret: impl AsRef<[u8]>,
    ) -> Self {
        self.hash.extend(patterns.into_iter().map(Into::into));
        self.secret = Some(secret.as_ref().to_vec());
        self
    }

    /// Also scrubs these kinds out of string values.
    pub fn scrub(mut self, kinds: impl IntoIterator<Item = Scrub>) -> Self {
        for k in kinds {
            self.scrub.insert(k);
        }
        self
    }

    /// Stops scrubbing these kinds.
    ///
    /// ```
    /// use otel_kit_otlp::redaction::{Redaction, Scrub};
    /// let rules = Redaction::default().without_scrub([Scrub::Jwt]);
    /// assert_eq!(rules.scrubbed(), [Scrub::Card, Scrub::Bearer]);
    /// ```
    pub fn without_scrub(mut self, kinds: impl IntoIterator<Item = Scrub>) -> Self {
        for k in kinds {
            self.scrub.remove(k);
        }
        self
    }

    /// Scrubs exactly these kinds.
    pub fn scrub_only(mut self, kinds: impl IntoIterator<Item = Scrub>) -> Self {
        self.scrub = ScrubSet::of(kinds);
        self
    }

    /// The drop patterns, in order.
    pub fn drop_patterns(&self) -> &[String] {
        &self.drop
    }

    /// The hash patterns, in order.
    pub fn hash_patterns(&self) -> &[String] {
        &self.hash
    }

    /// The kinds scrubbed.
    pub fn scrubbed(&self) -> Vec<Scrub> {
        self.scrub.iter().collect()
    }

    /// Checks the rules: no empty pattern, a secret of at least [`MIN_SECRET_LEN`] bytes
    /// when keys are hashed.
    ///
    /// ```
    /// use otel_kit_otlp::redaction::{Redaction, RedactionError};
    ///
    /// let err = Redaction::none().drop_keys(["app.ssn", " "]).validate().unwrap_err();
    /// assert_eq!(err, RedactionError::EmptyPattern { list: "drop_keys", index: 1 });
    /// assert_eq!(Redaction::none().hash_keys(["enduser.id"], "").validate(), Err(RedactionError::EmptySecret));
    /// ```
    pub fn validate(&self) -> Result<(), RedactionError> {
        for (list, patterns) in [("drop_keys", &self.drop), ("hash_keys", &self.hash)] {
            if let Some(index) = patterns.iter().position(|p| p.trim().is_empty()) {
                return Err(RedactionError::EmptyPattern { list, index });
            }
        }
        match &self.secret {
            Some(s) if s.is_empty() => Err(RedactionError::EmptySecret),
            Some(s) if s.len() < MIN_SECRET_LEN => Err(RedactionError::ShortSecret(s.len())),
            _ => Ok(()),
        }
    }

    /// Validates and compiles the rules.
    pub fn build(&self) -> Result<Redactor, RedactionError> {
        self.validate()?;
        Ok(Redactor::new(self))
    }

    pub(crate) fn secret(&self) -> Option<&[u8]> {
        self.secret.as_deref().filter(|_| !self.hash.is_empty())
    }

    pub(crate) fn scrub_set(&self) -> ScrubSet {
        self.scrub
    }
}

/// The secret never prints.
impl fmt::Debug for Redaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redaction")
            .field("drop", &self.drop)
            .field("hash", &self.hash)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("scrub", &self.scrub)
            .finish()
    }
}

/// Why a [`Redaction`] cannot be used as written, saying what to fix (otel-kit-init's
/// `init()` returns it as its `InitError::Redaction`).
///
/// ```
/// use otel_kit_otlp::redaction::Redaction;
///
/// let err = Redaction::none().hash_keys(["enduser.id"], "short").build().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "the hash_keys secret is 5 bytes; use at least 16 random bytes, e.g. from `openssl rand -hex 32`"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RedactionError {
    /// A pattern is empty or blank.
    #[error("pattern {index} of {list} is empty; give a key or a glob such as \"app.ssn\" or \"*.password\"")]
    EmptyPattern {
        /// `drop_keys` or `hash_keys`.
        list: &'static str,
        /// Its position, from 0.
        index: usize,
    },
    /// The secret of `hash_keys` is empty.
    #[error("the hash_keys secret is empty; give at least 16 random bytes, e.g. from `openssl rand -hex 32`")]
    EmptySecret,
    /// The secret of `hash_keys` is shorter than [`MIN_SECRET_LEN`].
    #[error(
        "the hash_keys secret is {0} bytes; use at least 16 random bytes, e.g. from `openssl rand -hex 32`"
    )]
    ShortSecret(usize),
}
