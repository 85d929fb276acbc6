//! A sampler the application wrote, as one more preset: [`Sampling::custom`]. Route
//! exclusion and the trace-everything override of
//! [`SamplerControl`](crate::SamplerControl) (otel-kit-init's `TelemetryControl`) still apply around it; a new ratio does
//! not (it has none).
//!
//! [`Sampling::custom`]: super::Sampling::custom

use std::fmt;
use std::sync::Arc;

use opentelemetry_sdk::trace::ShouldSample;

/// The sampler, shared by every copy of the preset (a sampler with state, a rate limit
/// say, keeps one budget), and the name `Display` shows.
#[derive(Clone)]
pub(super) struct CustomSampler {
    pub(super) name: Arc<str>,
    pub(super) sampler: Arc<dyn ShouldSample>,
}

impl CustomSampler {
    pub(super) fn new(name: impl Into<String>, sampler: impl ShouldSample + 'static) -> Self {
        CustomSampler {
            name: Arc::from(name.into()),
            sampler: Arc::new(sampler),
        }
    }
}

/// Two presets are the same custom sampler when they share it.
impl PartialEq for CustomSampler {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.sampler, &other.sampler)
    }
}

impl fmt::Debug for CustomSampler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomSampler")
            .field("name", &self.name)
            .field("sampler", &self.sampler)
            .finish()
    }
}
