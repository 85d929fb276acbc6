//! The composite propagator built from a list of names.

use std::fmt;
use std::sync::Arc;

use opentelemetry::Context;
use opentelemetry::global;
use opentelemetry::propagation::text_map_propagator::FieldIter;
use opentelemetry::propagation::{Extractor, Injector, TextMapCompositePropagator, TextMapPropagator};
use opentelemetry_propagator_b3::B3Encoding;

#[cfg(feature = "redaction")]
use otel_kit_processors::redaction::Redactor;

use crate::b3::B3Propagator;
use crate::baggage_limits::LimitedBaggagePropagator;
use crate::name::PropagatorName;
use crate::trace_context::StrictTraceContextPropagator;

/// The propagators in effect: a composite that runs each one in order (injection writes
/// every format; extraction runs each in turn, so a later one wins on conflicting
/// headers), plus their names for the start-up log line.
///
/// Cheap to clone (the composite is shared).
///
/// ```
/// use std::collections::HashMap;
///
/// use opentelemetry::propagation::TextMapPropagator as _;
/// use otel_kit_propagators::{PropagatorName, Propagators};
///
/// let propagators = Propagators::new([PropagatorName::B3, PropagatorName::TraceContext]);
/// assert_eq!(propagators.to_string(), "b3,tracecontext");
///
/// let mut headers = HashMap::new();
/// headers.insert("b3".to_owned(), "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1".to_owned());
/// let cx = propagators.extract(&headers);
///
/// let mut out = HashMap::new();
/// propagators.inject_context(&cx, &mut out);
/// assert_eq!(out["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
/// assert_eq!(out["b3"], "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1");
/// ```
#[derive(Clone, Debug)]
pub struct Propagators {
    names: Vec<PropagatorName>,
    /// Propagators given as values, after the named ones.
    extra: Vec<Arc<dyn TextMapPropagator + Send + Sync>>,
    composite: Arc<TextMapCompositePropagator>,
    #[cfg(feature = "redaction")]
    redactor: Option<Redactor>,
}

impl Propagators {
    /// The given propagators, in order; a repeated name counts once, at its first position.
    /// An empty list propagates nothing, like [`Propagators::none`].
    ///
    /// ```
    /// use otel_kit_propagators::{PropagatorName, Propagators};
    ///
    /// let p = Propagators::new([PropagatorName::B3Multi, PropagatorName::Baggage, PropagatorName::B3Multi]);
    /// assert_eq!(p.names(), [PropagatorName::B3Multi, PropagatorName::Baggage]);
    /// ```
    pub fn new(names: impl IntoIterator<Item = PropagatorName>) -> Self {
        let mut distinct = Vec::new();
        for name in names {
            if !distinct.contains(&name) {
                distinct.push(name);
            }
        }
        let composite = TextMapCompositePropagator::new(distinct.iter().map(|name| build(*name)).collect());
        Propagators {
            names: distinct,
            extra: Vec::new(),
            composite: Arc::new(composite),
            #[cfg(feature = "redaction")]
            redactor: None,
        }
    }

    /// These propagators, then `propagator` (any [`TextMapPropagator`]): it injects after
    /// them and extracts after them, so its context wins when both find one.
    ///
    /// ```
    /// use opentelemetry::propagation::TextMapPropagator as _;
    /// use opentelemetry_sdk::propagation::TraceContextPropagator;
    /// use otel_kit_propagators::Propagators;
    ///
    /// let propagators = Propagators::none().with_propagator(TraceContextPropagator::new());
    /// assert!(propagators.fields().any(|field| field == "traceparent"));
    /// assert_eq!(propagators.to_string(), "custom");
    /// ```
    pub fn with_propagator(self, propagator: impl TextMapPropagator + Send + Sync + 'static) -> Self {
        self.with_shared_propagator(Arc::new(propagator))
    }

