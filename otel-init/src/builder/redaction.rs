//! The builder's redaction rules, in place of the `OTEL_KIT_REDACT*` variables, or none.

use super::Builder;
use crate::redaction::Redaction;

impl Builder {
    /// The redaction rules (win over all `OTEL_KIT_REDACT*` variables). Without this,
    /// the environment decides, and redaction is on with
    /// [`Redaction::default()`]'s rules unless `OTEL_KIT_REDACT=none`.
    ///
    /// ```
    /// use otel_kit_init::redaction::{Redaction, Scrub};
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .redaction(Redaction::default().drop_keys(["app.ssn"]).scrub([Scrub::Email]))
    ///     .init()?;
    /// assert!(telemetry.effective_config().redaction.drop_keys.iter().any(|k| k == "app.ssn"));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn redaction(mut self, rules: Redaction) -> Self {
        self.code.redaction = Some(Some(rules));
        self
    }

    /// No redaction at all, whatever `OTEL_KIT_REDACT*` say.
    pub fn without_redaction(mut self) -> Self {
        self.code.redaction = Some(None);
        self
    }
}
