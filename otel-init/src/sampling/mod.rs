//! Sampler presets: a small typed API ([`Sampling`]), each preset also reachable from
//! `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` ([`Sampling::from_env`] reads them
//! with `OTEL_KIT_SAMPLER_EXCLUDED_ROUTES`; [`from_env_values`] parses given values).
//!
//! | Preset | Typed API | Env value | Root spans | Children of remote parents |
//! | --- | --- | --- | --- | --- |
//! | Parent-based always on (the default) | [`Sampling::default()`] | `parentbased_always_on`, or unset | all sampled | follow the parent's decision |
//! | Parent-based always off | `Sampling::ratio(0.0)` behaves the same | `parentbased_always_off` | none sampled | follow the parent's decision |
//! | Parent-based ratio | [`Sampling::ratio(r)`](Sampling::ratio) | `parentbased_traceidratio`, ARG = `r` (default 1.0) | a fraction `r`, chosen by trace id | follow the parent's decision |
//! | Rate-limited (non-standard) | [`Sampling::rate_limited(n)`](Sampling::rate_limited) | `parentbased_ratelimited`, ARG = `n` (default 100) | at most `n` new traces per second, bursts of at most max(1, `n`) | follow the parent's decision (never limited) |
//! | Always on | [`Sampling::always_on()`] | `always_on` | all sampled | all sampled, even when the parent was not |
//! | Always off | [`Sampling::always_off()`] | `always_off` | none sampled | none sampled, even when the parent was |
//! | Trace-id ratio, not parent-based | none: environment only | `traceidratio`, ARG = `r` (default 1.0) | a fraction `r`, chosen by trace id | decided again by trace id, ignoring the parent |
//! | Custom | [`Sampling::custom(name, sampler)`](Sampling::custom) | none | your sampler decides (the trace-everything override still samples them) | your sampler decides |
//! | Route exclusion (non-standard) | [`.excluding_routes(..)`](Sampling::excluding_routes), [`.excluding_health_checks()`](Sampling::excluding_health_checks) on any preset | none | dropped when `http.route` or `url.path` matches | dropped when `http.route` or `url.path` matches |
//!
//! Children of local parents (spans started inside this process) behave like children
//! of remote parents.
//!
//! # Changing it while the service runs
//!
//! The sampler `init()` builds can be changed through
//! [`TelemetryControl`](crate::TelemetryControl): a new ratio (the preset keeps its shape:
//! parent-based stays parent-based, excluded routes stay excluded) and a
//! trace-everything override for a while. Each preset but the rate limit is a ratio:
//! `always_on` and `always_off` are the ratios 1 and 0 applied to every span,
//! `parentbased_always_on` and `parentbased_always_off` the ratios 1 and 0 applied to
//! roots. The ratio is read with one relaxed atomic load per decision.
//!
//! # Why ratios are parent-based
//!
//! A ratio sampler that ignores the parent decides again in every service. Traces stay
//! whole only if every service uses the same ratio and the same trace-id arithmetic;
//! otherwise each hop keeps a different subset, and "10% here times 10% there" leaves
//! about 1% of traces complete plus many fragments. [`Sampling::ratio`] therefore only
//! ever decides at the root and lets children follow. The spec's plain `traceidratio` is
//! still honoured when it is set in the environment, because that is what the variable
//! means; prefer `parentbased_traceidratio`.
//!
//! # Non-standard extensions
//!
//! `parentbased_ratelimited` and route exclusion are not in the OpenTelemetry
//! specification; other SDKs reading the same environment will not understand
//! `parentbased_ratelimited` (and most fall back to `parentbased_always_on`).
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

mod arithmetic;
mod custom;
mod error;
mod from_env;
mod parent_based;
mod parent_state;
mod preset;
mod rate_limit;
mod routes;
mod runtime;

pub use arithmetic::RatioArithmetic;
pub use error::SamplingError;
pub(crate) use from_env::VARIABLES;
pub use from_env::from_env_values;
pub use parent_based::ParentDelegates;
pub use preset::Sampling;
pub use otel_kit_core::consistent_sampling::Threshold;
pub(crate) use runtime::SamplerState;
