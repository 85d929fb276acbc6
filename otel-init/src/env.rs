//! Reading `OTEL_*` variables by the spec's parsing rules: empty means unset, enum values
//! are case-insensitive, durations are milliseconds, and a bad value yields one warning
//! naming the variable, the value and the default used, never a panic.
//!
//! The leaf of the crate: the setup's [`Config`](crate::config::Config) and every SDK
//! plug-in (batch, sampling, redaction, resource, propagation) read their variables
//! through [`Env`]. It imports nothing else from the crate but the leaf
//! `build_features`, which tells what the build can put in effect.

use std::time::Duration;

use otel_kit_core::EnvReader;

use crate::build_features::BuildFeatures;

/// A configuration value that was set but unusable, and what was used instead (defined
/// in otel-kit-core, shared with otel-kit-sampling).
///
/// ```
/// let (_, warnings) = otel_kit_init::config::Config::from_lookup(|k| {
///     (k == "OTEL_BSP_MAX_QUEUE_SIZE").then(|| "lots".to_owned())
/// });
/// assert_eq!(warnings[0].variable, "OTEL_BSP_MAX_QUEUE_SIZE");
/// assert_eq!(
///     warnings[0].to_string(),
///     "OTEL_BSP_MAX_QUEUE_SIZE=\"lots\" is not a non-negative integer; using the default 2048"
/// );
/// ```
pub use otel_kit_core::ConfigWarning;

/// Warnings gathered while telemetry is set up, logged once when it is running.
#[derive(Debug, Default)]
pub(crate) struct Warnings(pub(crate) Vec<ConfigWarning>);

impl Warnings {
    #[cfg_attr(not(feature = "__otlp"), allow(dead_code))]
    pub(crate) fn push(
        &mut self,
        variable: impl Into<String>,
        value: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.0.push(ConfigWarning::new(variable, value, message));
    }
}

/// The process environment, as [`Env`] reads it.
pub(crate) use otel_kit_core::__private::process_env;

/// A setting read from its `OTEL_*` variables, with a warning for each value not used
/// as written. One trait, public under the name of each setting it reads:
/// [`PropagatorsFromEnv`](crate::config::PropagatorsFromEnv),
/// [`ResourceOptionsFromEnv`](crate::config::ResourceOptionsFromEnv) and
/// [`RedactionSettingsFromEnv`](crate::redaction::RedactionSettingsFromEnv).
pub trait FromEnv: Sized {
    /// What the process environment says, with a warning for each value not used as
    /// written.
    fn from_env() -> (Self, Vec<ConfigWarning>) {
        Self::from_lookup(process_env)
    }

    /// As [`from_env`](Self::from_env), from `lookup` (a map in tests).
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<ConfigWarning>);
}

