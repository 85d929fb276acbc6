//! [`Redaction`], the rules as given and checked (`build`, which compiles them into a
//! `Redactor`, is in `redactor.rs`); the default sets; and what is wrong with rules that
//! cannot be used.

use std::fmt;

use super::ip_address::IpPrefixes;
use super::scrub::{Scrub, ScrubSet};

/// What [`Redaction::default()`] drops: credentials under their usual key names. Each is
/// a suffix or substring pattern, so `gen_ai.usage.input_tokens` and other counters
/// whose names merely contain "token" are kept.
///
/// ```
/// assert!(otel_kit_processors::redaction::DEFAULT_DROP_KEYS.contains(&"*authorization*"));
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
/// use otel_kit_processors::redaction::{DEFAULT_SCRUB, Scrub};
/// assert!(!DEFAULT_SCRUB.contains(&Scrub::Email));
/// ```
pub const DEFAULT_SCRUB: [Scrub; 3] = [Scrub::Card, Scrub::Bearer, Scrub::Jwt];

/// The key patterns whose values the PII preset ([`Redaction::pii`]) hashes, or drops
/// without a secret: e-mail addresses and phone numbers under their usual key names
/// (`user.email`, `customer_email`, `user.phone`, `contact.phone_number`, ...).
///
/// ```
/// assert!(otel_kit_processors::redaction::PII_KEYS.contains(&"*email"));
/// ```
pub const PII_KEYS: &[&str] = &["*email", "*email_address", "*phone", "*phone_number"];

/// What the PII preset ([`Redaction::pii`]) scrubs: every kind.
pub const PII_SCRUB: [Scrub; 5] = Scrub::ALL;

/// The shortest hash secret accepted, in bytes.
pub const MIN_SECRET_LEN: usize = 16;

