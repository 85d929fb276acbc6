//! `OTEL_PROPAGATORS`: the names mapped onto otel-kit-propagators' [`Propagators`], with
//! deduplication, `none`, and a warning for each name that is not used.

use otel_kit_propagators::{PropagatorName, Propagators};

use crate::env::{ConfigWarning, Env, FromEnv, read_with};

/// The variable [`PropagatorsFromEnv::from_env`] reads.
pub(crate) const VARIABLE: &str = "OTEL_PROPAGATORS";

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
/// - `tracecontext`, `baggage`, `b3`, `b3multi`, `jaeger`, `ottrace`, `xray` (the `xray`
///   cargo feature): used (see `PropagatorName`), mixed in any order.
/// - `xray` without its feature, and unknown names: a warning, and the name is skipped. If nothing usable is left, the default is used,
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
/// use otel_kit_init::config::from_names;
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
    let (names, warnings) = resolve(names);
    (
        Propagators::new(names),
        warnings.iter().map(ToString::to_string).collect(),
    )
}

/// Reads [`Propagators`](otel_kit_propagators::Propagators) from `OTEL_PROPAGATORS`, as
/// [`from_names`] reads its value.
///
/// ```
/// use otel_kit_init::config::PropagatorsFromEnv as _;
/// use otel_kit_propagators::Propagators;
///
/// let (propagators, warnings) = Propagators::from_lookup(|k| (k == "OTEL_PROPAGATORS").then(|| "b3multi,xtrace".to_owned()));
/// assert_eq!(propagators.to_string(), "b3multi");
/// assert_eq!(warnings[0].variable, "OTEL_PROPAGATORS");
///
/// let (propagators, warnings) = Propagators::from_env();
/// for warning in &warnings {
///     eprintln!("{warning}");
/// }
/// # drop(propagators);
/// ```
pub use crate::env::FromEnv as PropagatorsFromEnv;

impl FromEnv for Propagators {
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<ConfigWarning>) {
        let (names, warnings) = read_with(lookup, read_names);
        (Propagators::new(names), warnings)
    }
}

/// The propagators `OTEL_PROPAGATORS` names; empty for `none`.
pub(crate) fn read_names(env: &mut Env<'_>) -> Vec<PropagatorName> {
    let (names, warnings) = resolve(env.get(VARIABLE).as_deref());
    for warning in warnings {
        env.push(warning);
    }
    names
}

/// [`from_names`], with the names chosen and the warnings as values.
fn resolve<'a>(names: impl IntoIterator<Item = &'a str>) -> (Vec<PropagatorName>, Vec<ConfigWarning>) {
    let default = || Propagators::default().names().to_vec();
    let entries: Vec<&str> = names
        .into_iter()
        .flat_map(|item| item.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    if entries.is_empty() {
        return (default(), Vec::new());
    }
    let value = entries.join(",");
    let warning = |message: &str| ConfigWarning::new(VARIABLE, value.as_str(), message);

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
        return (Vec::new(), warnings);
    }

    let mut chosen = Vec::new();
    // What was left out, and why: one warning each when something is left to use, one
    // for all when nothing is. A name is echoed escaped: a warning is one log line.
    let mut skipped = Vec::new();
    for name in distinct {
        match PropagatorName::from_name(name) {
            Some(known) => chosen.push(known),
            None if name.eq_ignore_ascii_case("xray") => {
                skipped.push("names `xray`, which needs otel-kit-init's `xray` cargo feature".to_owned());
            }
            None => skipped.push(format!("names the unknown propagator `{}`", name.escape_debug())),
        }
    }
    if chosen.is_empty() {
        let default = Propagators::default();
        let why = if skipped.is_empty() {
            "has no supported propagator".to_owned()
        } else {
            skipped.join("; ")
        };
        warnings.push(warning(&format!("{why}; using {default}")));
        return (default.names().to_vec(), warnings);
    }
    for why in skipped {
        warnings.push(warning(&format!("{why}; it is skipped")));
    }
    (chosen, warnings)
}
