//! Where the builder reads the variables from, instead of the process environment.

use std::sync::Arc;

use super::Builder;

impl Builder {
    /// Reads configuration from `lookup` instead of the process environment (tests).
    /// An unknown `OTEL_*` variable cannot be found through a lookup: use
    /// [`environment_variables`](Self::environment_variables) to have them warned about.
    pub fn environment(mut self, lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        self.lookup = Arc::new(lookup);
        self.variable_names = None;
        self
    }

    /// Reads configuration from these variables instead of the process environment, as
    /// if they were all the process had: an `OTEL_*` one the kit does not read is warned
    /// about, naming the one meant.
    ///
    /// ```
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .environment_variables([("OTEL_EXPORTER_OTLP_ENDPIONT", "http://collector:4318"), ("OTEL_TRACES_EXPORTER", "none")])
    ///     .init()?;
    /// assert!(telemetry.warnings().iter().any(|w| w.contains("did you mean OTEL_EXPORTER_OTLP_ENDPOINT?")));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn environment_variables<K: Into<String>, V: Into<String>>(
        mut self,
        variables: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let map: std::collections::HashMap<String, String> =
            variables.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        let names: Vec<String> = map.keys().cloned().collect();
        self.lookup = Arc::new(move |k| map.get(k).cloned());
        self.variable_names = Some(Arc::new(move || names.clone()));
        self
    }
}
