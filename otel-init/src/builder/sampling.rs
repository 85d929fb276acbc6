//! The builder's sampler preset, in place of `OTEL_TRACES_SAMPLER`.

use super::Builder;
use crate::sampling::Sampling;

impl Builder {
    /// The sampler preset (wins over `OTEL_TRACES_SAMPLER`).
    pub fn sampling(mut self, sampling: Sampling) -> Self {
        self.code.sampling = Some(sampling);
        self
    }
}
