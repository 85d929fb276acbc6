//! The `OTEL_KIT_REDACT*` variables (non-standard, like `OTEL_KIT_SAMPLER_EXCLUDED_ROUTES`).

use std::fmt;

use super::{DEFAULT_DROP_KEYS, DEFAULT_SCRUB, MIN_SECRET_LEN, Redaction, Scrub};
use crate::env::{ConfigWarning, Env, process_env, read_with};

const REDACT: &str = "OTEL_KIT_REDACT";
const DROP_KEYS: &str = "OTEL_KIT_REDACT_DROP_KEYS";
const HASH_KEYS: &str = "OTEL_KIT_REDACT_HASH_KEYS";
const SECRET: &str = "OTEL_KIT_REDACT_HASH_SECRET";
const SECRET_FILE: &str = "OTEL_KIT_REDACT_HASH_SECRET_FILE";
const SCRUB: &str = "OTEL_KIT_REDACT_SCRUB";
/// Every variable [`RedactionSettings::from_env`] reads.
pub(crate) const VARIABLES: [&str; 6] = [REDACT, DROP_KEYS, HASH_KEYS, SECRET, SECRET_FILE, SCRUB];

/// Whether redaction is on, from `OTEL_KIT_REDACT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedactionMode {
    /// `default` (also when unset): the default set, plus the other variables.
    Default,
    /// `none`: no redaction; the other variables are ignored, with a warning.
    None,
}

/// Redaction as settings: what the `OTEL_KIT_REDACT*` variables say
/// ([`from_env`](Self::from_env)), or what rules given in code stand for; `init()` reports
/// the redaction in effect this way. The secret never prints.
///
/// ```
/// use otel_kit_init::redaction::{RedactionMode, RedactionSettings, Scrub};
///
/// let env = [
///     ("OTEL_KIT_REDACT_DROP_KEYS", "app.ssn, *.dob"),
///     ("OTEL_KIT_REDACT_HASH_KEYS", "enduser.id"),
///     ("OTEL_KIT_REDACT_SCRUB", "email,card,fingerprint"),
/// ];
/// let (r, warnings) = RedactionSettings::from_lookup(|k| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()));
/// assert_eq!(r.mode, RedactionMode::Default);
/// assert!(r.drop_keys.iter().any(|k| k == "*.dob"));
/// assert!(r.drop_keys.iter().any(|k| k == "enduser.id"), "no secret: dropped instead of hashed");
/// assert_eq!(r.scrub, [Scrub::Email, Scrub::Card]);
/// assert_eq!(warnings.len(), 2);
/// assert!(warnings.iter().any(|w| w.to_string().starts_with("OTEL_KIT_REDACT_HASH_KEYS=\"enduser.id\" has no usable secret")));
/// ```
///
/// Without `init()`, on a plain SDK provider:
///
/// ```
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};
/// use otel_kit_init::redaction::{RedactingSpanProcessor, RedactionSettings};
///
/// let (settings, _warnings) = RedactionSettings::from_env();
/// let mut provider = SdkTracerProvider::builder();
/// let processor = SimpleSpanProcessor::new(InMemorySpanExporter::default());
/// provider = match settings.to_redaction() {
///     Some(rules) => provider.with_span_processor(RedactingSpanProcessor::new(processor, rules.build()?)),
///     None => provider.with_span_processor(processor),
/// };
/// let provider = provider.build();
/// # drop(provider);
/// # Ok::<(), otel_kit_init::redaction::RedactionError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RedactionSettings {
    /// `OTEL_KIT_REDACT`.
    pub mode: RedactionMode,
    /// The default drop patterns, then `OTEL_KIT_REDACT_DROP_KEYS`, then the hash keys
    /// when there is no usable secret (fail closed).
    pub drop_keys: Vec<String>,
    /// `OTEL_KIT_REDACT_HASH_KEYS`, when a usable secret is set.
    pub hash_keys: Vec<String>,
    /// `OTEL_KIT_REDACT_SCRUB` (default `card,bearer,jwt`; `none` for none).
    pub scrub: Vec<Scrub>,
    secret: Option<Vec<u8>>,
}

impl RedactionSettings {
    /// The `OTEL_KIT_REDACT*` variables of the process environment, with a warning for
    /// each value not used as written.
    pub fn from_env() -> (Self, Vec<ConfigWarning>) {
        Self::from_lookup(process_env)
    }

