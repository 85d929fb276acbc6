//! [`printable_endpoint`]: an endpoint as it may be printed (start-up line, warnings,
//! errors, the doctor's findings, the Jaeger sampler's), without the credentials a URL
//! can carry in its user info or its query. otel-kit-otlp re-exports it.

/// `endpoint` with its user info masked (`user:***@`, or `***@` when it is a single
/// token, which may be a key itself) and its query and fragment replaced by `?***`.
/// Works on any text, so that an endpoint too malformed to parse is masked as well.
///
/// ```
/// use otel_kit_core::__private::printable_endpoint::printable_endpoint;
///
/// assert_eq!(
///     printable_endpoint("https://alice:s3cret@host:4317/v1/traces?api_key=K"),
///     "https://alice:***@host:4317/v1/traces?***"
/// );
/// assert_eq!(printable_endpoint("http://localhost:4318/v1/logs"), "http://localhost:4318/v1/logs");
/// assert_eq!(printable_endpoint("http://host\u{1b}[2J:4318"), "http://host\\u{1b}[2J:4318");
/// ```
pub fn printable_endpoint(endpoint: &str) -> String {
    let (scheme, rest) = match endpoint.find("://") {
        Some(i) => endpoint.split_at(i + 3),
        None => ("", endpoint),
    };
    let (authority, tail) = rest.split_at(authority_end(rest));
    let authority = match authority.rfind('@') {
        Some(at) => {
            let (user_info, host) = authority.split_at(at);
            match user_info.split_once(':') {
                Some((user, _)) => format!("{user}:***{host}"),
                None => format!("***{host}"),
            }
        }
        None => authority.to_owned(),
    };
    let path = match tail.find(['?', '#']) {
        Some(i) => format!("{}?***", &tail[..i]),
        None => tail.to_owned(),
    };
    // An endpoint from the environment or a file may hold a terminal escape too.
    crate::text::printable_text::escape_controls(&format!("{scheme}{authority}{path}")).into_owned()
}

/// Where the authority of `rest` (what follows `scheme://`) ends: at the first '/', '?'
/// or '#', unless an '@' follows anywhere; then everything up to the last '@' is user
/// info, and masked, however a URL parser would read it. A password may hold any of those
/// characters, and digits after a ':' (`alice:123/456@host` reads as host `alice`, port
/// 123 to a parser): the rule is the same whatever the text parses as. An '@' in a path or
/// query is masked as user info too: never printing a credential comes first.
fn authority_end(rest: &str) -> usize {
    let first = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest.rfind('@') {
        // The host after the last '@' ends at the next '/', '?' or '#'.
        Some(last_at) if last_at > first => {
            last_at
                + rest[last_at..]
                    .find(['/', '?', '#'])
                    .unwrap_or(rest.len() - last_at)
        }
        _ => first,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_masked_wherever_they_are() {
        for (given, shown) in [
            (
                "https://alice:s3cret@host:4317/v1/traces?api_key=K",
                "https://alice:***@host:4317/v1/traces?***",
            ),
            ("https://tok3n@host", "https://***@host"),
            ("http://host:4318?key=1", "http://host:4318?***"),
            ("http://host/path#frag", "http://host/path?***"),
            ("alice:pw@host:4317", "alice:***@host:4317"),
            ("not a url ?secret", "not a url ?***"),
            ("https://[::1]:4317", "https://[::1]:4317"),
            // Passwords holding the characters that end an authority (base64 has '/').
            (
                "https://alice:pa/ss+w0rd==@host:4318/v1/traces",
                "https://alice:***@host:4318/v1/traces",
            ),
            (
                "https://alice:p?ss#w@host/v1/logs?k=1",
                "https://alice:***@host/v1/logs?***",
            ),
            ("https://alice:a/b@c/d@host:4317", "https://alice:***@host:4317"),
            ("https://tok/en==@host", "https://***@host"),
            // Digits before the '/' read as a port to a parser: still a password here.
            ("https://alice:123/456@host:4318", "https://alice:***@host:4318"),
            (
                "https://alice:123/456@host:4318/v1/traces",
                "https://alice:***@host:4318/v1/traces",
            ),
            // What a password may hold: , ; @ / ? # % and a colon.
            (
                "https://alice:a,b;c@d/e?f#g%41:h@host:4317/v1",
                "https://alice:***@host:4317/v1",
            ),
            ("https://alice:p%40ss@host", "https://alice:***@host"),
            (
                "https://alice:pw@[2001:db8::1]:4317",
                "https://alice:***@[2001:db8::1]:4317",
            ),
            ("https://alice:pw@[::1]", "https://alice:***@[::1]"),
            // No scheme.
            ("alice:123/456@host:4318", "alice:***@host:4318"),
            ("alice:a,b@host", "alice:***@host"),
            ("tok,en@host", "***@host"),
            // An '@' after the host is masked as user info too: over-masking, never a leak.
            ("http://host:4318/v1/@scope", "http://host:***@scope"),
        ] {
            assert_eq!(printable_endpoint(given), shown, "{given}");
        }
    }
}