    /// As [`with_propagator`](Self::with_propagator), for a propagator already shared
    /// (one value behind several `Propagators`).
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// use opentelemetry::propagation::TextMapPropagator;
    /// use opentelemetry_sdk::propagation::TraceContextPropagator;
    /// use otel_kit_propagators::Propagators;
    ///
    /// let shared: Arc<dyn TextMapPropagator + Send + Sync> = Arc::new(TraceContextPropagator::new());
    /// let propagators = Propagators::none().with_shared_propagator(Arc::clone(&shared));
    /// assert_eq!(propagators.custom_count(), 1);
    /// ```
    pub fn with_shared_propagator(mut self, propagator: Arc<dyn TextMapPropagator + Send + Sync>) -> Self {
        self.extra.push(propagator);
        let mut all: Vec<Box<dyn TextMapPropagator + Send + Sync>> =
            self.names.iter().map(|name| build(*name)).collect();
        all.extend(
            self.extra
                .iter()
                .map(|p| Box::new(Shared(Arc::clone(p))) as Box<dyn TextMapPropagator + Send + Sync>),
        );
        self.composite = Arc::new(TextMapCompositePropagator::new(all));
        self
    }

    /// These propagators with the outgoing baggage redacted by `redactor` on injection
    /// (dropped keys left out, hashed and scrubbed values replaced); extraction is
    /// unchanged (the `redaction` cargo feature). otel-kit-init does this with the redaction
    /// in effect.
    ///
    /// ```
    /// use std::collections::HashMap;
    ///
    /// use opentelemetry::baggage::BaggageExt as _;
    /// use opentelemetry::propagation::TextMapPropagator as _;
    /// use opentelemetry::{Context, KeyValue};
    /// use otel_kit_propagators::Propagators;
    /// use otel_kit_processors::redaction::Redaction;
    ///
    /// let p = Propagators::default().with_redaction(Redaction::default().build()?);
    /// let cx = Context::new().with_baggage([KeyValue::new("session.token", "t"), KeyValue::new("tier", "gold")]);
    /// let mut headers = HashMap::new();
    /// p.inject_context(&cx, &mut headers);
    /// assert_eq!(headers["baggage"], "tier=gold");
    /// assert!(p.redactor().is_some());
    /// # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
    /// ```
    #[cfg(feature = "redaction")]
    pub fn with_redaction(mut self, redactor: Redactor) -> Self {
        self.redactor = Some(redactor);
        self
    }

    /// The redaction applied to outgoing baggage, if any.
    #[cfg(feature = "redaction")]
    pub fn redactor(&self) -> Option<&Redactor> {
        self.redactor.as_ref()
    }

    /// No propagation (`OTEL_PROPAGATORS=none`): injection writes nothing and extraction
    /// returns the context it starts from.
    ///
    /// ```
    /// use std::collections::HashMap;
    ///
    /// use opentelemetry::Context;
    /// use opentelemetry::propagation::TextMapPropagator as _;
    /// use otel_kit_propagators::Propagators;
    ///
    /// let none = Propagators::none();
    /// assert!(none.names().is_empty());
    /// assert_eq!(none.to_string(), "none");
    /// assert_eq!(none.fields().count(), 0);
    /// let mut headers = HashMap::new();
    /// none.inject_context(&Context::new(), &mut headers);
    /// assert!(headers.is_empty());
    /// ```
    pub fn none() -> Self {
        Propagators::new([])
    }

    /// The propagators in effect, in order; empty for `none`.
    ///
    /// ```
    /// use otel_kit_propagators::{PropagatorName, Propagators};
    ///
    /// assert_eq!(Propagators::default().names(), [PropagatorName::TraceContext, PropagatorName::Baggage]);
    /// ```
    pub fn names(&self) -> &[PropagatorName] {
        &self.names
    }

    /// How many propagators given as values ([`with_propagator`](Self::with_propagator))
    /// run after the named ones.
    ///
    /// ```
    /// use opentelemetry_sdk::propagation::TraceContextPropagator;
    /// use otel_kit_propagators::Propagators;
    ///
    /// assert_eq!(Propagators::default().with_propagator(TraceContextPropagator::new()).custom_count(), 1);
    /// ```
    pub fn custom_count(&self) -> usize {
        self.extra.len()
    }