    /// As [`from_env`](Self::from_env), from `lookup` (a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<ConfigWarning>) {
        read_with(lookup, Self::read)
    }

    pub(crate) fn read(env: &mut Env<'_>) -> Self {
        let mode = env.choice(
            REDACT,
            &[("default", RedactionMode::Default), ("none", RedactionMode::None)],
            RedactionMode::Default,
        );
        if mode == RedactionMode::None {
            for variable in [DROP_KEYS, HASH_KEYS, SECRET, SECRET_FILE, SCRUB] {
                if let Some(v) = env.get(variable) {
                    env.warn(variable, &v, "is ignored because OTEL_KIT_REDACT=none");
                }
            }
            return RedactionSettings::from_rules(None);
        }
        let mut drop_keys: Vec<String> = DEFAULT_DROP_KEYS.iter().map(|k| (*k).to_owned()).collect();
        drop_keys.extend(env.list(DROP_KEYS).unwrap_or_default());
        let scrub = read_scrub(env);
        let mut hash_keys = env.list(HASH_KEYS).unwrap_or_default();
        let secret = read_secret(env);
        if !hash_keys.is_empty() && secret.is_none() {
            env.warn(
                HASH_KEYS,
                &hash_keys.join(","),
                format!(
                    "has no usable secret ({SECRET} or {SECRET_FILE}, at least {MIN_SECRET_LEN} bytes); these keys are dropped instead of hashed"
                ),
            );
            drop_keys.append(&mut hash_keys);
        }
        RedactionSettings {
            mode,
            drop_keys,
            secret: secret.filter(|_| !hash_keys.is_empty()),
            hash_keys,
            scrub,
        }
    }

    /// The settings that `rules` stand for (`None`: redaction off).
    ///
    /// ```
    /// use otel_kit_init::redaction::{Redaction, RedactionMode, RedactionSettings};
    ///
    /// let rules = Redaction::default().drop_keys(["app.ssn"]);
    /// let settings = RedactionSettings::from_rules(Some(&rules));
    /// assert_eq!(settings.to_redaction(), Some(rules));
    /// assert_eq!(RedactionSettings::from_rules(None).mode, RedactionMode::None);
    /// ```
    pub fn from_rules(rules: Option<&Redaction>) -> Self {
        match rules {
            None => RedactionSettings {
                mode: RedactionMode::None,
                drop_keys: Vec::new(),
                hash_keys: Vec::new(),
                scrub: Vec::new(),
                secret: None,
            },
            Some(r) => RedactionSettings {
                mode: RedactionMode::Default,
                drop_keys: r.drop_patterns().to_vec(),
                hash_keys: r.hash_patterns().to_vec(),
                scrub: r.scrubbed(),
                secret: r.secret().map(<[u8]>::to_vec),
            },
        }
    }

    /// The rules these settings describe; `None` when redaction is off.
    ///
    /// ```
    /// use otel_kit_init::redaction::{Redaction, RedactionSettings};
    ///
    /// let (settings, _) = RedactionSettings::from_lookup(|_| None);
    /// assert_eq!(settings.to_redaction(), Some(Redaction::default()));
    /// ```
    pub fn to_redaction(&self) -> Option<Redaction> {
        if self.mode == RedactionMode::None {
            return None;
        }
        let mut rules = Redaction::none()
            .drop_keys(self.drop_keys.iter().cloned())
            .scrub_only(self.scrub.iter().copied());
        if let Some(secret) = &self.secret {
            rules = rules.hash_keys(self.hash_keys.iter().cloned(), secret);
        }
        Some(rules)
    }
}

fn read_scrub(env: &mut Env<'_>) -> Vec<Scrub> {
    let Some(names) = env.list(SCRUB) else {
        return DEFAULT_SCRUB.to_vec();
    };
    let raw = names.join(",");
    if names.iter().any(|n| n.eq_ignore_ascii_case("none")) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for name in &names {
        match Scrub::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name))
        {
            Some(kind) if !out.contains(&kind) => out.push(kind),
            Some(_) => {}
            None => env.warn(
                SCRUB,
                &raw,
                format!(
                    "names the unknown kind `{name}`; it is skipped (known: email, card, bearer, jwt, none)"
                ),
            ),
        }
    }
    if out.is_empty() {
        env.warn(
            SCRUB,
            &raw,
            "has no known kind; using the default card,bearer,jwt",
        );
        return DEFAULT_SCRUB.to_vec();
    }
    out
}

/// The secret from the variable, else from the file; unusable ones are warned about.
fn read_secret(env: &mut Env<'_>) -> Option<Vec<u8>> {
    let (variable, shown, secret) = if let Some(v) = env.get(SECRET) {
        if let Some(path) = env.get(SECRET_FILE) {
            env.warn(SECRET_FILE, &path, format!("is ignored because {SECRET} is set"));
        }
        (SECRET, "<redacted>".to_owned(), v.into_bytes())
    } else {
        let path = env.get(SECRET_FILE)?;
        match std::fs::read(&path) {
            Ok(mut bytes) => {
                while bytes.last().is_some_and(|b| b.is_ascii_whitespace()) {
                    bytes.pop();
                }
                (SECRET_FILE, path, bytes)
            }
            Err(e) => {
                env.warn(
                    SECRET_FILE,
                    &path,
                    format!("cannot be read ({e}); hash keys are dropped instead of hashed"),
                );
                return None;
            }
        }
    };
    if secret.len() < MIN_SECRET_LEN {
        env.warn(
            variable,
            &shown,
            format!(
                "holds a secret of {} bytes, fewer than {MIN_SECRET_LEN}; it is not used, hash keys are dropped instead of hashed",
                secret.len()
            ),
        );
        return None;
    }
    Some(secret)
}

/// The secret never prints.
impl fmt::Debug for RedactionSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedactionSettings")
            .field("mode", &self.mode)
            .field("drop_keys", &self.drop_keys)
            .field("hash_keys", &self.hash_keys)
            .field("scrub", &self.scrub)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// For the start-up line: `none`, or `[drop=11 hash=1 scrub=card,bearer,jwt]`.
impl fmt::Display for RedactionSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mode == RedactionMode::None {
            return f.write_str("none");
        }
        let scrub: Vec<&str> = self.scrub.iter().map(|s| s.as_str()).collect();
        write!(
            f,
            "[drop={} hash={} scrub={}]",
            self.drop_keys.len(),
            self.hash_keys.len(),
            if scrub.is_empty() {
                "none".to_owned()
            } else {
                scrub.join(",")
            }
        )
    }
}
