//! `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG` and `OTEL_KIT_SAMPLER_EXCLUDED_ROUTES`
//! to a [`Sampling`], with a warning for each value that is not used as written.

use super::preset::{Kind, Sampling};
use super::{jaeger_remote, xray};
use otel_kit_core::ConfigWarning;

use otel_kit_core::__private::process_env;
use otel_kit_core::EnvReader as Env;

const SAMPLER: &str = "OTEL_TRACES_SAMPLER";
const ARG: &str = "OTEL_TRACES_SAMPLER_ARG";
const EXCLUDED_ROUTES: &str = "OTEL_KIT_SAMPLER_EXCLUDED_ROUTES";
const DEFAULT_RATIO: f64 = 1.0;
const DEFAULT_RATE: f64 = 100.0;
const KNOWN: &str = "always_on, always_off, traceidratio, parentbased_always_on, \
                     parentbased_always_off, parentbased_traceidratio, parentbased_ratelimited, \
                     jaeger_remote, parentbased_jaeger_remote or xray";

/// The [`Sampling`] that `OTEL_TRACES_SAMPLER` (`sampler`) and `OTEL_TRACES_SAMPLER_ARG`
/// (`arg`) ask for, with one warning sentence per value that was not used as written.
///
/// Follows the OpenTelemetry environment-variable specification: an empty value counts
/// as unset, names are case-insensitive (surrounding spaces are ignored too), and the
/// default is `parentbased_always_on`. The ratio samplers take ARG as a ratio in
/// `0.0..=1.0`, 1.0 when it is missing or invalid. `jaeger_remote` and
/// `parentbased_jaeger_remote` take ARG as `endpoint=<url>,pollingIntervalMs=<ms>,
/// initialSamplingRate=<ratio>` (see [`JaegerRemote`](super::JaegerRemote) for the
/// defaults) and need the `jaeger-remote` feature. `xray` takes ARG as
/// `endpoint=<url>,polling_interval=<seconds>` as AWS's distributions do (see
/// [`XrayRemote`](super::XrayRemote) for the defaults; an interval under 10 seconds gets
/// the default 300) and needs the `xray-remote` feature. A remote sampler without its
/// feature falls back to
/// `parentbased_traceidratio(`[`FALLBACK_RATIO`](Sampling::FALLBACK_RATIO)`)` with one
/// warning, never to always on; an unknown name gets the specification's default,
/// `parentbased_always_on`, with a warning.
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
/// use otel_kit_sampling::{Sampling, from_env_values};
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
    let (sampling, warnings) = resolve(sampler, arg);
    (sampling, warnings.iter().map(ToString::to_string).collect())
}

impl Sampling {
    /// Every variable [`from_env`](Self::from_env) reads: `OTEL_TRACES_SAMPLER`,
    /// `OTEL_TRACES_SAMPLER_ARG`, `OTEL_KIT_SAMPLER_EXCLUDED_ROUTES` and
    /// `OTEL_KIT_SAMPLER_ARITHMETIC`.
    ///
    /// ```
    /// use otel_kit_sampling::Sampling;
    ///
    /// assert!(Sampling::ENV_VARIABLES.contains(&"OTEL_TRACES_SAMPLER"));
    /// ```
    pub const ENV_VARIABLES: [&'static str; 4] = [SAMPLER, ARG, EXCLUDED_ROUTES, super::arithmetic::VARIABLE];

    /// The sampling the process environment asks for: `OTEL_TRACES_SAMPLER` and
    /// `OTEL_TRACES_SAMPLER_ARG` as [`from_env_values`] reads them, then the routes of
    /// `OTEL_KIT_SAMPLER_EXCLUDED_ROUTES` (non-standard; comma-separated, the entry
    /// `default` standing for [`DEFAULT_EXCLUDED_ROUTES`](Sampling::DEFAULT_EXCLUDED_ROUTES)),
    /// with a warning for each value not used as written.
    ///
    /// ```
    /// use opentelemetry_sdk::trace::SdkTracerProvider;
    /// use otel_kit_sampling::Sampling;
    ///
    /// let (sampling, warnings) = Sampling::from_env();
    /// for warning in &warnings {
    ///     eprintln!("{warning}");
    /// }
    /// let provider = SdkTracerProvider::builder().with_sampler(sampling.into_sampler()).build();
    /// # drop(provider);
    /// ```
    pub fn from_env() -> (Sampling, Vec<ConfigWarning>) {
        Self::from_lookup(process_env)
    }

    /// As [`from_env`](Self::from_env), from `lookup` (a map in tests).
    ///
    /// ```
    /// use otel_kit_sampling::Sampling;
    ///
    /// let env = [
    ///     ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
    ///     ("OTEL_TRACES_SAMPLER_ARG", "0.25"),
    ///     ("OTEL_KIT_SAMPLER_EXCLUDED_ROUTES", "default,/ping"),
    /// ];
    /// let (sampling, warnings) = Sampling::from_lookup(|k| {
    ///     env.iter().find(|(name, _)| *name == k).map(|(_, v)| v.to_string())
    /// });
    /// assert!(warnings.is_empty());
    /// assert_eq!(
    ///     sampling.to_string(),
    ///     "parentbased_traceidratio(0.25) excluding routes [/health, /healthz, /ready, /live, /metrics, /ping]"
    /// );
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Sampling, Vec<ConfigWarning>) {
        Env::read_with(lookup, Self::read)
    }

