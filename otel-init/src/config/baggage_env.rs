//! `OTEL_KIT_BAGGAGE_ATTRIBUTES` and `OTEL_KIT_BAGGAGE_EMAILS`: the baggage members
//! copied onto spans and log records, read onto otel-kit-processors' [`BaggageAllowList`].

use crate::baggage::{BaggageAllowList, BaggageAllowListError};
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
