//! The proxy of the OTLP exports from the environment, as curl reads it (the `proxy`
//! cargo feature): `https_proxy`/`HTTPS_PROXY` for `https://` endpoints,
//! `http_proxy`/`HTTP_PROXY` for `http://` ones, `all_proxy`/`ALL_PROXY` for either when
//! its own is unset, and `no_proxy`/`NO_PROXY` for the hosts that go direct. The lower
//! case name wins over the upper case one, as in curl. Upper case `HTTP_PROXY` is
//! ignored when `REQUEST_METHOD` is set: in a CGI program a request's `Proxy:` header
//! arrives as `HTTP_PROXY` (httpoxy), which is why curl never reads it; outside CGI it is
//! read, as Go, reqwest and hyper-util do. OTLP/gRPC endpoints follow their URL's scheme
//! like any other.

use otel_kit_otlp::Proxy;

use crate::env::{ConfigWarning, Env};

/// Every variable read here, in the order each pair is tried.
pub(crate) const VARIABLES: [&str; 8] = [
    "https_proxy",
    "HTTPS_PROXY",
    "http_proxy",
    "HTTP_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
];

/// The proxy the environment names, if any; a proxy URL that cannot be used is left out
/// with a warning naming its variable (and never its credentials).
pub(crate) fn read(env: &mut Env<'_>) -> Option<Proxy> {
    let cgi = env.get("REQUEST_METHOD").is_some();
    let mut proxy_url = |names: &[&str]| {
        let (name, value) = env.first(names)?;
        match Proxy::new(&value) {
            Ok(_) => Some(value),
            Err(error) => {
                // The URL without its credentials, as the error shows it.
                let (otel_kit_otlp::ProxyError::Invalid { url, .. }
                | otel_kit_otlp::ProxyError::UnsupportedScheme { url, .. }) = &error;
                env.push(ConfigWarning::new(
                    &name,
                    url.clone(),
                    format!("cannot be used: {error}; exports go without this proxy"),
                ));
                None
            }
        }
    };
    let all = proxy_url(&["all_proxy", "ALL_PROXY"]);
    let https = proxy_url(&["https_proxy", "HTTPS_PROXY"]).or_else(|| all.clone());
    let http_names: &[&str] = if cgi {
        &["http_proxy"]
    } else {
        &["http_proxy", "HTTP_PROXY"]
    };
    let http = proxy_url(http_names).or(all);
    if http.is_none() && https.is_none() {
        return None;
    }
    let no_proxy = env
        .first(&["no_proxy", "NO_PROXY"])
        .map(|(_, list)| list)
        .unwrap_or_default();
    // Each URL was checked above.
    Proxy::by_scheme(http.as_deref(), https.as_deref())
        .ok()
        .map(|proxy| proxy.no_proxy(&no_proxy))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::read;
    use crate::env::Env;

    fn proxy_for(vars: &[(&str, &str)], endpoint: &str) -> (Option<String>, Vec<String>) {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let lookup = move |k: &str| vars.get(k).cloned();
        let mut env = Env::new(&lookup);
        let proxy = read(&mut env);
        let warnings = env.into_warnings().iter().map(ToString::to_string).collect();
        (
            proxy.and_then(|p| p.proxy_for(&endpoint.parse().expect("endpoint"))),
            warnings,
        )
    }

    #[test]
    fn each_scheme_its_variable_lower_case_first_all_proxy_for_the_rest() {
        let vars = [
            ("HTTPS_PROXY", "http://upper:1"),
            ("https_proxy", "http://lower:2"),
            ("ALL_PROXY", "http://all:3"),
        ];
        assert_eq!(
            proxy_for(&vars, "https://otlp.io").0.as_deref(),
            Some("http://lower:2/")
        );
        assert_eq!(
            proxy_for(&vars, "http://collector:4318").0.as_deref(),
            Some("http://all:3/")
        );
        let http = [("HTTP_PROXY", "http://upper:4")];
        assert_eq!(
            proxy_for(&http, "http://collector:4318").0.as_deref(),
            Some("http://upper:4/")
        );
        assert_eq!(proxy_for(&http, "https://otlp.io").0, None);
    }

    #[test]
    fn upper_case_http_proxy_is_ignored_in_a_cgi_program() {
        let vars = [
            ("HTTP_PROXY", "http://from-a-request-header:1"),
            ("REQUEST_METHOD", "GET"),
        ];
        assert_eq!(proxy_for(&vars, "http://collector:4318").0, None);
        let vars = [("http_proxy", "http://mine:1"), ("REQUEST_METHOD", "GET")];
        assert_eq!(
            proxy_for(&vars, "http://collector:4318").0.as_deref(),
            Some("http://mine:1/")
        );
    }

    #[test]
    fn no_proxy_in_either_case_and_loopback_proxied_unless_listed() {
        let base = [("HTTPS_PROXY", "http://p:1"), ("HTTP_PROXY", "http://p:1")];
        assert!(proxy_for(&base, "http://127.0.0.1:4318").0.is_some());
        for name in ["no_proxy", "NO_PROXY"] {
            let vars = [base[0], base[1], (name, "127.0.0.1,.corp")];
            assert_eq!(proxy_for(&vars, "http://127.0.0.1:4318").0, None, "{name}");
            assert_eq!(proxy_for(&vars, "https://otlp.eu.corp").0, None, "{name}");
            assert!(proxy_for(&vars, "https://otlp.io").0.is_some(), "{name}");
        }
    }

    #[test]
    fn an_unusable_proxy_is_one_warning_without_its_credentials() {
        let (proxy, warnings) = proxy_for(
            &[("HTTPS_PROXY", "socks5://alice:s3cret@p:1080")],
            "https://otlp.io",
        );
        assert_eq!(proxy, None);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("HTTPS_PROXY") && warnings[0].contains("socks5"),
            "{warnings:?}"
        );
        assert!(
            !warnings[0].contains("s3cret") && !warnings[0].contains("alice"),
            "{warnings:?}"
        );
    }
}
