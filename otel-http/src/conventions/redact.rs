//! Credentials and signatures never reach telemetry: `url.full` and `url.query` are
//! redacted as the HTTP conventions require.

use std::borrow::Cow;

/// What replaces a redacted value.
pub const REDACTED: &str = "REDACTED";

/// Query keys whose values are signatures or credentials (the conventions' list, plus
/// common token parameters), compared case-insensitively.
pub const SENSITIVE_QUERY_KEYS: &[&str] = &[
    "AWSAccessKeyId",
    "Signature",
    "sig",
    "X-Goog-Signature",
    "X-Amz-Signature",
    "X-Amz-Credential",
    "X-Amz-Security-Token",
    "X-Goog-Credential",
    "GoogleAccessId",
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "token",
    "key",
    "api_key",
    "apikey",
    "api-key",
    "password",
];

/// The query with the values of [`SENSITIVE_QUERY_KEYS`] replaced by `REDACTED`; other
/// pairs, their order and separators are kept. Borrowed when nothing changes.
///
/// ```
/// use otel_kit_http::conventions::redact_query;
/// assert_eq!(redact_query("page=2&sig=abc&Signature=x"), "page=2&sig=REDACTED&Signature=REDACTED");
/// assert_eq!(redact_query("q=rust"), "q=rust");
/// ```
pub fn redact_query(query: &str) -> Cow<'_, str> {
    let sensitive = |pair: &str| {
        let key = pair.split('=').next().unwrap_or_default();
        SENSITIVE_QUERY_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
    };
    if !query.split('&').any(sensitive) {
        return Cow::Borrowed(query);
    }
    let mut out = String::with_capacity(query.len());
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((key, _)) if sensitive(pair) => {
                out.push_str(key);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(pair),
        }
    }
    Cow::Owned(out)
}

/// `url.full` with user info replaced by `REDACTED:REDACTED` and sensitive query values
/// redacted. Borrowed when nothing changes.
///
/// ```
/// use otel_kit_http::conventions::redact_url;
/// assert_eq!(
///     redact_url("https://alice:s3cr3t@example.com/a?X-Goog-Signature=f00&x=1"),
///     "https://REDACTED:REDACTED@example.com/a?X-Goog-Signature=REDACTED&x=1"
/// );
/// assert_eq!(redact_url("http://example.com/"), "http://example.com/");
/// ```
pub fn redact_url(url: &str) -> Cow<'_, str> {
    // Most URLs carry neither user info nor a query: two byte scans say so.
    if !url.contains(['@', '?']) {
        return Cow::Borrowed(url);
    }
    let (before_query, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let (before_fragment_query, fragment) = match query {
        Some(q) => match q.split_once('#') {
            Some((q, f)) => (Some(q), Some(f)),
            None => (Some(q), None),
        },
        None => (None, None),
    };
    // User info sits between "://" and the first '@' before the path.
    let userinfo = before_query.find("://").and_then(|scheme_end| {
        let authority_start = scheme_end + 3;
        let authority_end = before_query[authority_start..]
            .find('/')
            .map_or(before_query.len(), |i| authority_start + i);
        before_query[authority_start..authority_end]
            .rfind('@')
            .map(|at| (authority_start, authority_start + at))
    });
    let redacted_query = before_fragment_query.map(redact_query);
    let query_changed = matches!(redacted_query, Some(Cow::Owned(_)));
    if userinfo.is_none() && !query_changed {
        return Cow::Borrowed(url);
    }
    let mut out = String::with_capacity(url.len() + 16);
    match userinfo {
        Some((start, at)) => {
            out.push_str(&before_query[..start]);
            out.push_str("REDACTED:REDACTED");
            out.push_str(&before_query[at..]);
        }
        None => out.push_str(before_query),
    }
    if let Some(q) = redacted_query {
        out.push('?');
        out.push_str(&q);
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    Cow::Owned(out)
}
