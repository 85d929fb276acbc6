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

use crate::env::Env;

const ATTRIBUTES: &str = "OTEL_KIT_BAGGAGE_ATTRIBUTES";
const EMAILS: &str = "OTEL_KIT_BAGGAGE_EMAILS";
/// Every variable [`read`] reads.
pub(crate) const VARIABLES: [&str; 2] = [ATTRIBUTES, EMAILS];

/// `OTEL_KIT_BAGGAGE_*`. A name that cannot be a member's is skipped, with one warning
/// for the value saying what is copied instead.
pub(crate) fn read(env: &mut Env<'_>) -> BaggageAllowList {
    let keep_emails = env.choice(EMAILS, &[("scrub", false), ("keep", true)], false);
    let names = env.list(ATTRIBUTES).unwrap_or_default();
    let mut good: Vec<&str> = Vec::new();
    let mut skipped = Vec::new();
    for name in &names {
        match BaggageAllowList::new([name]) {
            Ok(_) if good.len() < BaggageAllowList::MAX_NAMES => good.push(name),
            Ok(_) => skipped.push(format!("`{name}`, one more than baggage holds members")),
            Err(e) => skipped.push(why(name, &e)),
        }
    }
    if !skipped.is_empty() {
        let skipped = skipped.join("; ");
        let message = if good.is_empty() {
            format!("has {skipped}; using the default: no member is copied")
        } else {
            format!("has {skipped}; skipped, copying {}", good.join(","))
        };
        env.warn(ATTRIBUTES, &shown(&names.join(",")), message);
    }
    // Each name was checked above: this cannot fail.
    let list = BaggageAllowList::new(good).unwrap_or_default();
    if keep_emails { list.keep_emails() } else { list }
}

/// What is wrong with one name, for the warning.
fn why(name: &str, e: &BaggageAllowListError) -> String {
    let name = name.escape_debug();
    match e {
        BaggageAllowListError::Wildcard { .. } => {
            format!("`{name}`, a wildcard (name each member)")
        }
        BaggageAllowListError::TooLong { start, len, .. } => format!(
            "`{start}…`, {len} bytes long (at most {} bytes)",
            BaggageAllowList::MAX_NAME_BYTES
        ),
        _ => format!("`{name}`, not a baggage member name (letters, digits and !#$%&'+-.^_`|~)"),
    }
}

/// The value as the warning shows it: a long one cut, as a warning is one log line.
fn shown(value: &str) -> String {
    const MAX_CHARS: usize = 256;
    if value.chars().count() <= MAX_CHARS {
        return value.to_owned();
    }
    let start: String = value.chars().take(MAX_CHARS).collect();
    format!("{start}… ({} bytes)", value.len())
}