    /// Makes these the process-wide propagator
    /// ([`opentelemetry::global::set_text_map_propagator`]), which instrumentation
    /// libraries and this crate's [`inject`](crate::inject) / [`extract`](crate::extract) use.
    ///
    /// ```
    /// use std::collections::HashMap;
    ///
    /// use opentelemetry::Context;
    /// use opentelemetry::trace::TraceContextExt as _;
    /// use otel_kit_propagators::{Propagators, PropagatorName, extract};
    ///
    /// # let _guard = otel_kit_testing::TestTelemetry::new().install_global();
    /// Propagators::new([PropagatorName::B3Multi]).install_global();
    /// let headers = HashMap::from([
    ///     ("x-b3-traceid".to_owned(), "4bf92f3577b34da6a3ce929d0e0e4736".to_owned()),
    ///     ("x-b3-spanid".to_owned(), "00f067aa0ba902b7".to_owned()),
    ///     ("x-b3-sampled".to_owned(), "1".to_owned()),
    /// ]);
    /// assert!(extract(&headers).span().span_context().is_sampled());
    /// ```
    pub fn install_global(self) {
        global::set_text_map_propagator(self);
        // The kit's instrumentations read it at their next request.
        otel_kit_core::globals_changed();
    }
}

/// `tracecontext,baggage`, the spec's default.
impl Default for Propagators {
    fn default() -> Self {
        Propagators::new([PropagatorName::TraceContext, PropagatorName::Baggage])
    }
}

/// The `OTEL_PROPAGATORS` value in effect, e.g. `tracecontext,baggage`, or `none`.
impl fmt::Display for Propagators {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.names.is_empty() && self.extra.is_empty() {
            return f.write_str("none");
        }
        let custom = std::iter::repeat_n("custom", self.extra.len());
        let all: Vec<&str> = self.names.iter().map(|n| n.as_str()).chain(custom).collect();
        f.write_str(&all.join(","))
    }
}

impl TextMapPropagator for Propagators {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        #[cfg(feature = "redaction")]
        if let Some(clean) = self.redactor.as_ref().and_then(|r| r.redact_context(cx)) {
            self.composite.inject_context(&clean, injector);
            return;
        }
        self.composite.inject_context(cx, injector);
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        self.composite.extract_with_context(cx, extractor)
    }

    fn fields(&self) -> FieldIter<'_> {
        self.composite.fields()
    }
}

/// A propagator given as a value, shared by every clone of the [`Propagators`].
#[derive(Debug)]
struct Shared(Arc<dyn TextMapPropagator + Send + Sync>);

impl TextMapPropagator for Shared {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        self.0.inject_context(cx, injector);
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        self.0.extract_with_context(cx, extractor)
    }

    fn fields(&self) -> FieldIter<'_> {
        self.0.fields()
    }
}

fn build(name: PropagatorName) -> Box<dyn TextMapPropagator + Send + Sync> {
    match name {
        PropagatorName::TraceContext => Box::new(StrictTraceContextPropagator::default()),
        PropagatorName::Baggage => Box::new(LimitedBaggagePropagator::new()),
        PropagatorName::B3 => Box::new(B3Propagator::new(B3Encoding::SingleHeader)),
        PropagatorName::B3Multi => Box::new(B3Propagator::new(B3Encoding::MultipleHeader)),
        PropagatorName::Jaeger => Box::new(crate::jaeger::JaegerPropagator::default()),
        PropagatorName::OtTrace => Box::new(crate::ottrace::OtTracePropagator::default()),
        #[cfg(feature = "xray")]
        PropagatorName::XRay => Box::new(crate::xray::XrayPropagator::default()),
        // Never named by `PropagatorName::from_name` without the feature.
        #[cfg(not(feature = "xray"))]
        PropagatorName::XRay => Box::new(TextMapCompositePropagator::new(Vec::new())),
    }
}
