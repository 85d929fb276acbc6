//! Which measurements may become exemplars (`OTEL_METRICS_EXEMPLAR_FILTER`).

use opentelemetry::Context;
use opentelemetry::trace::{SpanId, TraceContextExt, TraceId};

/// Which measurements may become exemplars: the values of
/// `OTEL_METRICS_EXEMPLAR_FILTER`.
///
/// ```
/// use otel_kit_core::exemplar::ExemplarFilter;
///
/// assert_eq!(ExemplarFilter::default(), ExemplarFilter::TraceBased);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExemplarFilter {
    /// Measurements recorded while a sampled span is current (the default).
    #[default]
    TraceBased,
    /// Every measurement; one recorded outside a span has no trace or span id.
    AlwaysOn,
    /// None: histograms are recorded by the SDK alone, at no added cost.
    AlwaysOff,
}

/// The span an exemplar was recorded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanIds {
    /// The span's trace.
    pub trace_id: TraceId,
    /// The span.
    pub span_id: SpanId,
}

/// What the filter says of a measurement made now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Admission {
    /// Not an exemplar.
    Rejected,
    /// An exemplar, of this span if any.
    Kept(Option<SpanIds>),
}

impl ExemplarFilter {
    /// Reads the current context without cloning it: this runs on every measurement.
    #[inline]
    pub(super) fn admit(self) -> Admission {
        match self {
            ExemplarFilter::AlwaysOff => Admission::Rejected,
            ExemplarFilter::TraceBased => Context::map_current(|cx| {
                let span = cx.span();
                let sc = span.span_context();
                if sc.is_sampled() {
                    Admission::Kept(Some(SpanIds {
                        trace_id: sc.trace_id(),
                        span_id: sc.span_id(),
                    }))
                } else {
                    Admission::Rejected
                }
            }),
            ExemplarFilter::AlwaysOn => Context::map_current(|cx| {
                let span = cx.span();
                let sc = span.span_context();
                Admission::Kept(sc.is_valid().then(|| SpanIds {
                    trace_id: sc.trace_id(),
                    span_id: sc.span_id(),
                }))
            }),
        }
    }
}
