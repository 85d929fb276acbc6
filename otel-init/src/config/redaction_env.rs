//! `OTEL_KIT_REDACT` and the `OTEL_KIT_REDACT_*` variables: the redaction rules, read onto
//! otel-kit-processors' [`RedactionSettings`], behind [`RedactionSettingsFromEnv`](crate::redaction::RedactionSettingsFromEnv).

use crate::env::{ConfigWarning, Env, FromEnv, read_with};
use crate::redaction::{
    DEFAULT_DROP_KEYS, DEFAULT_SCRUB, IpPrefixes, MIN_SECRET_LEN, PII_KEYS, PII_SCRUB, RedactionMode,
    RedactionSettings, Scrub,
};

const REDACT: &str = "OTEL_KIT_REDACT";
const DROP_KEYS: &str = "OTEL_KIT_REDACT_DROP_KEYS";
const HASH_KEYS: &str = "OTEL_KIT_REDACT_HASH_KEYS";
const SECRET: &str = "OTEL_KIT_REDACT_HASH_SECRET";
const SECRET_FILE: &str = "OTEL_KIT_REDACT_HASH_SECRET_FILE";
const SCRUB: &str = "OTEL_KIT_REDACT_SCRUB";
const TRUNCATE_IP: &str = "OTEL_KIT_REDACT_TRUNCATE_IP";
/// Every variable [`RedactionSettingsFromEnv::from_env`](crate::redaction::RedactionSettingsFromEnv::from_env) reads.
pub(crate) const VARIABLES: [&str; 7] = [
    REDACT,
    DROP_KEYS,
    HASH_KEYS,
    SECRET,
    SECRET_FILE,
    SCRUB,
    TRUNCATE_IP,
];

impl FromEnv for RedactionSettings {
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<ConfigWarning>) {
        read_with(lookup, read)
    }
}

/// `OTEL_KIT_REDACT*`.
pub(crate) fn read(env: &mut Env<'_>) -> RedactionSettings {
    let mode = env.choice(
        REDACT,
        &[
            ("default", RedactionMode::Default),
            ("none", RedactionMode::None),
            ("pii", RedactionMode::Pii),
        ],
        RedactionMode::Default,
    );
    if mode == RedactionMode::None {
        for variable in [DROP_KEYS, HASH_KEYS, SECRET, SECRET_FILE, SCRUB, TRUNCATE_IP] {
            if let Some(v) = env.get(variable) {
                env.warn(variable, &v, "is ignored because OTEL_KIT_REDACT=none");
            }
        }
        return RedactionSettings::from_rules(None);
    }
    let pii = mode == RedactionMode::Pii;
    let mut drop_keys: Vec<String> = DEFAULT_DROP_KEYS.iter().map(|k| (*k).to_owned()).collect();
    drop_keys.extend(env.list(DROP_KEYS).unwrap_or_default());
    let scrub = read_scrub(env, if pii { &PII_SCRUB[..] } else { &DEFAULT_SCRUB[..] });
    let truncate_ip = read_truncate_ip(env, pii.then_some(IpPrefixes::DEFAULT));
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
    if pii {
        // The preset's e-mail and phone keys: hashed with a secret, else dropped.
        let keys = PII_KEYS.iter().map(|k| (*k).to_owned());
        if secret.is_some() {
            hash_keys.extend(keys);
        } else {
            drop_keys.extend(keys);
        }
    }
    let mut settings =
        RedactionSettings::enabled(drop_keys, hash_keys, secret, scrub).with_truncate_ip(truncate_ip);
    settings.mode = mode;
    settings
}

/// The scrub kinds' names, as a warning lists them.
fn known_kinds() -> String {
    let names: Vec<&str> = Scrub::ALL.iter().map(|k| k.as_str()).collect();
    format!("known: {}, none", names.join(", "))
}

