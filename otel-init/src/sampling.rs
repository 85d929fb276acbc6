//! Sampler presets: otel-kit-sampling's typed API ([`Sampling`]), which `init()` builds
//! the tracer provider's sampler from, re-exported so that `otel_kit_init::sampling::X`
//! names it. The [otel-kit-sampling documentation](otel_kit_sampling) has the presets,
//! their `OTEL_TRACES_SAMPLER` names, which traces a ratio keeps and why ratios are
//! parent-based.
//!
//! `init()` reads the sampling variables as [`Sampling::from_env`] does and wires the
//! sampler to the [`TelemetryControl`](crate::TelemetryControl) it returns (through a
//! [`SamplerControl`]), which changes the ratio and turns the trace-everything override
//! on while the service runs. With the `metrics` feature it also observes the sampler
//! ([`SamplerMetrics`]): root decisions counted, root probability reported.
//!
//! ```
//! use otel_kit_init::sampling::{Sampling, from_env_values};
//!
//! let typed = Sampling::ratio(0.1).excluding_health_checks();
//! typed.validate()?;
//! assert_eq!(
//!     typed.to_string(),
//!     "parentbased_traceidratio(0.1) excluding routes [/health, /healthz, /ready, /live, /metrics]"
//! );
//!
//! let (from_env, warnings) = from_env_values(Some("parentbased_traceidratio"), Some("0.1"));
//! assert!(warnings.is_empty());
//! assert_eq!(from_env, Sampling::ratio(0.1));
//! # Ok::<(), otel_kit_init::sampling::SamplingError>(())
//! ```

pub use otel_kit_sampling::{
    JaegerRemote, ParentDelegates, RatioArithmetic, SamplerControl, SamplerMetrics, Sampling, SamplingError,
    Threshold, XrayRemote, from_env_values,
};