    fn read(env: &mut Env<'_>) -> Sampling {
        let (sampling, warnings) = resolve(env.get(SAMPLER).as_deref(), env.get(ARG).as_deref());
        for warning in warnings {
            env.push(warning);
        }
        let routes = env.list(EXCLUDED_ROUTES).unwrap_or_default();
        let mut sampling = sampling;
        if routes.iter().any(|r| r.eq_ignore_ascii_case("default")) {
            sampling = sampling.excluding_health_checks();
        }
        sampling
            .excluding_routes(routes.into_iter().filter(|r| !r.eq_ignore_ascii_case("default")))
            .with_arithmetic(super::arithmetic::read(env))
    }
}

/// [`from_env_values`], with its warnings as values.
fn resolve(sampler: Option<&str>, arg: Option<&str>) -> (Sampling, Vec<ConfigWarning>) {
    let mut warnings = Vec::new();
    let arg = arg.filter(|a| !a.trim().is_empty());
    let Some(raw) = sampler.filter(|s| !s.trim().is_empty()) else {
        if let Some(arg) = arg {
            warnings.push(ConfigWarning::new(
                ARG,
                arg,
                format!(
                    "is ignored because {SAMPLER} is not set; the default parentbased_always_on is used."
                ),
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
        "jaeger_remote" | "parentbased_jaeger_remote" => {
            let remote = jaeger_remote::arg::parse(ARG, &name, arg, &mut warnings);
            if cfg!(feature = "jaeger-remote") {
                Kind::JaegerRemote {
                    remote,
                    parent_based: name == "parentbased_jaeger_remote",
                }
            } else {
                fallback(
                    raw,
                    "needs the `jaeger-remote` feature (of otel-kit-sampling, or otel-kit-init), which is off",
                    &mut warnings,
                )
            }
        }
        "xray" => {
            let remote = xray::remote_arg::parse(ARG, &name, arg, &mut warnings);
            if cfg!(feature = "xray-remote") {
                Kind::Xray(remote)
            } else {
                fallback(
                    raw,
                    "needs the `xray-remote` feature (of otel-kit-sampling, or otel-kit-init), which is off",
                    &mut warnings,
                )
            }
        }
        _ => {
            warnings.push(ConfigWarning::new(
                SAMPLER,
                raw,
                format!("is not a known sampler (expected {KNOWN}); using the default parentbased_always_on instead."),
            ));
            Kind::ParentBasedAlwaysOn
        }
    };
    (Sampling::from_kind(kind), warnings)
}

/// [`Sampling::FALLBACK_RATIO`], with one warning naming the sampler and why.
fn fallback(raw: &str, why: &str, warnings: &mut Vec<ConfigWarning>) -> Kind {
    warnings.push(ConfigWarning::new(
        SAMPLER,
        raw,
        format!(
            "{why}; using the fallback parentbased_traceidratio({}) instead (never always_on).",
            Sampling::FALLBACK_RATIO
        ),
    ));
    Kind::ParentBasedRatio(Sampling::FALLBACK_RATIO)
}

fn without_arg(kind: Kind, name: &str, arg: Option<&str>, warnings: &mut Vec<ConfigWarning>) -> Kind {
    if let Some(arg) = arg {
        warnings.push(ConfigWarning::new(
            ARG,
            arg,
            format!("is ignored because {SAMPLER}={name} takes no argument."),
        ));
    }
    kind
}

fn ratio_arg(name: &str, arg: Option<&str>, warnings: &mut Vec<ConfigWarning>) -> f64 {
    parse_arg(arg, |r| (0.0..=1.0).contains(&r)).unwrap_or_else(|bad| {
        if let Some(bad) = bad {
            warnings.push(ConfigWarning::new(
                ARG,
                bad,
                format!(
                    "is not a ratio between 0.0 and 1.0; {name} uses the default {DEFAULT_RATIO:.1} instead."
                ),
            ));
        }
        DEFAULT_RATIO
    })
}

fn rate_arg(name: &str, arg: Option<&str>, warnings: &mut Vec<ConfigWarning>) -> f64 {
    parse_arg(arg, |n| n.is_finite() && n > 0.0).unwrap_or_else(|bad| {
        if let Some(bad) = bad {
            warnings.push(ConfigWarning::new(
                ARG,
                bad,
                format!("is not a positive number of traces per second; {name} uses the default {DEFAULT_RATE} instead."),
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
