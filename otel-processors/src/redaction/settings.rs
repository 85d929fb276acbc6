//! Redaction as plain settings, for a start-up report and for readers of configuration
//! (otel-kit-init reads them from the `OTEL_KIT_REDACT*` variables).

use std::fmt;

use super::ip_address::IpPrefixes;
use super::rules::Redaction;
use super::scrub::Scrub;

/// Whether redaction is on (otel-kit-init reads it from `OTEL_KIT_REDACT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedactionMode {
    /// `default` (also when unset): the default set, plus the other lists.
    Default,
    /// `pii`: the PII preset ([`Redaction::pii`]), plus the other lists.
    Pii,
    /// `none`: no redaction.
    None,
}

/// Redaction as settings: the lists a configuration gives (otel-kit-init's
/// `RedactionSettingsFromEnv` reads them from the `OTEL_KIT_REDACT*` variables), or what
/// rules given in code stand for, turned into rules by [`to_redaction`](Self::to_redaction)
/// and shown on one line by `Display`. The secret never prints.
///
/// On a plain SDK provider:
///
/// ```
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};
/// use otel_kit_processors::redaction::{RedactingSpanProcessor, Redaction, RedactionSettings};
///
/// let settings = RedactionSettings::from_rules(Some(&Redaction::default().drop_keys(["app.ssn"])));
/// assert_eq!(settings.to_string(), "[drop=12 hash=0 scrub=card,bearer,jwt]");
/// let mut provider = SdkTracerProvider::builder();
/// let processor = SimpleSpanProcessor::new(InMemorySpanExporter::default());
/// provider = match settings.to_redaction() {
///     Some(rules) => provider.with_span_processor(RedactingSpanProcessor::new(processor, rules.build()?)),
///     None => provider.with_span_processor(processor),
/// };
/// let provider = provider.build();
/// # drop(provider);
/// # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RedactionSettings {
    /// On or off (`OTEL_KIT_REDACT`).
    pub mode: RedactionMode,
    /// The key patterns dropped: the default ones, then `OTEL_KIT_REDACT_DROP_KEYS`, then
    /// the hash keys when there is no usable secret (fail closed).
    pub drop_keys: Vec<String>,
    /// The key patterns whose values are hashed (`OTEL_KIT_REDACT_HASH_KEYS`), when a
    /// usable secret is set.
    pub hash_keys: Vec<String>,
    /// The kinds scrubbed, in the order given (`OTEL_KIT_REDACT_SCRUB`, default
    /// `card,bearer,jwt`; `none` for none).
    pub scrub: Vec<Scrub>,
    /// The prefixes IP addresses are cut to (`OTEL_KIT_REDACT_TRUNCATE_IP`); `None`:
    /// kept whole.
    pub truncate_ip: Option<IpPrefixes>,
    secret: Option<Vec<u8>>,
}

impl RedactionSettings {
    /// Redaction on, with these lists as a reader of configuration made them. `secret`
    /// keys `hash_keys`; it is kept only when there are hash keys, and used as given:
    /// [`Redaction::validate`] on [`to_redaction`](Self::to_redaction)'s rules checks it.
    ///
    /// ```
    /// use otel_kit_processors::redaction::{Redaction, RedactionSettings, Scrub};
    ///
    /// let settings = RedactionSettings::enabled(
    ///     vec!["app.ssn".into()],
    ///     vec!["enduser.id".into()],
    ///     Some(b"a secret of at least 16 bytes".to_vec()),
    ///     vec![Scrub::Card],
    /// );
    /// let rules = Redaction::none()
    ///     .drop_keys(["app.ssn"])
    ///     .scrub_only([Scrub::Card])
    ///     .hash_keys(["enduser.id"], "a secret of at least 16 bytes");
    /// assert_eq!(settings.to_redaction(), Some(rules));
    /// ```
    pub fn enabled(
        drop_keys: Vec<String>,
        hash_keys: Vec<String>,
        secret: Option<Vec<u8>>,
        scrub: Vec<Scrub>,
    ) -> Self {
        RedactionSettings {
            mode: RedactionMode::Default,
            drop_keys,
            secret: secret.filter(|_| !hash_keys.is_empty()),
            hash_keys,
            scrub,
            truncate_ip: None,
        }
    }

    /// These settings with IP addresses cut to `prefixes` (`None`: kept whole).
    ///
    /// ```
    /// use otel_kit_processors::redaction::{IpPrefixes, Redaction, RedactionSettings};
    ///
    /// let settings = RedactionSettings::enabled(Vec::new(), Vec::new(), None, Vec::new())
    ///     .with_truncate_ip(Some(IpPrefixes::DEFAULT));
    /// assert_eq!(settings.to_string(), "[drop=0 hash=0 scrub=none ip=/16,/48]");
    /// assert_eq!(settings.to_redaction(), Some(Redaction::none().truncate_ip_addresses(IpPrefixes::DEFAULT)));
    /// ```
    pub fn with_truncate_ip(mut self, prefixes: Option<IpPrefixes>) -> Self {
        self.truncate_ip = prefixes;
        self
    }

    /// The settings that `rules` stand for (`None`: redaction off).
    ///
    /// ```
    /// use otel_kit_processors::redaction::{Redaction, RedactionMode, RedactionSettings};
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
                truncate_ip: None,
                secret: None,
            },
            Some(r) => RedactionSettings {
                mode: RedactionMode::Default,
                drop_keys: r.drop_patterns().to_vec(),
                hash_keys: r.hash_patterns().to_vec(),
                scrub: r.scrubbed(),
                truncate_ip: r.ip_prefixes(),
                secret: r.secret().map(<[u8]>::to_vec),
            },
        }
    }

    /// The rules these settings describe; `None` when redaction is off.
    ///
    /// ```
    /// use otel_kit_processors::redaction::{Redaction, RedactionSettings};
    ///
    /// let settings = RedactionSettings::enabled(Vec::new(), vec!["enduser.id".into()], None, Vec::new());
    /// assert_eq!(settings.to_redaction(), Some(Redaction::none()), "no secret: nothing hashed");
    /// assert_eq!(RedactionSettings::from_rules(None).to_redaction(), None);
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
        if let Some(prefixes) = self.truncate_ip {
            rules = rules.truncate_ip_addresses(prefixes);
        }
        Some(rules)
    }
}

/// The secret never prints.
impl fmt::Debug for RedactionSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedactionSettings")
            .field("mode", &self.mode)
            .field("drop_keys", &self.drop_keys)
            .field("hash_keys", &self.hash_keys)
            .field("scrub", &self.scrub)
            .field("truncate_ip", &self.truncate_ip)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// One line for a start-up report: `none`, or `[drop=11 hash=1 scrub=card,bearer,jwt]`,
/// with ` ip=/16,/48` when IP addresses are cut.
impl fmt::Display for RedactionSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mode == RedactionMode::None {
            return f.write_str("none");
        }
        let scrub: Vec<&str> = self.scrub.iter().map(|s| s.as_str()).collect();
        write!(
            f,
            "[drop={} hash={} scrub={}",
            self.drop_keys.len(),
            self.hash_keys.len(),
            if scrub.is_empty() {
                "none".to_owned()
            } else {
                scrub.join(",")
            }
        )?;
        match self.truncate_ip {
            Some(prefixes) => write!(f, " ip={prefixes}]"),
            None => f.write_str("]"),
        }
    }
}
