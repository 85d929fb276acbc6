//! Redaction before anything leaves the process: otel-kit-processors'
//! [`redaction`](otel_kit_processors::redaction), re-exported (the rules, the [`Redactor`], the
//! span and log processors and the baggage propagator, and what each rule does), and
//! [`RedactionSettingsFromEnv`], which reads the `OTEL_KIT_REDACT*` variables
//! (non-standard, like `OTEL_KIT_SAMPLER_EXCLUDED_ROUTES`) into [`RedactionSettings`],
//! with a warning for each value not used as written.
//!
//! `init()` wires it in, on by default: [`RedactingSpanProcessor`] in front of each span
//! processor, [`RedactingLogProcessor`] (`logs`) before the batch log processor, and the
//! installed [`Propagators`](otel_kit_propagators::Propagators) redact baggage on
//! injection.
//!
//! ```
//! use otel_kit_init::redaction::{Redaction, Scrub};
//!
//! let telemetry = otel_kit_init::builder()
//!     .without_globals()
//!     .exporter(otel_kit_init::Exporter::None)
//!     .redaction(Redaction::default().drop_keys(["app.ssn"]).hash_keys(["enduser.id"], "k3y-from-a-vault-0123"))
//!     .init()?;
//! # drop(telemetry);
//! let rules = Redaction::none().scrub([Scrub::Card]);
//! assert!(rules.drop_patterns().is_empty());
//! # Ok::<(), otel_kit_init::InitError>(())
//! ```
//!
//! The PII preset, SSNs scrubbed and IP addresses cut among the rest, is
//! `OTEL_KIT_REDACT=pii` or, in code:
//!
//! ```
//! use otel_kit_init::redaction::Redaction;
//!
//! let telemetry = otel_kit_init::builder()
//!     .without_globals()
//!     .exporter(otel_kit_init::Exporter::None)
//!     .redaction(Redaction::pii())
//!     .init()?;
//! assert!(telemetry.effective_config().to_string().contains("scrub=email,card,ssn,bearer,jwt ip=/16,/48]"));
//! # Ok::<(), otel_kit_init::InitError>(())
//! ```
//!
//! An invalid rule in code is [`InitError::Redaction`](crate::InitError::Redaction):
//!
//! ```
//! use otel_kit_init::redaction::Redaction;
//!
//! let err = otel_kit_init::builder()
//!     .without_globals()
//!     .redaction(Redaction::none().hash_keys(["enduser.id"], "short"))
//!     .init()
//!     .unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "invalid redaction: the hash_keys secret is 5 bytes; use at least 16 random bytes, e.g. from `openssl rand -hex 32`"
//! );
//! ```

#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
#[doc(inline)]
pub use otel_kit_processors::redaction::RedactingLogProcessor;
#[doc(inline)]
pub use otel_kit_processors::redaction::{
    DEFAULT_DROP_KEYS, DEFAULT_SCRUB, IP_ADDRESS_KEYS, IpPrefixes, MIN_SECRET_LEN, PII_KEYS, PII_SCRUB,
    RedactingPropagator, RedactingSpanProcessor, Redaction, RedactionError, RedactionMode, RedactionSettings,
    Redactor, Scrub,
};

/// Reads [`RedactionSettings`] from the `OTEL_KIT_REDACT*` variables.
///
/// ```
/// use otel_kit_init::redaction::{RedactionMode, RedactionSettings, RedactionSettingsFromEnv as _, Scrub};
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
/// Unset, the default set:
///
/// ```
/// use otel_kit_init::redaction::{Redaction, RedactionSettings, RedactionSettingsFromEnv as _};
///
/// let (settings, _) = RedactionSettings::from_lookup(|_| None);
/// assert_eq!(settings.to_redaction(), Some(Redaction::default()));
/// ```
///
/// Without `init()`, on a plain SDK provider:
///
/// ```
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};
/// use otel_kit_init::redaction::{RedactingSpanProcessor, RedactionSettings, RedactionSettingsFromEnv as _};
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
pub use crate::env::FromEnv as RedactionSettingsFromEnv;
