//! The builder's context propagation: the propagators, in place of `OTEL_PROPAGATORS`,
//! and the baggage members copied onto spans and log records.

use otel_kit_propagators::Propagators;

use super::Builder;

impl Builder {
    /// The propagators (win over `OTEL_PROPAGATORS`).
    pub fn propagators(mut self, propagators: Propagators) -> Self {
        self.code.propagators = Some(propagators);
        self
    }

    /// The baggage members copied onto every span (at start, from its parent context)
    /// and log record (from the current context), in front of redaction (wins over
    /// `OTEL_KIT_BAGGAGE_ATTRIBUTES` and `OTEL_KIT_BAGGAGE_EMAILS`). E-mail addresses in
    /// the copied values are scrubbed unless the list [keeps them](crate::baggage::BaggageAllowList::keep_emails).
    ///
    /// ```
    /// use otel_kit_init::baggage::BaggageAllowList;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .baggage_attributes(BaggageAllowList::new(["tenant.id", "user.tier"])?)
    ///     .init()?;
    /// assert!(telemetry.effective_config().to_string().contains(" baggage_attributes=tenant.id,user.tier"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn baggage_attributes(mut self, list: crate::baggage::BaggageAllowList) -> Self {
        self.code.baggage_attributes = Some(list);
        self
    }
}
