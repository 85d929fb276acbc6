//! `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` to a [`Sampling`], with a warning
//! for each value that is not used as written.

use super::{Kind, Sampling};

const SAMPLER: &str = "OTEL_TRACES_SAMPLER";
const ARG: &str = "OTEL_TRACES_SAMPLER_ARG";
const DEFAULT_RATIO: f64 = 1.0;
const DEFAULT_RATE: f64 = 100.0;
const KNOWN: &str = "always_on, always_off, traceidratio, parentbased_always_on, \
                     parentbased_always_off, parentbased_traceidratio or parentbased_ratelimited";

/// The [`Sampling`] that `OTEL_TRACES_SAMPLER` (`sampler`) and `OTEL_TRACES_SAMPLER_ARG`
/// (`arg`) ask for, with one warning sentence per value that was not used as written.
///
/// Follows the OpenTelemetry environment-variable specification: an empty value counts
/// as unset, names are case-insensitive (surrounding spaces are ignored too), and the
/// default is `parentbased_always_on`. The ratio samplers take ARG as a ratio in
/// `0.0..=1.0`, 1.0 when it is missing or invalid. `jaeger_remote`,
/// `parentbased_jaeger_remote` and `xray` are standard names this crate does not
/// implement; they, and unknown names, fall back to `parentbased_always_on` with a
/// warning.
///
/// `parentbased_ratelimited` is an extension of this crate, not in the specification:
/// ARG is the number of new traces per second, 100 when missing or invalid.
///
/// `traceidratio` is honoured as the specification defines it, a ratio that ignores the
/// parent; the [module docs](super) explain why `parentbased_traceidratio` is almost
/// always what is meant.
///
/// An ARG that nothing uses (no sampler set, or a sampler without an argument) is
/// reported, because setting `OTEL_TRACES_SAMPLER_ARG=0.1` alone does not sample 10%.
///
/// ```
/// use otel_kit_init::sampling::{Sampling, from_env_values};
///
/// assert_eq!(from_env_values(None, None), (Sampling::default(), vec![]));
///
/// let (sampling, warnings) = from_env_values(Some("ParentBased_TraceIdRatio"), Some("1.5"));
/// assert_eq!(sampling, Sampling::ratio(1.0));
/// assert_eq!(
///     warnings,
///     ["OTEL_TRACES_SAMPLER_ARG=\"1.5\" is not a ratio between 0.0 and 1.0; \
///       parentbased_traceidratio uses the default 1.0 instead."]
/// );
/// ```
pub fn from_env_values(sampler: Option<&str>, arg: Option<&str>) -> (Sampling, Vec<String>) {
    let mut warnings = Vec::new();
    let arg = arg.filter(|a| !a.trim().is_empty());
    let Some(raw) = sampler.filter(|s| !s.trim().is_empty()) else {
        if let Some(arg) = arg {
            warnings.push(format!(
                "{ARG}={arg:?} is ignored because {SAMPLER} is not set; \
                 the default parentbased_always_on is used."
            ));
        }
        return (Sampling::default(), warnings);
    };
    let name = raw.trim().to_ascii_lowercase();
    let kind = match name.as_str() {
        "always_on" => without_arg(Kind::AlwaysOn, &name, arg, &mut warnings),
        "always_off" => without_arg(Kind::AlwaysOff, &name, arg, &mut warnings),
        "parentbased_always_on" => without_arg(Kind::ParentBasedAlwaysOn, &name, arg, &mut warnings),
        "parentbased_always_off" => without_arg(Kind::ParentBasedAlwaysOff, &name, arg, &mut warnings),
        "traceidratio" => Kind::TraceIdRatio(ratio_arg(&name, arg, &mut warnings)),
        "parentbased_traceidratio" => Kind::ParentBasedRatio(ratio_arg(&name, arg, &mut warnings)),
        "parentbased_ratelimited" => Kind::RateLimited(rate_arg(&name, arg, &mut warnings)),
        // The ARG belongs to the sampler we cannot honour; one warning about it is enough.
        "jaeger_remote" | "parentbased_jaeger_remote" | "xray" => {
            warnings.push(format!(
                "{SAMPLER}={raw:?} is a standard sampler that otel-kit-init does not support; \
                 using the default parentbased_always_on instead."
            ));
            Kind::ParentBasedAlwaysOn
        }
        _ => {
            warnings.push(format!(
                "{SAMPLER}={raw:?} is not a known sampler (expected {KNOWN}); \
                 using the default parentbased_always_on instead."
            ));
            Kind::ParentBasedAlwaysOn
        }
    };
    (Sampling::from_kind(kind), warnings)
}

fn without_arg(kind: Kind, name: &str, arg: Option<&str>, warnings: &mut Vec<String>) -> Kind {
    if let Some(arg) = arg {
        warnings.push(format!(
            "{ARG}={arg:?} is ignored because {SAMPLER}={name} takes no argument."
        ));
    }
    kind
}

fn ratio_arg(name: &str, arg: Option<&str>, warnings: &mut Vec<String>) -> f64 {
    parse_arg(arg, |r| (0.0..=1.0).contains(&r)).unwrap_or_else(|bad| {
        if let Some(bad) = bad {
            warnings.push(format!(
                "{ARG}={bad:?} is not a ratio between 0.0 and 1.0; \
                 {name} uses the default {DEFAULT_RATIO:.1} instead."
            ));
        }
        DEFAULT_RATIO
    })
}

fn rate_arg(name: &str, arg: Option<&str>, warnings: &mut Vec<String>) -> f64 {
    parse_arg(arg, |n| n.is_finite() && n > 0.0).unwrap_or_else(|bad| {
        if let Some(bad) = bad {
            warnings.push(format!(
                "{ARG}={bad:?} is not a positive number of traces per second; \
                 {name} uses the default {DEFAULT_RATE} instead."
            ));
        }
        DEFAULT_RATE
    })
}

/// The ARG as a number accepted by `valid`; otherwise `Err(Some(arg))` when it was given
/// but unusable, `Err(None)` when it was not given.
fn parse_arg(arg: Option<&str>, valid: impl Fn(f64) -> bool) -> Result<f64, Option<&str>> {
    let arg = arg.ok_or(None)?;
    match arg.trim().parse::<f64>() {
        Ok(value) if valid(value) => Ok(value),
        _ => Err(Some(arg)),
    }
}
