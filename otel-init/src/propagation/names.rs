//! `OTEL_PROPAGATORS` names: parsing, deduplication, and a warning for each name that
//! is not used.

use std::fmt;

use super::Propagators;

const VARIABLE: &str = "OTEL_PROPAGATORS";

/// Names the specification defines but this kit has no implementation for. They get a
/// warning that says so, rather than the "unknown" one a typo gets.
const KNOWN_UNSUPPORTED: [&str; 3] = ["jaeger", "xray", "ottrace"];

/// A propagator this kit can configure, by its `OTEL_PROPAGATORS` name.
///
/// ```
/// use otel_kit_init::propagation::{PropagatorName, from_names};
///
/// let (propagators, _) = from_names(["B3Multi", "tracecontext"]);
/// assert_eq!(propagators.names(), [PropagatorName::B3Multi, PropagatorName::TraceContext]);
/// assert_eq!(PropagatorName::B3Multi.to_string(), "b3multi");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PropagatorName {
    /// `tracecontext`: W3C Trace Context (`traceparent`, `tracestate`). A `traceparent`
    /// that does not have the W3C format exactly (id lengths, lower-case hex) is ignored.
    TraceContext,
    /// `baggage`: W3C Baggage, with the W3C size limits enforced on extraction
    /// ([`LimitedBaggagePropagator`](super::LimitedBaggagePropagator)).
    Baggage,
    /// `b3`: B3 single header (`b3`) on injection; single and multi header on extraction.
    B3,
    /// `b3multi`: B3 multi header (`X-B3-*`) on injection; single and multi header on
    /// extraction.
    B3Multi,
}

impl PropagatorName {
    /// The name as `OTEL_PROPAGATORS` spells it.
    ///
    /// ```
    /// use otel_kit_init::propagation::PropagatorName;
    ///
    /// assert_eq!(PropagatorName::TraceContext.as_str(), "tracecontext");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            PropagatorName::TraceContext => "tracecontext",
            PropagatorName::Baggage => "baggage",
            PropagatorName::B3 => "b3",
            PropagatorName::B3Multi => "b3multi",
        }
    }

    /// Case-insensitive, on a trimmed name.
    fn parse(name: &str) -> Option<Self> {
        [
            PropagatorName::TraceContext,
            PropagatorName::Baggage,
            PropagatorName::B3,
            PropagatorName::B3Multi,
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

/// Builds the propagators `OTEL_PROPAGATORS` asks for, with a warning for each name that
/// is not used.
///
/// Each item may itself be a comma-separated list, so the variable's raw value, a list
/// already split, and an `Option<&str>` (an unset variable) all work. Names are trimmed
/// and case-insensitive; empty entries are ignored; a repeated name counts once, at its
/// first position (the order is the order in which extraction runs, so with conflicting
/// headers the later propagator wins).
///
/// - Nothing listed (unset or empty, which the spec treats alike): `tracecontext,baggage`.
/// - `tracecontext`, `baggage`, `b3`, `b3multi`: used (see [`PropagatorName`]).
/// - `jaeger`, `xray`, `ottrace` (standard, not implemented here) and unknown names: a
///   warning, and the name is skipped. If nothing usable is left, the default is used,
///   with one more warning.
/// - `none`: no propagation. Combined with other names, `none` still wins, with a
///   warning: the spec defines `none` as "no automatically configured propagator", and
///   an explicit opt-out (say, at a trust boundary) is the safer reading of a
///   contradictory list. The exporter variables of this crate's `config` module do the same.
///
/// Each warning names `OTEL_PROPAGATORS`, the value, and what was done, in the format of
/// the configuration warnings: `OTEL_PROPAGATORS="<value>" <what happened>`.
///
/// ```
/// use otel_kit_init::propagation::from_names;
///
/// let value: Option<&str> = None; // e.g. std::env::var("OTEL_PROPAGATORS").ok().as_deref()
/// let (propagators, warnings) = from_names(value);
/// assert_eq!(propagators.to_string(), "tracecontext,baggage");
/// assert!(warnings.is_empty());
///
/// let (propagators, warnings) = from_names(["b3, none"]);
/// assert_eq!(propagators.to_string(), "none");
/// assert_eq!(
///     warnings,
///     ["OTEL_PROPAGATORS=\"b3,none\" combines `none` with other propagators; propagating nothing"]
/// );
/// ```
pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> (Propagators, Vec<String>) {
    let entries: Vec<&str> = names
        .into_iter()
        .flat_map(|item| item.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    if entries.is_empty() {
        return (Propagators::default(), Vec::new());
    }
    let value = entries.join(",");
    let warning = |message: &str| format!("{VARIABLE}={value:?} {message}");

    let mut distinct: Vec<&str> = Vec::new();
    for entry in entries {
        if !distinct.iter().any(|seen| seen.eq_ignore_ascii_case(entry)) {
            distinct.push(entry);
        }
    }

    let mut warnings = Vec::new();
    if distinct.iter().any(|name| name.eq_ignore_ascii_case("none")) {
        if distinct.len() > 1 {
            warnings.push(warning(
                "combines `none` with other propagators; propagating nothing",
            ));
        }
        return (Propagators::none(), warnings);
    }

    let mut chosen = Vec::new();
    for name in distinct {
        match PropagatorName::parse(name) {
            Some(known) => chosen.push(known),
            None if KNOWN_UNSUPPORTED.iter().any(|u| u.eq_ignore_ascii_case(name)) => {
                warnings.push(warning(&format!(
                    "names `{name}`, which this kit does not support; it is skipped"
                )));
            }
            None => warnings.push(warning(&format!(
                "names the unknown propagator `{name}`; it is skipped"
            ))),
        }
    }
    if chosen.is_empty() {
        let default = Propagators::default();
        warnings.push(warning(&format!("has no supported propagator; using {default}")));
        return (default, warnings);
    }
    (Propagators::new(chosen), warnings)
}
