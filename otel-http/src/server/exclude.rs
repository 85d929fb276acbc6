//! Which requests get no telemetry: health probes and scrapes would otherwise drown the
//! real traffic in spans and inflate the duration histogram with sub-millisecond points.

use std::fmt;
use std::sync::Arc;

use http::request::Parts;

/// The paths excluded by default: the usual liveness/readiness probes and the
/// Prometheus scrape endpoint. Compared with the request path exactly;
/// [`ServerLayer::exclude_nothing`](super::ServerLayer::exclude_nothing) removes them.
///
/// ```
/// assert!(otel_kit_http::server::DEFAULT_EXCLUDED_PATHS.contains(&"/healthz"));
/// ```
pub const DEFAULT_EXCLUDED_PATHS: &[&str] = &["/health", "/healthz", "/ready", "/live", "/metrics"];

/// A predicate over the request head; `true` means "no telemetry for this request".
pub(super) type Predicate = Arc<dyn Fn(&Parts) -> bool + Send + Sync>;

/// The exclusion rules of one layer, checked in order of cost: exact paths, prefixes,
/// then predicates.
#[derive(Clone)]
pub(super) struct Exclusions {
    exact: Vec<String>,
    prefixes: Vec<String>,
    predicates: Vec<Predicate>,
}

impl Default for Exclusions {
    fn default() -> Self {
        Self {
            exact: DEFAULT_EXCLUDED_PATHS.iter().map(|p| (*p).to_owned()).collect(),
            prefixes: Vec::new(),
            predicates: Vec::new(),
        }
    }
}

impl fmt::Debug for Exclusions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exclusions")
            .field("exact", &self.exact)
            .field("prefixes", &self.prefixes)
            .field("predicates", &self.predicates.len())
            .finish()
    }
}

impl Exclusions {
    pub(super) fn none() -> Self {
        Self {
            exact: Vec::new(),
            prefixes: Vec::new(),
            predicates: Vec::new(),
        }
    }

    pub(super) fn add_exact(&mut self, path: String) {
        self.exact.push(path);
    }

    pub(super) fn add_prefix(&mut self, prefix: String) {
        self.prefixes.push(prefix);
    }

    pub(super) fn add_predicate(&mut self, predicate: Predicate) {
        self.predicates.push(predicate);
    }

    /// True when `path` matches an exact or prefix rule. The raw path is compared,
    /// not the route: probes are usually mounted outside any router that would set one.
    fn matches_path(&self, path: &str) -> bool {
        self.exact.iter().any(|p| p == path) || self.prefixes.iter().any(|p| path.starts_with(p.as_str()))
    }

    /// True when `parts` matches any rule.
    pub(super) fn matches(&self, parts: &Parts) -> bool {
        self.matches_path(parts.uri.path()) || self.predicates.iter().any(|p| p(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(uri: &str) -> Parts {
        http::Request::get(uri).body(()).expect("request").into_parts().0
    }

    #[test]
    fn defaults_exact_prefix_and_predicate() {
        let mut e = Exclusions::default();
        assert!(e.matches(&parts("/healthz")));
        assert!(e.matches(&parts("/metrics?x=1")));
        assert!(!e.matches(&parts("/healthz/deep")), "default rules are exact");
        e.add_prefix("/internal/".into());
        e.add_predicate(Arc::new(|p: &Parts| p.headers.contains_key("x-synthetic")));
        assert!(e.matches(&parts("/internal/debug")));
        let mut synthetic = parts("/orders");
        assert!(!e.matches(&synthetic));
        synthetic
            .headers
            .insert("x-synthetic", "1".parse().expect("value"));
        assert!(e.matches(&synthetic));
        assert!(!Exclusions::none().matches(&parts("/health")));
    }
}
