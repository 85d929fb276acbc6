//! What the remote samplers' `OTEL_TRACES_SAMPLER_ARG` readers share (Jaeger's in
//! `jaeger_remote_arg.rs`, X-Ray's in `xray_remote_arg.rs`): the comma-separated
//! `key=value` entries, and the one warning that lists each entry not used as written,
//! with any URL in it masked (an endpoint may carry credentials).

use otel_kit_core::ConfigWarning;
use otel_kit_core::printable_endpoint::printable_endpoint;

/// The `key=value` entries of `arg` as `(entry, key, value)`, key and value trimmed, in
/// order; an entry without a `=` goes to `problems`, as one `name` ignores, with the keys
/// it knows (`keys`, written for the message).
pub(super) fn key_values<'a>(
    arg: Option<&'a str>,
    name: &str,
    keys: &str,
    problems: &mut Problems,
) -> Vec<(&'a str, &'a str, &'a str)> {
    let mut entries = Vec::new();
    for entry in arg
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        match entry.split_once('=') {
            Some((key, value)) => entries.push((entry, key.trim(), value.trim())),
            None => problems.push(
                entry,
                format!("is not a key=value entry ({keys}); {name} ignores it"),
            ),
        }
    }
    entries
}

/// The entries not used as written, each with why.
#[derive(Default)]
pub(super) struct Problems(Vec<String>);

impl Problems {
    /// `entry` (printed masked) and what is wrong with it.
    pub(super) fn push(&mut self, entry: &str, message: String) {
        self.0.push(format!("{:?} {message}", masked(entry)));
    }

    /// One warning on `variable` listing them all, when there are any.
    pub(super) fn report(
        self,
        variable: &str,
        name: &str,
        arg: Option<&str>,
        warnings: &mut Vec<ConfigWarning>,
    ) {
        if self.0.is_empty() {
            return;
        }
        let arg = arg
            .unwrap_or_default()
            .split(',')
            .map(masked)
            .collect::<Vec<_>>()
            .join(",");
        warnings.push(ConfigWarning::new(
            variable,
            arg,
            format!("has entries {name} cannot use: {}.", self.0.join("; ")),
        ));
    }
}

/// `entry` as it may be printed: a URL in it (an `endpoint=` value, or a URL given
/// without its key) with its user info and query masked.
fn masked(entry: &str) -> String {
    if !entry.contains("://") {
        return entry.to_owned();
    }
    match entry.split_once('=') {
        Some((key, value)) if !key.contains("://") => format!("{key}={}", printable_endpoint(value)),
        _ => printable_endpoint(entry),
    }
}
