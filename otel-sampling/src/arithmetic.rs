//! Which arithmetic turns a ratio into root decisions: [`RatioArithmetic`], and
//! `OTEL_KIT_SAMPLER_ARITHMETIC`, which chooses it from the environment.

use std::fmt;

use otel_kit_core::ConfigWarning;

use otel_kit_core::EnvReader as Env;

/// The variable that chooses the arithmetic: `consistent` (the default) or `legacy`.
pub(crate) const VARIABLE: &str = "OTEL_KIT_SAMPLER_ARITHMETIC";

/// How a ratio decides which new traces are sampled.
///
/// - [`Consistent`](Self::Consistent), the default: the specification's consistent
///   probability sampling. The ratio becomes a 56-bit rejection threshold `T`
///   ([`Threshold`](super::Threshold)); a trace is sampled when its randomness `R` (the
///   trace id's right-most 56 bits, or `rv` in the `ot` trace state) is at least `T`.
///   Sampled spans carry the threshold as `ot=th:...` in `tracestate`, so every SDK
///   that implements the specification keeps the same traces at the same ratio, and a
///   backend can tell the probability a span was sampled with.
/// - [`Legacy`](Self::Legacy): the arithmetic of the Rust SDK's `TraceIdRatioBased`
///   (the trace id's low 63 bits against `ratio * 2^63`), for services that must keep
///   deciding as Rust services did before. It writes no threshold. Other SDKs decide
///   differently, so at equal ratios they keep other traces.
///
/// Set it with [`Sampling::with_arithmetic`](super::Sampling::with_arithmetic), or with
/// `OTEL_KIT_SAMPLER_ARITHMETIC=legacy|consistent` for the sampling read from the
/// environment.
///
/// ```
/// use otel_kit_sampling::{RatioArithmetic, Sampling};
///
/// assert_eq!(RatioArithmetic::default(), RatioArithmetic::Consistent);
/// let legacy = Sampling::ratio(0.1).with_arithmetic(RatioArithmetic::Legacy);
/// assert_eq!(legacy.to_string(), "parentbased_traceidratio(0.1) with legacy arithmetic");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RatioArithmetic {
    /// The specification's threshold rule, with `ot=th:` in `tracestate` (the default).
    #[default]
    Consistent,
    /// The Rust SDK's `TraceIdRatioBased` rule, with no threshold written.
    Legacy,
}

impl fmt::Display for RatioArithmetic {
    /// `consistent` or `legacy`, as `OTEL_KIT_SAMPLER_ARITHMETIC` spells them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RatioArithmetic::Consistent => "consistent",
            RatioArithmetic::Legacy => "legacy",
        })
    }
}

/// `OTEL_KIT_SAMPLER_ARITHMETIC`: unset or empty is the default; anything but
/// `consistent` or `legacy` (any case, spaces ignored) is one warning and the default.
pub(crate) fn read(env: &mut Env<'_>) -> RatioArithmetic {
    let Some(raw) = env.get(VARIABLE).filter(|v| !v.trim().is_empty()) else {
        return RatioArithmetic::default();
    };
    match raw.trim().to_ascii_lowercase().as_str() {
        "consistent" => RatioArithmetic::Consistent,
        "legacy" => RatioArithmetic::Legacy,
        _ => {
            env.push(ConfigWarning::new(
                VARIABLE,
                &raw,
                format!(
                    "is not consistent or legacy; using the default {}.",
                    RatioArithmetic::default()
                ),
            ));
            RatioArithmetic::default()
        }
    }
}
