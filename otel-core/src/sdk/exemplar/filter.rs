//! Which measurements may become exemplars (`OTEL_METRICS_EXEMPLAR_FILTER`).

use opentelemetry::Context;
use opentelemetry::trace::{SpanId, TraceContextExt, TraceId};

/// Which measurements may become exemplars: the values of
/// `OTEL_METRICS_EXEMPLAR_FILTER`.
///
/// ```
/// use otel_kit_core::__private::exemplar::ExemplarFilter;
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
        if self == ExemplarFilter::AlwaysOff {
            return Admission::Rejected;
        }
        Context::map_current(|cx| {
            let span = cx.span();
            let sc = span.span_context();
            let ids = SpanIds {
                trace_id: sc.trace_id(),
                span_id: sc.span_id(),
            };
            match self {
                ExemplarFilter::TraceBased if sc.is_sampled() => Admission::Kept(Some(ids)),
                ExemplarFilter::AlwaysOn => Admission::Kept(sc.is_valid().then_some(ids)),
                _ => Admission::Rejected,
            }
        })
    }
}
