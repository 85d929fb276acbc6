//! [`PropagatorName`]: the propagators by their `OTEL_PROPAGATORS` names.

use std::fmt;

/// A propagator this kit can configure, by its `OTEL_PROPAGATORS` name.
///
/// ```
/// use otel_kit_propagators::{PropagatorName, Propagators};
///
/// let propagators = Propagators::new([PropagatorName::B3Multi, PropagatorName::TraceContext]);
/// assert_eq!(propagators.to_string(), "b3multi,tracecontext");
/// assert_eq!(PropagatorName::from_name(" B3Multi "), Some(PropagatorName::B3Multi));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PropagatorName {
    /// `tracecontext`: W3C Trace Context (`traceparent`, `tracestate`). A `traceparent`
    /// that does not have the W3C format exactly (id lengths, lower-case hex) is ignored.
    TraceContext,
    /// `baggage`: W3C Baggage, with the W3C size limits enforced on extraction
    /// ([`LimitedBaggagePropagator`](crate::LimitedBaggagePropagator)).
    Baggage,
    /// `b3`: B3 single header (`b3`) on injection; single and multi header on extraction.
    B3,
    /// `b3multi`: B3 multi header (`X-B3-*`) on injection; single and multi header on
    /// extraction.
    B3Multi,
    /// `jaeger`: `uber-trace-id` and `uberctx-` baggage.
    Jaeger,
    /// `ottrace`: OT Trace's `ot-tracer-traceid`, `ot-tracer-spanid`, `ot-tracer-sampled`
    /// and `ot-baggage-` headers (the trace id's low 64 bits injected).
    OtTrace,
    /// `xray`: AWS X-Ray's `X-Amzn-Trace-Id` (the `xray` cargo feature).
    XRay,
}

impl PropagatorName {
    /// The name as `OTEL_PROPAGATORS` spells it.
    ///
    /// ```
    /// use otel_kit_propagators::PropagatorName;
    ///
    /// assert_eq!(PropagatorName::TraceContext.as_str(), "tracecontext");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            PropagatorName::TraceContext => "tracecontext",
            PropagatorName::Baggage => "baggage",
            PropagatorName::B3 => "b3",
            PropagatorName::B3Multi => "b3multi",
            PropagatorName::Jaeger => "jaeger",
            PropagatorName::OtTrace => "ottrace",
            PropagatorName::XRay => "xray",
        }
    }

    /// The propagator `OTEL_PROPAGATORS` calls `name` (trimmed, case-insensitive), if
    /// this build has it: `xray` only with the `xray` cargo feature; `none` and names
    /// the kit does not implement are `None`.
    ///
    /// ```
    /// use otel_kit_propagators::PropagatorName;
    ///
    /// assert_eq!(PropagatorName::from_name("TraceContext"), Some(PropagatorName::TraceContext));
    /// assert_eq!(PropagatorName::from_name("ottrace"), Some(PropagatorName::OtTrace));
    /// assert_eq!(PropagatorName::from_name("xtrace"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        [
            PropagatorName::TraceContext,
            PropagatorName::Baggage,
            PropagatorName::B3,
            PropagatorName::B3Multi,
            PropagatorName::Jaeger,
            PropagatorName::OtTrace,
            #[cfg(feature = "xray")]
            PropagatorName::XRay,
        ]
        .into_iter()
        .find(|known| known.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for PropagatorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
