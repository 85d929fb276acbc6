//! The builder's database settings, in place of their `OTEL_KIT_DB_*` variables.

use std::time::Duration;

use super::Builder;

impl Builder {
    /// Flags a database operation that takes at least `threshold` as slow: its span gets
    /// `otel_kit.db.slow_query=true` and an `otel_kit.db.slow_query` log record (WARN)
    /// says what ran and how long (wins over `OTEL_KIT_DB_SLOW_QUERY_THRESHOLD`; off by
    /// default). Applies to otel-kit-db's SQL front ends (sqlx, tokio-postgres, diesel).
    /// A zero threshold is the same as none: it would flag every operation.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .environment_variables([("OTEL_KIT_DB_SLOW_QUERY_THRESHOLD", "100")])
    ///     .db_slow_query_threshold(Duration::from_millis(500))
    ///     .init()?;
    /// let switches = &telemetry.effective_config().instrumentation;
    /// assert_eq!(switches.db_slow_query_threshold, Some(Duration::from_millis(500)));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn db_slow_query_threshold(mut self, threshold: Duration) -> Self {
        self.code.db_slow_query_threshold = Some((!threshold.is_zero()).then_some(threshold));
        self
    }
}
