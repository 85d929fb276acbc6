//! [`EnvReader`]: the environment (the process's, or a map in tests) as every kit crate
//! that reads `OTEL_*` variables reads it: an empty or whitespace-only value counts as
//! unset, and each problem is one [`ConfigWarning`], said once.

use crate::config_warning::ConfigWarning;

/// A view of the environment that gathers warnings. The crates' own readers add their
/// typed parsers on top of it.
///
/// ```
/// use otel_kit_core::{ConfigWarning, EnvReader};
///
/// let (ratio, warnings) = EnvReader::read_with(
///     |name| (name == "OTEL_TRACES_SAMPLER_ARG").then(|| " lots ".to_owned()),
///     |env| match env.get("OTEL_TRACES_SAMPLER_ARG") {
///         Some(text) => text.parse::<f64>().unwrap_or_else(|_| {
///             env.push(ConfigWarning::new("OTEL_TRACES_SAMPLER_ARG", text, "is not a number; using 1.0"));
///             1.0
///         }),
///         None => 1.0,
///     },
/// );
/// assert_eq!(ratio, 1.0);
/// assert_eq!(warnings[0].value, "lots");
/// ```
pub struct EnvReader<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    warnings: Vec<ConfigWarning>,
}

impl<'a> EnvReader<'a> {
    /// A reader over `lookup`, with no warnings yet.
    ///
    /// ```
    /// let lookup = |name: &str| (name == "A").then(|| "1".to_owned());
    /// let env = otel_kit_core::EnvReader::new(&lookup);
    /// assert_eq!(env.get("A").as_deref(), Some("1"));
    /// ```
    pub fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self {
            lookup,
            warnings: Vec::new(),
        }
    }

    /// Runs `read` over the environment `lookup` gives: what it read, and the warnings.
    /// The body of every public `from_lookup`.
    ///
    /// ```
    /// let (value, warnings) = otel_kit_core::EnvReader::read_with(|_| None, |env| env.get("UNSET"));
    /// assert_eq!(value, None);
    /// assert!(warnings.is_empty());
    /// ```
    pub fn read_with<T>(
        lookup: impl Fn(&str) -> Option<String>,
        read: impl FnOnce(&mut EnvReader<'_>) -> T,
    ) -> (T, Vec<ConfigWarning>) {
        let mut env = EnvReader::new(&lookup);
        let value = read(&mut env);
        (value, env.into_warnings())
    }

    /// Records `warning`, unless the same one was said already (a generic variable is
    /// read once per signal; its problem is said once).
    ///
    /// ```
    /// use otel_kit_core::{ConfigWarning, EnvReader};
    ///
    /// let (_, warnings) = EnvReader::read_with(|_| None, |env| {
    ///     env.push(ConfigWarning::new("X", "1", "is wrong"));
    ///     env.push(ConfigWarning::new("X", "1", "is wrong"));
    /// });
    /// assert_eq!(warnings.len(), 1);
    /// ```
    pub fn push(&mut self, warning: ConfigWarning) {
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    /// The trimmed value; an empty or whitespace-only value counts as unset.
    ///
    /// ```
    /// let lookup = |_: &str| Some("  ".to_owned());
    /// assert_eq!(otel_kit_core::EnvReader::new(&lookup).get("ANY"), None);
    /// ```
    pub fn get(&self, variable: &str) -> Option<String> {
        (self.lookup)(variable)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// A comma-separated list, its entries trimmed and the empty ones dropped.
    ///
    /// ```
    /// let lookup = |_: &str| Some(" a, ,b ".to_owned());
    /// assert_eq!(otel_kit_core::EnvReader::new(&lookup).list("ANY"), Some(vec!["a".to_owned(), "b".to_owned()]));
    /// ```
    pub fn list(&self, variable: &str) -> Option<Vec<String>> {
        let v = self.get(variable)?;
        Some(
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    /// The warnings gathered.
    ///
    /// ```
    /// let lookup = |_: &str| None;
    /// assert!(otel_kit_core::EnvReader::new(&lookup).into_warnings().is_empty());
    /// ```
    pub fn into_warnings(self) -> Vec<ConfigWarning> {
        self.warnings
    }
}

/// The process environment, as the `from_env` readers look it up.
///
/// ```
/// assert_eq!(otel_kit_core::__private::process_env("OTEL_KIT_SURELY_NOT_SET_ANYWHERE"), None);
/// ```
pub fn process_env(variable: &str) -> Option<String> {
    std::env::var(variable).ok()
}