fn read_scrub(env: &mut Env<'_>, default: &[Scrub]) -> Vec<Scrub> {
    let Some(names) = env.list(SCRUB) else {
        return default.to_vec();
    };
    let raw = names.join(",");
    if names.iter().any(|n| n.eq_ignore_ascii_case("none")) {
        return Vec::new();
    }
    let mut out = Vec::new();
    // What was left out: one warning each when something is left to use, one for all
    // when nothing is. A name is echoed escaped: a warning is one log line.
    let mut unknown = Vec::new();
    for name in &names {
        match Scrub::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name))
        {
            Some(kind) if !out.contains(&kind) => out.push(kind),
            Some(_) => {}
            None => unknown.push(format!("names the unknown kind `{}`", name.escape_debug())),
        }
    }
    if out.is_empty() {
        let default_names: Vec<&str> = default.iter().map(|k| k.as_str()).collect();
        env.warn(
            SCRUB,
            &raw,
            format!(
                "{}; using the default {} ({})",
                if unknown.is_empty() {
                    "has no known kind".to_owned()
                } else {
                    unknown.join("; ")
                },
                default_names.join(","),
                known_kinds()
            ),
        );
        return default.to_vec();
    }
    for why in unknown {
        env.warn(SCRUB, &raw, format!("{why}; it is skipped ({})", known_kinds()));
    }
    out
}

/// `none`, `default` (16,48) or two prefix lengths `<IPv4>,<IPv6>`; unset: `default`,
/// the preset's (`pii`: 16,48, else none).
fn read_truncate_ip(env: &mut Env<'_>, default: Option<IpPrefixes>) -> Option<IpPrefixes> {
    let Some(raw) = env.get(TRUNCATE_IP) else {
        return default;
    };
    let value = raw.trim();
    if value.eq_ignore_ascii_case("none") {
        return None;
    }
    if value.eq_ignore_ascii_case("default") {
        return Some(IpPrefixes::DEFAULT);
    }
    let parsed = value.split_once(',').and_then(|(v4, v6)| {
        let bits = |s: &str| s.trim().trim_start_matches('/').parse::<u8>().ok();
        Some(IpPrefixes::new(bits(v4)?, bits(v6)?))
    });
    match parsed {
        Some(prefixes) if prefixes.v4 <= 32 && prefixes.v6 <= 128 => Some(prefixes),
        _ => {
            let used = default.map_or_else(|| "none".to_owned(), |p| format!("{},{}", p.v4, p.v6));
            env.warn(
                TRUNCATE_IP,
                &raw,
                format!(
                    "is not none, default (16,48) or two prefix lengths <IPv4>,<IPv6> such as 24,48 (at most 32 and 128); using {used}"
                ),
            );
            default
        }
    }
}

/// The longest a secret file may be: a key is tens of bytes, and `/dev/zero` is not one.
const MAX_SECRET_FILE: u64 = 64 * 1024;

/// How long `init()` waits for the secret file (a hung network mount).
const SECRET_FILE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);

/// The secret file's bytes: a regular file only, at most [`MAX_SECRET_FILE`], within
/// [`SECRET_FILE_DEADLINE`]; or why not.
fn read_secret_file(path: &str) -> Result<Vec<u8>, String> {
    use otel_kit_core::__private::regular_file::{ReadError, begin_read};
    let deadline = std::time::Instant::now() + SECRET_FILE_DEADLINE;
    begin_read(path.as_ref(), MAX_SECRET_FILE, deadline, |_| {})
        .finish()
        .map_err(|error| match error {
            ReadError::NotRegular => {
                "is not a regular file (a FIFO, socket or device is not read)".to_owned()
            }
            ReadError::TooLarge { bytes } => format!("is {bytes} bytes or more, over {MAX_SECRET_FILE}"),
            ReadError::Io(e) => format!("cannot be read ({e})"),
            ReadError::Unanswered { .. } => {
                format!("did not answer within {SECRET_FILE_DEADLINE:?} (a hung mount?)")
            }
            _ => "cannot be read".to_owned(),
        })
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
        match read_secret_file(&path) {
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
                    format!("{e}; hash keys are dropped instead of hashed"),
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
