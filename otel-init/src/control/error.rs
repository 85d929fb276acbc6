//! Why a runtime change was refused.

use std::time::Duration;

/// Why a [`TelemetryControl`](crate::TelemetryControl) change was refused. Nothing changed:
/// the value in effect before the call still is. The message says what to fix, so an
/// admin endpoint can return it as is.
///
/// ```
/// let telemetry = otel_kit_init::builder()
///     .without_globals()
///     .exporter(otel_kit_init::Exporter::None)
///     .init()?;
/// let err = telemetry.control().set_sampling_ratio(1.5).unwrap_err();
/// assert_eq!(err, otel_kit_init::ControlError::InvalidRatio(1.5));
/// assert_eq!(
///     err.to_string(),
///     "the sampling ratio must be between 0.0 and 1.0, got 1.5; the ratio in effect is unchanged"
/// );
/// # Ok::<(), otel_kit_init::InitError>(())
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ControlError {
    /// The ratio given to `set_sampling_ratio` is below 0, above 1 or NaN.
    #[error("the sampling ratio must be between 0.0 and 1.0, got {0}; the ratio in effect is unchanged")]
    InvalidRatio(f64),
    /// The sampler in effect has no ratio: a rate limit (`parentbased_ratelimited`).
    #[error(
        "the sampler in effect, {sampling}, has no ratio to change; configure a ratio \
         (OTEL_TRACES_SAMPLER=parentbased_traceidratio) to change it at runtime, or use \
         trace_everything_for for a temporary override"
    )]
    NotRatioBased {
        /// The sampler in effect, as `Sampling`'s `Display` writes it.
        sampling: String,
    },
    /// The tracer provider does not use the sampler this control drives (one given in
    /// code replaced it), so changing it would do nothing.
    #[error(
        "the tracer provider samples with a sampler given in code, which this control does not \
         drive; change that sampler instead"
    )]
    SamplerNotControlled,
    /// The duration given to `trace_everything_for` is zero, or too long to be a point in
    /// time.
    #[error("trace everything for {0:?}: give a duration above zero, such as 10 minutes")]
    InvalidDuration(Duration),
    /// The thread that ends the trace-everything override could not be started.
    #[error("could not start the thread that ends the trace-everything override ({0}); nothing changed")]
    TimerUnavailable(String),
    /// The directives given to `set_filter` do not parse.
    #[error(
        "{directives:?} is not a valid filter ({reason}); the filter in effect is unchanged. \
         Directives look like `info,my_crate=debug,hyper=warn`"
    )]
    InvalidFilter {
        /// The directives given.
        directives: String,
        /// What the parser said.
        reason: String,
    },
    /// There is no filter to change: `init()` installed no `tracing` subscriber.
    #[error(
        "no filter to change: this telemetry installed no `tracing` subscriber (it was built with \
         without_globals() or without_tracing_subscriber(), or another subscriber was installed \
         first); a subscriber composed from `subscriber::layers` keeps the filter it was given"
    )]
    NoSubscriber,
}
