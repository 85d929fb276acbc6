//! [`printable_endpoint`]: an endpoint as it may be printed (start-up line, warnings,
//! errors), without the credentials a URL can carry in its user info or its query.

/// `endpoint` with its user info masked (`user:***@`, or `***@` when it is a single
/// token, which may be a key itself) and its query and fragment replaced by `?***`.
/// Works on any text, so that an endpoint too malformed to parse is masked as well.
///
/// ```
/// use otel_kit_otlp::printable_endpoint;
///
/// assert_eq!(
///     printable_endpoint("https://alice:s3cret@host:4317/v1/traces?api_key=K"),
///     "https://alice:***@host:4317/v1/traces?***"
/// );
/// assert_eq!(printable_endpoint("http://localhost:4318/v1/logs"), "http://localhost:4318/v1/logs");
/// ```
pub fn printable_endpoint(endpoint: &str) -> String {
    let (scheme, rest) = match endpoint.find("://") {
        Some(i) => endpoint.split_at(i + 3),
        None => ("", endpoint),
    };
    // The authority ends at the first '/', '?' or '#'.
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
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
    format!("{scheme}{authority}{path}")
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
        ] {
            assert_eq!(printable_endpoint(given), shown, "{given}");
        }
    }

    #[cfg(feature = "http-proto")]
    #[test]
    fn a_build_error_shows_the_endpoint_masked() {
        let error = crate::SpanExporter::builder()
            .with_endpoint("ftp://alice:s3cret@host:4317/v1/traces?api_key=K")
            .build()
            .expect_err("not http");
        let text = error.to_string();
        assert!(
            text.contains("'ftp://alice:***@host:4317/v1/traces?***'"),
            "{text}"
        );
        assert!(!text.contains("s3cret") && !text.contains("api_key"), "{text}");
    }

    #[cfg(feature = "http-proto")]
    #[test]
    fn a_builders_debug_shows_the_endpoint_masked() {
        let builder = crate::SpanExporter::builder()
            .with_endpoint("https://alice:s3cret@host:4318/v1/traces?api_key=K")
            .with_header_file("authorization", "/run/token");
        let text = format!("{builder:?}");
        assert!(
            text.contains("https://alice:***@host:4318/v1/traces?***"),
            "{text}"
        );
        assert!(!text.contains("s3cret") && !text.contains("api_key=K"), "{text}");
    }

    #[cfg(feature = "http-proto")]
    #[test]
    fn a_credentials_check_interval_under_100_ms_is_refused() {
        for short in [std::time::Duration::ZERO, std::time::Duration::from_millis(99)] {
            let error = crate::SpanExporter::builder()
                .with_credentials_check_interval(short)
                .build()
                .expect_err("too short");
            assert!(matches!(
                error,
                crate::BuildError::CredentialsCheckIntervalTooShort(d) if d == short
            ));
        }
        crate::SpanExporter::builder()
            .with_credentials_check_interval(crate::MIN_CREDENTIALS_CHECK_INTERVAL)
            .build()
            .expect("100 ms is enough");
    }
}