/// Runs `read` over the environment `lookup` gives, returning what it read and the
/// warnings: the body of every public `from_lookup`.
pub(crate) fn read_with<T>(
    lookup: impl Fn(&str) -> Option<String>,
    read: impl FnOnce(&mut Env<'_>) -> T,
) -> (T, Vec<ConfigWarning>) {
    read_as_built(lookup, BuildFeatures::THIS_BUILD, read)
}

/// [`read_with`] as a build with `features` would read it (tests of the rules that
/// depend on the cargo features).
pub(crate) fn read_as_built<T>(
    lookup: impl Fn(&str) -> Option<String>,
    features: BuildFeatures,
    read: impl FnOnce(&mut Env<'_>) -> T,
) -> (T, Vec<ConfigWarning>) {
    let mut env = Env::new(&lookup);
    env.features = features;
    let value = read(&mut env);
    (value, env.into_warnings())
}

/// The longest duration a variable may give, in milliseconds (`u32::MAX`, about 49
/// days): anything longer is a mistake, and would overflow the deadlines made from it.
pub(crate) const MAX_MILLIS: u64 = u32::MAX as u64;

/// Variables whose values are secrets: warnings show `<redacted>` instead of the value.
fn is_secret(variable: &str) -> bool {
    variable.ends_with("_HEADERS") || variable.ends_with("_SECRET")
}

/// A view of the environment (the process's, or a map in tests) that collects warnings:
/// otel-kit-core's [`EnvReader`], which otel-kit-sampling reads with too, plus the typed
/// parsers of the specification's rules and the build's features.
pub(crate) struct Env<'a> {
    reader: EnvReader<'a>,
    features: BuildFeatures,
}

impl<'a> Env<'a> {
    pub(crate) fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Env {
            reader: EnvReader::new(lookup),
            features: BuildFeatures::THIS_BUILD,
        }
    }

    /// The cargo features of the build the values are read for.
    pub(crate) fn features(&self) -> BuildFeatures {
        self.features
    }

    pub(crate) fn into_warnings(self) -> Vec<ConfigWarning> {
        self.reader.into_warnings()
    }

    pub(crate) fn warn(&mut self, variable: &str, value: &str, message: impl Into<String>) {
        let value = if is_secret(variable) {
            "<redacted>".to_owned()
        } else {
            value.to_owned()
        };
        self.push(ConfigWarning::new(variable, value, message));
    }

    /// Adds a warning made elsewhere (by a parser that also works on plain strings),
    /// unless the same one was said already.
    pub(crate) fn push(&mut self, warning: ConfigWarning) {
        self.reader.push(warning);
    }

    /// The trimmed value; an empty or whitespace-only value counts as unset.
    pub(crate) fn get(&self, variable: &str) -> Option<String> {
        self.reader.get(variable)
    }

    /// The first of `variables` that is set, with its name (per-signal before generic).
    pub(crate) fn first(&self, variables: &[&str]) -> Option<(String, String)> {
        variables
            .iter()
            .find_map(|v| self.get(v).map(|value| ((*v).to_owned(), value)))
    }

    /// A boolean: `true` (any case) is true, `false` is false; anything else warns.
    pub(crate) fn bool(&mut self, variable: &str, default: bool) -> bool {
        match self.get(variable) {
            None => default,
            Some(v) if v.eq_ignore_ascii_case("true") => true,
            Some(v) if v.eq_ignore_ascii_case("false") => false,
            Some(v) => {
                self.warn(variable, &v, format!("is not `true` or `false`; using {default}"));
                default
            }
        }
    }

    /// A non-negative integer.
    pub(crate) fn usize(&mut self, variable: &str, default: usize) -> usize {
        self.parsed(variable, "a non-negative integer", &default.to_string())
            .unwrap_or(default)
    }

    /// A non-negative integer without a fixed default; `default_text` says what applies
    /// when it is unset or invalid (for example "no limit").
    pub(crate) fn optional_usize(&mut self, variable: &str, default_text: &str) -> Option<usize> {
        self.parsed(variable, "a non-negative integer", default_text)
    }

    /// A duration in whole milliseconds, at most [`MAX_MILLIS`]: a longer one would
    /// overflow the deadlines computed from it (`Instant::now() + d` panics).
    pub(crate) fn millis(&mut self, variable: &str, default: Duration) -> Duration {
        let default_text = format!("{} ms", default.as_millis());
        match self.parsed::<u64>(variable, "a duration in whole milliseconds", &default_text) {
            None => default,
            Some(ms) if ms > MAX_MILLIS => {
                self.warn(
                    variable,
                    &ms.to_string(),
                    format!(
                        "is longer than the longest duration otel-kit accepts ({MAX_MILLIS} ms, about 49 days); using the default {default_text}"
                    ),
                );
                default
            }
            Some(ms) => Duration::from_millis(ms),
        }
    }

    /// A timeout in whole milliseconds. Zero is not "no limit" (the specification gives
    /// it no such meaning, and a zero deadline fails every export): it is warned about
    /// and the default applies.
    pub(crate) fn timeout(&mut self, variable: &str, default: Duration) -> Duration {
        let timeout = self.millis(variable, default);
        if !timeout.is_zero() {
            return timeout;
        }
        self.warn(
            variable,
            "0",
            format!(
                "is zero, and a zero timeout is not \"no limit\"; using the default {} ms",
                default.as_millis()
            ),
        );
        default
    }

    /// An interval in whole milliseconds that must be positive: zero is warned about
    /// (`why` says what it would do) and the default applies.
    pub(crate) fn positive_millis(&mut self, variable: &str, default: Duration, why: &str) -> Duration {
        let interval = self.millis(variable, default);
        if !interval.is_zero() {
            return interval;
        }
        self.warn(
            variable,
            "0",
            format!(
                "is zero, which {why}; using the default {} ms",
                default.as_millis()
            ),
        );
        default
    }

    /// The value parsed as `T`; a value that does not parse is warned about, naming
    /// what was expected and the default that applies instead.
    fn parsed<T: std::str::FromStr>(
        &mut self,
        variable: &str,
        expected: &str,
        default_text: &str,
    ) -> Option<T> {
        let v = self.get(variable)?;
        match v.parse::<T>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.warn(
                    variable,
                    &v,
                    format!("is not {expected}; using the default {default_text}"),
                );
                None
            }
        }
    }

    /// One of `options` (compared case-insensitively), else the default with a warning.
    pub(crate) fn choice<T: Copy + PartialEq>(
        &mut self,
        variable: &str,
        options: &[(&str, T)],
        default: T,
    ) -> T {
        let Some(v) = self.get(variable) else {
            return default;
        };
        match options.iter().find(|(name, _)| name.eq_ignore_ascii_case(&v)) {
            Some((_, value)) => *value,
            None => {
                let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                let default_name = options
                    .iter()
                    .find(|(_, t)| *t == default)
                    .map_or("the default", |(n, _)| *n);
                self.warn(
                    variable,
                    &v,
                    format!("is not one of {}; using {default_name}", names.join(", ")),
                );
                default
            }
        }
    }

    /// A comma-separated list, entries trimmed, empty entries dropped.
    pub(crate) fn list(&self, variable: &str) -> Option<Vec<String>> {
        self.reader.list(variable)
    }

    /// `key1=value1,key2=value2` with percent-encoded values (the W3C baggage format the
    /// spec uses for `OTEL_RESOURCE_ATTRIBUTES` and the OTLP headers). Any bad entry
    /// discards the whole value with one warning, as the spec prescribes.
    pub(crate) fn key_values(&mut self, variable: &str) -> Option<Vec<(String, String)>> {
        let v = self.get(variable)?;
        match parse_key_values(&v) {
            Ok(pairs) => Some(pairs),
            Err(why) => {
                self.warn(variable, &v, format!("{why}; the whole value is ignored"));
                None
            }
        }
    }
}

