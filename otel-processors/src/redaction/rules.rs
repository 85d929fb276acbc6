//! [`Redaction`], the rules as given and checked (`build`, which compiles them into a
//! `Redactor`, is in `redactor.rs`); the default sets; and what is wrong with rules that
//! cannot be used.

use std::fmt;

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
    /// when keys are hashed.
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
}