/// Redaction rules, checked and compiled by [`build`](Self::build) into a
/// [`Redactor`](crate::redaction::Redactor).
/// [`Redaction::default()`] is the default set; [`Redaction::none()`] starts empty.
///
/// ```
/// use otel_kit_processors::redaction::{Redaction, Scrub};
///
/// let rules = Redaction::default().drop_keys(["app.ssn"]).hash_keys(["enduser.id"], "k3y-from-a-vault-0123");
/// assert_eq!(rules.hash_patterns(), ["enduser.id"]);
/// let redactor = rules.build()?;
/// assert!(redactor.hash("ada").is_some_and(|h| h.starts_with("hmac-sha256:")));
/// let rules = Redaction::none().scrub([Scrub::Card]);
/// assert!(rules.drop_patterns().is_empty());
/// # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Redaction {
    drop: Vec<String>,
    hash: Vec<String>,
    secret: Option<Vec<u8>>,
    scrub: ScrubSet,
    ip: Option<IpPrefixes>,
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
            ip: None,
        }
    }

    /// The PII preset: what the tracing guides ask of telemetry about people, on top of
    /// the default set. Every kind scrubbed ([`PII_SCRUB`]: e-mail addresses, card
    /// numbers, SSNs, `Bearer` credentials, JWTs), IP addresses cut to
    /// [`IpPrefixes::DEFAULT`] (`/16`, `/48`), and the values of e-mail and phone keys
    /// ([`PII_KEYS`]) dropped; [`pii_hashed`](Self::pii_hashed) hashes them instead.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    /// use otel_kit_processors::redaction::Redaction;
    ///
    /// let r = Redaction::pii().build()?;
    /// let mut attributes = vec![
    ///     KeyValue::new("client.address", "203.0.113.7"),
    ///     KeyValue::new("user.email", "ada@example.com"),
    ///     KeyValue::new("note", "ssn 078-05-1120, mail ada@example.com"),
    /// ];
    /// r.redact_attributes(&mut attributes);
    /// assert_eq!(attributes, [
    ///     KeyValue::new("client.address", "203.0.0.0"),
    ///     KeyValue::new("note", "ssn [REDACTED:ssn], mail [REDACTED:email]"),
    /// ]);
    /// # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
    /// ```
    pub fn pii() -> Self {
        Redaction::default()
            .drop_keys(PII_KEYS.iter().copied())
            .scrub(PII_SCRUB)
            .truncate_ip_addresses(IpPrefixes::DEFAULT)
    }

    /// The PII preset with the values of [`PII_KEYS`] hashed with `secret` (at least
    /// [`MIN_SECRET_LEN`] bytes), so an e-mail address or a phone number still groups
    /// and joins without being readable.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    /// use otel_kit_processors::redaction::Redaction;
    ///
    /// let r = Redaction::pii_hashed("k3y-from-a-vault-0123").build()?;
    /// let mut attributes = vec![KeyValue::new("user.phone", "+1 202 555 0143")];
    /// r.redact_attributes(&mut attributes);
    /// assert!(attributes[0].value.as_str().starts_with("hmac-sha256:"));
    /// # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
    /// ```
    pub fn pii_hashed(secret: impl AsRef<[u8]>) -> Self {
        Redaction::default()
            .hash_keys(PII_KEYS.iter().copied(), secret)
            .scrub(PII_SCRUB)
            .truncate_ip_addresses(IpPrefixes::DEFAULT)
    }

    /// Also cuts IP addresses in the values of [`IP_ADDRESS_KEYS`](super::IP_ADDRESS_KEYS)
    /// (`client.address`, `network.peer.address`, `server.address`) to these prefixes;
    /// a value that is no IP address (a host name) is left to the other rules.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    /// use otel_kit_processors::redaction::{IpPrefixes, Redaction};
    ///
    /// let r = Redaction::default().truncate_ip_addresses(IpPrefixes::new(24, 48)).build()?;
    /// let mut attributes = vec![
    ///     KeyValue::new("client.address", "203.0.113.7"),
    ///     KeyValue::new("network.peer.address", "2001:db8:85a3:8d3::7"),
    ///     KeyValue::new("server.address", "orders.internal"),
    /// ];
    /// r.redact_attributes(&mut attributes);
    /// assert_eq!(attributes, [
    ///     KeyValue::new("client.address", "203.0.113.0"),
    ///     KeyValue::new("network.peer.address", "2001:db8:85a3::"),
    ///     KeyValue::new("server.address", "orders.internal"),
    /// ]);
    /// # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
    /// ```
    pub fn truncate_ip_addresses(mut self, prefixes: IpPrefixes) -> Self {
        self.ip = Some(prefixes);
        self
    }

    /// Stops cutting IP addresses.
    pub fn without_ip_truncation(mut self) -> Self {
        self.ip = None;
        self
    }

    /// The prefixes IP addresses are cut to; `None` when they are kept whole.
    pub fn ip_prefixes(&self) -> Option<IpPrefixes> {
        self.ip
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
    /// use otel_kit_processors::redaction::{Redaction, Scrub};
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
    /// when keys are hashed, IP prefixes of at most 32 and 128 bits.
    ///
    /// ```
    /// use otel_kit_processors::redaction::{Redaction, RedactionError};
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
        if let Some(prefixes) = self.ip.filter(|p| !p.is_valid()) {
            return Err(RedactionError::IpPrefix(prefixes));
        }
        match &self.secret {
            Some(s) if s.is_empty() => Err(RedactionError::EmptySecret),
            Some(s) if s.len() < MIN_SECRET_LEN => Err(RedactionError::ShortSecret(s.len())),
            _ => Ok(()),
        }
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
            .field("ip", &self.ip)
            .finish()
    }
}

/// Why a [`Redaction`] cannot be used as written, saying what to fix (otel-kit-init's
/// `init()` returns it as its `InitError::Redaction`).
///
/// ```
/// use otel_kit_processors::redaction::Redaction;
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
    /// An IP prefix longer than the address.
    #[error(
        "the IP prefixes {0} are too long; give at most 32 bits for IPv4 and 128 for IPv6, e.g. IpPrefixes::new(16, 48)"
    )]
    IpPrefix(IpPrefixes),
}
