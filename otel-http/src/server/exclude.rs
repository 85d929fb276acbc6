//! Which requests get no telemetry: health probes and scrapes would otherwise drown the
//! real traffic in spans and inflate the duration histogram with sub-millisecond points.

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
pub(crate) struct Exclusions {
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
    pub(crate) fn none() -> Self {
        Self {
            exact: Vec::new(),
            prefixes: Vec::new(),
        }
    }

    pub(crate) fn add_exact(&mut self, path: String) {
        self.exact.push(path);
    }

    pub(crate) fn add_prefix(&mut self, prefix: String) {
        self.prefixes.push(prefix);
    }

    /// True when `path` matches an exact or prefix rule. The raw path is compared,
    /// not the route: probes are usually mounted outside any router that would set one.
    pub(crate) fn matches_path(&self, path: &str) -> bool {
        self.exact.iter().any(|p| p == path) || self.prefixes.iter().any(|p| path.starts_with(p.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path of `uri`, as a request carries it.
    fn path(uri: &str) -> String {
        uri.parse::<http::Uri>().expect("uri").path().to_owned()
    }

    #[test]
    fn defaults_exact_and_prefix() {
        let mut e = Exclusions::default();
        assert!(e.matches_path(&path("/healthz")));
        assert!(e.matches_path(&path("/metrics?x=1")));
        assert!(!e.matches_path(&path("/healthz/deep")), "default rules are exact");
        e.add_prefix("/internal/".into());
        assert!(e.matches_path(&path("/internal/debug")));
        assert!(!e.matches_path(&path("/orders")));
        assert!(!Exclusions::none().matches_path(&path("/health")));
    }
}