/// Parses `k=v,k2=v2`, percent-decoding keys and values.
pub(crate) fn parse_key_values(value: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (i, entry) in value.split(',').enumerate() {
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let Some((key, val)) = entry.split_once('=') else {
            // The entry is not quoted: a header value may be a credential, and the warning
            // shows a variable's value only where it is not one.
            return Err(format!("entry {} has no `=`", i + 1));
        };
        let key = percent_decode(key.trim())
            .ok_or_else(|| format!("entry {} has an invalid percent-encoding", i + 1))?;
        if key.is_empty() {
            return Err(format!("entry {} has an empty key", i + 1));
        }
        let val = percent_decode(val.trim())
            .ok_or_else(|| format!("entry {} has an invalid percent-encoding", i + 1))?;
        out.push((key, val));
    }
    Ok(out)
}

/// Decodes `%XX` escapes; `None` for a truncated or non-hex escape or invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_decode_and_reject() {
        assert_eq!(
            parse_key_values("a=1, b = x%20y ,c=%E2%9C%93,").unwrap(),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("c".into(), "✓".into())
            ]
        );
        assert_eq!(
            parse_key_values("a=b=c").unwrap(),
            vec![("a".into(), "b=c".into())]
        );
        assert!(parse_key_values("a=1,novalue").is_err());
        assert!(parse_key_values("=1").is_err());
        assert!(parse_key_values("a=%zz").is_err());
        assert!(parse_key_values("a=%4").is_err());
        assert!(parse_key_values("a=%ff").is_err(), "invalid UTF-8 is refused");
    }
}
