//! What the remote samplers' `OTEL_TRACES_SAMPLER_ARG` readers share (Jaeger's in
//! `jaeger_remote/arg.rs`, X-Ray's in `xray/remote_arg.rs`): the comma-separated
//! `key=value` entries, and the one warning that lists each entry not used as written,
//! with any URL in it masked (an endpoint may carry credentials).

use otel_kit_core::__private::printable_endpoint::printable_endpoint;
use otel_kit_core::__private::printable_text::escape_controls;
use otel_kit_core::ConfigWarning;

/// The `key=value` entries of `arg` as `(entry, key, value)`, key and value trimmed, in
/// order; an entry without a `=` goes to `problems`, as one `name` ignores, with the keys
/// it knows (`keys`, written for the message).
pub(crate) fn key_values<'a>(
    arg: Option<&'a str>,
    name: &str,
    keys: &str,
    problems: &mut Problems,
) -> Vec<(&'a str, &'a str, &'a str)> {
    let mut entries = Vec::new();
    if splits_a_secret(arg.unwrap_or_default()) {
        // Its pieces would make an endpoint of part of the password (`http://alice:12`).
        problems.push(
            arg.unwrap_or_default(),
            format!("holds a password with a `,`; {name} ignores the whole value"),
        );
        return entries;
    }
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
pub(crate) struct Problems(Vec<(String, String)>);

impl Problems {
    /// `entry` and what is wrong with it.
    pub(crate) fn push(&mut self, entry: &str, message: String) {
        self.0.push((entry.to_owned(), message));
    }

    /// One warning on `variable` listing them all, when there are any. The value is
    /// masked whole: a password may hold the `,` that separates entries, and masking
    /// entry by entry would then print its pieces. The entries and why each cannot be
    /// used (which quote them) are printed only when masking them one by one gives the
    /// same text as masking the whole; otherwise only how many there are.
    pub(crate) fn report(
        self,
        variable: &str,
        name: &str,
        arg: Option<&str>,
        warnings: &mut Vec<ConfigWarning>,
    ) {
        if self.0.is_empty() {
            return;
        }
        let raw = arg.unwrap_or_default();
        let shown = masked(raw);
        let message = if !splits_a_secret(raw) {
            let problems: Vec<String> = self
                .0
                .iter()
                .map(|(entry, message)| format!("{:?} {message}", masked(entry)))
                .collect();
            format!("has entries {name} cannot use: {}.", problems.join("; "))
        } else {
            format!(
                "has entries {name} cannot use ({} of them), not shown: a password in it holds \
                 a `,`, which also separates entries (percent-encode it as %2C)",
                self.0.len()
            )
        };
        warnings.push(ConfigWarning::new(variable, shown, message));
    }
}

/// Whether masking `arg` entry by entry would print pieces of a credential that holds
/// the `,` separating entries: masking the whole gives another text.
fn splits_a_secret(arg: &str) -> bool {
    arg.split(',').map(masked).collect::<Vec<_>>().join(",") != masked(arg)
}

/// The whole value as it may be printed: every URL in it (an `endpoint=` value, or a URL
/// given without its key) with its user info and query masked, and any `user@` without a
/// scheme.
fn masked(arg: &str) -> String {
    match arg.find("://") {
        // The key before the first URL stays readable.
        Some(at) => match arg[..at].rfind([',', '=']) {
            Some(cut) => format!(
                "{}{}",
                escape_controls(&arg[..=cut]),
                printable_endpoint(&arg[cut + 1..])
            ),
            None => printable_endpoint(arg),
        },
        None if arg.contains('@') => printable_endpoint(arg),
        None => escape_controls(arg).into_owned(),
    }
}
