//! Which requests get no telemetry: health probes and scrapes would otherwise drown the
//! real traffic in spans and inflate the duration histogram with sub-millisecond points.

use http::request::Parts;

/// The paths excluded by default: the usual liveness/readiness probes and the
/// Prometheus scrape endpoint. Compared with the request path exactly;
/// [`ServerLayer::exclude_nothing`](super::ServerLayer::exclude_nothing) removes them.
///
/// ```
/// assert!(otel_kit_http::server::DEFAULT_EXCLUDED_PATHS.contains(&"/healthz"));
/// ```
pub const DEFAULT_EXCLUDED_PATHS: &[&str] = &["/health", "/healthz", "/ready", "/live", "/metrics"];

/// The path rules of one layer, checked in order of cost: exact paths, then prefixes
/// (the `exclude_when` predicates, in the layer's hooks, come after them).
#[derive(Clone, Debug)]
pub(super) struct Exclusions {
    exact: Vec<String>,
    prefixes: Vec<String>,
}

impl Default for Exclusions {
    fn default() -> Self {
        Self {
            exact: DEFAULT_EXCLUDED_PATHS.iter().map(|p| (*p).to_owned()).collect(),
            prefixes: Vec::new(),
        }
    }
}

impl Exclusions {
    pub(super) fn none() -> Self {
        Self {
            exact: Vec::new(),
            prefixes: Vec::new(),
        }
    }

    pub(super) fn add_exact(&mut self, path: String) {
        self.exact.push(path);
    }

    pub(super) fn add_prefix(&mut self, prefix: String) {
        self.prefixes.push(prefix);
    }

    /// True when `path` matches an exact or prefix rule. The raw path is compared,
    /// not the route: probes are usually mounted outside any router that would set one.
    fn matches_path(&self, path: &str) -> bool {
        self.exact.iter().any(|p| p == path) || self.prefixes.iter().any(|p| path.starts_with(p.as_str()))
    }

    /// True when the path of `parts` matches a rule.
    pub(super) fn matches(&self, parts: &Parts) -> bool {
        self.matches_path(parts.uri.path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(uri: &str) -> Parts {
        http::Request::get(uri).body(()).expect("request").into_parts().0
    }

    #[test]
    fn defaults_exact_and_prefix() {
        let mut e = Exclusions::default();
        assert!(e.matches(&parts("/healthz")));
        assert!(e.matches(&parts("/metrics?x=1")));
        assert!(!e.matches(&parts("/healthz/deep")), "default rules are exact");
        e.add_prefix("/internal/".into());
        assert!(e.matches(&parts("/internal/debug")));
        assert!(!e.matches(&parts("/orders")));
        assert!(!Exclusions::none().matches(&parts("/health")));
    }
}
