//! `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG` and the kit's `OTEL_KIT_SAMPLER_*`:
//! read by otel-kit-sampling's [`Sampling::from_lookup`] through the environment
//! `init()` reads, so that their warnings join the start-up's.

use crate::env::Env;
use crate::sampling::Sampling;

/// The sampling variables through `env` (the environment `init()` reads), their
/// warnings added to its own.
pub(crate) fn read(env: &mut Env<'_>) -> Sampling {
    let (sampling, warnings) = Sampling::from_lookup(|variable| env.get(variable));
    for warning in warnings {
        env.push(warning);
    }
    sampling
}
