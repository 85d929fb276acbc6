//! [`SamplerControl`]: changing a running sampler's ratio, and sampling every new trace
//! for a while, without rebuilding the tracer provider.

use std::sync::Arc;
use std::time::Instant;

use super::error::SamplingError;
use super::runtime::SamplerState;

/// A handle on the sampler a [`Sampling::controlled`](crate::Sampling::controlled) copy builds: a new ratio, and a
/// trace-everything override until a deadline. Cheap to clone and share between threads.
///
/// The sampler reads what the handle writes with one relaxed atomic load per decision;
/// the handle does no locking of its own, so a program with several writers serialises
/// them itself (otel-kit-init's `TelemetryControl` does, and logs each change).
///
/// ```
/// use std::time::{Duration, Instant};
///
/// use opentelemetry::trace::{Tracer as _, TracerProvider as _};
/// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
/// use otel_kit_sampling::Sampling;
///
/// let (sampling, control) = Sampling::ratio(0.0).controlled();
/// assert!(!control.in_use(), "no sampler reads it yet");
/// let exporter = InMemorySpanExporter::default();
/// let provider = SdkTracerProvider::builder()
///     .with_simple_exporter(exporter.clone())
///     .with_sampler(sampling.into_sampler())
///     .build();
/// assert!(control.in_use());
/// let tracer = provider.tracer("example");
///
/// tracer.in_span("dropped", |_| {});
/// control.trace_everything_until(Instant::now() + Duration::from_secs(60));
/// tracer.in_span("kept by the override", |_| {});
/// control.stop_everything();
/// tracer.in_span("dropped again", |_| {});
/// control.set_ratio(1.0)?;
/// tracer.in_span("kept by the new ratio", |_| {});
///
/// let names: Vec<_> = exporter.get_finished_spans()?.into_iter().map(|s| s.name).collect();
/// assert_eq!(names, ["kept by the override", "kept by the new ratio"]);
/// assert!(control.set_ratio(1.5).is_err(), "not a ratio");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct SamplerControl {
    state: Arc<SamplerState>,
}

impl SamplerControl {
    pub(crate) fn new(state: Arc<SamplerState>) -> Self {
        Self { state }
    }

    /// Samples new traces at `ratio` from the next decision on, in the preset's shape (a
    /// parent-based preset's children still follow their parent). While an override is
    /// on, the ratio applies once it ends. A ratio set here is a probability: with
    /// consistent arithmetic, sampled roots carry its threshold (`ot=th:`).
    ///
    /// It changes what the sampler decides, not the [`Sampling`](crate::Sampling) it was built from: keep
    /// that with [`Sampling::with_ratio`](crate::Sampling::with_ratio) if you report it.
    ///
    /// # Errors
    ///
    /// [`SamplingError::InvalidRatio`] when `ratio` is not within `0.0..=1.0` (NaN
    /// included); the ratio in effect stays.
    pub fn set_ratio(&self, ratio: f64) -> Result<(), SamplingError> {
        if !(0.0..=1.0).contains(&ratio) {
            return Err(SamplingError::InvalidRatio(ratio));
        }
        self.state.set_ratio(ratio);
        Ok(())
    }

    /// Samples every new trace until `until` (root spans, and spans whose remote parent
    /// was not sampled; a local parent that was not sampled is still followed, and
    /// excluded routes stay excluded). The sampler checks the deadline itself, so the
    /// override ends on time even if nobody calls [`stop_everything`](Self::stop_everything).
    /// Calling it again replaces the deadline; an `until` in the past samples nothing more.
    pub fn trace_everything_until(&self, until: Instant) {
        self.state.trace_everything_until(until);
    }

    /// Ends the trace-everything override now: back to the ratio in effect.
    pub fn stop_everything(&self) {
        self.state.stop_everything();
    }

    /// A sampler reads this handle: the [`Sampling::controlled`](crate::Sampling::controlled) copy was turned into
    /// one with [`into_sampler`](crate::Sampling::into_sampler). Until then changes reach
    /// nothing, which a caller should report rather than ignore.
    pub fn in_use(&self) -> bool {
        self.state.in_use()
    }
}
