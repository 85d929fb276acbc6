//! The endpoint of a remote sampler (Jaeger's strategies, X-Ray's rules and targets)
//! checked once for both: a plain `http://host[:port][/path]` URL, with the reasons it is
//! not written with the endpoint masked, since an endpoint may carry credentials.

use otel_kit_core::__private::printable_endpoint::printable_endpoint;

/// `endpoint` as a URL when it is `http://host[:port][/path]` without a query; `Err`
/// says what is wrong, with the endpoint masked. `query_why` ends the message about a
/// query (what the sampler adds to the URL itself).
pub(crate) fn plain_http(endpoint: &str, query_why: &str) -> Result<http::Uri, String> {
    let uri: http::Uri = endpoint
        .trim()
        .parse()
        .map_err(|e| format!("{:?} is not a URL ({e})", printable_endpoint(endpoint)))?;
    if uri.scheme_str() != Some("http") || uri.host().is_none_or(str::is_empty) {
        return Err(format!(
            "{:?} is not an http://host[:port][/path] URL (https is not supported)",
            printable_endpoint(endpoint)
        ));
    }
    if uri.query().is_some() {
        return Err(format!(
            "{:?} has a query; {query_why}",
            printable_endpoint(endpoint)
        ));
    }
    Ok(uri)
}

/// `uri` with `path` in place of its own, the endpoint masked in the error.
pub(crate) fn with_path(uri: &http::Uri, path: &str, endpoint: &str) -> Result<http::Uri, String> {
    let authority = uri.authority().map(ToString::to_string).unwrap_or_default();
    format!("http://{authority}{path}")
        .parse()
        .map_err(|e| format!("{:?} is not a URL ({e})", printable_endpoint(endpoint)))
}
