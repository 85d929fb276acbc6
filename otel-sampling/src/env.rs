//! Reading the sampling variables by the specification's rules: an empty or
//! whitespace-only value counts as unset, and each value not used as written is one
//! [`ConfigWarning`] naming the variable, the value and what is used instead.

use otel_kit_core::ConfigWarning;

/// The variables a reader has looked up, and the warnings it has gathered.
pub(crate) struct Env<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    warnings: Vec<ConfigWarning>,
}

impl<'a> Env<'a> {
    /// Runs `read` over the environment `lookup` gives; what it read and the warnings.
    pub(crate) fn read_with<T>(
        lookup: impl Fn(&str) -> Option<String>,
        read: impl FnOnce(&mut Env<'_>) -> T,
    ) -> (T, Vec<ConfigWarning>) {
        let mut env = Env {
            lookup: &lookup,
            warnings: Vec::new(),
        };
        let value = read(&mut env);
        (value, env.warnings)
    }

    /// Records `warning`, unless the same one was said already.
    pub(crate) fn push(&mut self, warning: ConfigWarning) {
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    /// The trimmed value; an empty or whitespace-only value counts as unset.
    pub(crate) fn get(&self, variable: &str) -> Option<String> {
        (self.lookup)(variable)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// A comma-separated list, its entries trimmed and the empty ones dropped.
    pub(crate) fn list(&self, variable: &str) -> Option<Vec<String>> {
        let v = self.get(variable)?;
        Some(
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }
}

/// The process environment, for the `from_env` readers.
pub(crate) fn process_env(variable: &str) -> Option<String> {
    std::env::var(variable).ok()
}
