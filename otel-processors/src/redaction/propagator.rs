//! Redaction of the baggage this process sends.

use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::propagation::text_map_propagator::FieldIter;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};

use super::redactor::Redactor;

/// Injects through `inner` with the context's baggage redacted, so the outgoing
/// `baggage` header carries no dropped key, hashed values in place of the originals and
/// scrubbed values; the trace context is untouched. Extraction is passed through as is:
/// what arrives is the caller's business, what leaves is ours.
///
/// otel-kit-init's `init()` already redacts through its `Propagators`
/// (`with_redaction`); this wrapper is for a propagator of your own.
///
/// ```
/// use std::collections::HashMap;
///
/// use opentelemetry::baggage::BaggageExt as _;
/// use opentelemetry::propagation::TextMapPropagator as _;
/// use opentelemetry::{Context, KeyValue};
/// use opentelemetry_sdk::propagation::BaggagePropagator;
/// use otel_kit_processors::redaction::{Redaction, RedactingPropagator, Scrub};
///
/// let propagator = RedactingPropagator::new(
///     BaggagePropagator::new(),
///     Redaction::default().scrub([Scrub::Email]).build()?,
/// );
/// let cx = Context::new().with_baggage([
///     KeyValue::new("user.email", "ada@example.com"),
///     KeyValue::new("api_key", "k-123"),
///     KeyValue::new("tenant", "acme"),
/// ]);
/// let mut headers = HashMap::new();
/// propagator.inject_context(&cx, &mut headers);
/// let header = &headers["baggage"];
/// assert!(header.contains("tenant=acme"), "{header}");
/// assert!(header.contains("user.email=[REDACTED:email]"), "{header}");
/// assert!(!header.contains("api_key"), "{header}");
/// # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RedactingPropagator<P> {
    inner: P,
    redactor: Redactor,
}

impl<P: TextMapPropagator> RedactingPropagator<P> {
    /// Wraps `inner`.
    pub fn new(inner: P, redactor: Redactor) -> Self {
        RedactingPropagator { inner, redactor }
    }
}

impl Redactor {
    /// `cx` with its baggage redacted, for a propagator to inject; `None` when nothing
    /// changes (no allocation then).
    ///
    /// ```
    /// use opentelemetry::baggage::BaggageExt as _;
    /// use opentelemetry::{Context, KeyValue};
    /// use otel_kit_processors::redaction::Redaction;
    ///
    /// let redactor = Redaction::default().build()?;
    /// let cx = Context::new().with_baggage([KeyValue::new("api_key", "k-123"), KeyValue::new("tenant", "acme")]);
    /// let clean = redactor.redact_context(&cx).expect("api_key is dropped");
    /// assert_eq!(clean.baggage().len(), 1);
    /// assert!(redactor.redact_context(&clean).is_none());
    /// # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
    /// ```
    pub fn redact_context(&self, cx: &Context) -> Option<Context> {
        let baggage = cx.baggage();
        if baggage.is_empty() {
            return None;
        }
        self.redact_baggage(baggage).map(|b| cx.with_baggage(b))
    }
}

impl<P: TextMapPropagator> TextMapPropagator for RedactingPropagator<P> {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        match self.redactor.redact_context(cx) {
            Some(clean) => self.inner.inject_context(&clean, injector),
            None => self.inner.inject_context(cx, injector),
        }
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        self.inner.extract_with_context(cx, extractor)
    }

    fn fields(&self) -> FieldIter<'_> {
        self.inner.fields()
    }
}
