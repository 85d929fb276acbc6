//! Samplers for any `opentelemetry_sdk` user: the specification's presets as a small
//! typed API ([`Sampling`]), consistent probability sampling, parent-based sampling with
//! five delegates, a rate limit, route exclusion, Jaeger and AWS X-Ray remote sampling,
//! and run-time control of the ratio and a trace-everything override
//! ([`SamplerControl`]).
//!
//! - [`Sampling`] (`preset`): the presets, validated with [`Sampling::validate`] and
//!   turned into a `ShouldSample` with [`Sampling::into_sampler`].
//! - [`Sampling::from_env`], [`Sampling::from_lookup`], [`from_env_values`] (`from_env`):
//!   `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`, `OTEL_KIT_SAMPLER_EXCLUDED_ROUTES`
//!   and `OTEL_KIT_SAMPLER_ARITHMETIC`, each value not used as written reported as an
//!   otel-kit-core `ConfigWarning` ([`Sampling::ENV_VARIABLES`] lists them).
//! - [`RatioArithmetic`], [`Threshold`] (`arithmetic`, `runtime`, `parent_state`): how a
//!   ratio decides, and the `ot=th:` trace state it writes.
//! - [`ParentDelegates`] (`parent_based`): [`Sampling::parent_based`]'s four delegates.
//! - `rate_limit`: the token bucket of [`Sampling::rate_limited`].
//! - `routes`: [`Sampling::excluding_routes`] and [`Sampling::excluding_health_checks`].
//! - `custom`: [`Sampling::custom`], your own sampler as one more preset.
//! - [`JaegerRemote`] (`jaeger_remote/`, the `jaeger-remote` cargo feature): the remote
//!   sampler's endpoint, polling interval and initial sampling (`mod.rs`), its
//!   `OTEL_TRACES_SAMPLER_ARG` (`arg`); the strategy checked (`strategy`), fetched
//!   (`client`) and polled (`poller`).
//! - [`XrayRemote`] (`xray/`, the `xray-remote` cargo feature): AWS X-Ray's sampling
//!   rules and targets, from the X-Ray daemon or the Collector's `awsproxy` extension:
//!   the settings, the preset and their `OTEL_TRACES_SAMPLER_ARG` (`remote`, `preset`,
//!   `remote_arg`), the answers read (`rules`, `targets`), rule matching (`pattern`,
//!   `matcher`), a rule's reservoir, fixed rate and counts (`applier`), the decision
//!   (`sampler`) and the poll loop (`poller`).
//! - What the two remote samplers share (`remote/`): the checked endpoint (`url`), the
//!   `OTEL_TRACES_SAMPLER_ARG` entries and their warning (`arg`), the bounded HTTP
//!   client (`http`) and the polling thread (`poller_thread`).
//! - [`SamplerControl`] (`control`): a new ratio and the trace-everything override on a
//!   running sampler, from [`Sampling::controlled`].
//! - [`SamplerMetrics`] (`observed`): [`Sampling::into_observed_sampler`]'s root
//!   decisions counted (`otel_kit.sampler.root_decisions`) and root probability reported
//!   (`otel_kit.sampler.probability`), so the kept rate can be read against the
//!   configured one.
//! - [`SamplingError`] (`error`): why a [`Sampling`] cannot be used as written.
//! - [`HeadSampling`], [`HeadSampledTracerProvider`] (`head`): a tracer provider whose
//!   sampler the kit's instrumentations ask before building a span, so that a dropped
//!   span is never built.
//!
//! otel-kit-init builds its tracer provider's sampler from this crate and re-exports it
//! as `otel_kit_init::sampling`, with its `TelemetryControl` over a [`SamplerControl`].
//!
//! # Cargo features
//!
//! | feature | default | what it brings | what it compiles |
//! | --- | --- | --- | --- |
//! | `bound-instruments` | no | the root-decision counter records through a handle bound per decision once the SDK binds (the metrics API's experimental bound instruments, otel-kit-core's `bound-instruments`; otel-kit-init's feature of the same name turns it on); without it, an add with the decision's attribute | no crate |
//! | `jaeger-remote` | no | [`Sampling::jaeger_remote`] and [`Sampling::parent_based_jaeger_remote`] sample by the endpoint's strategy; without it they fall back to [`Sampling::FALLBACK_RATIO`] with a warning | opentelemetry_sdk's `jaeger_remote_sampler`, hyper's HTTP/1 client, tokio, serde_json |
//! | `xray-remote` | no | [`Sampling::xray`] (`OTEL_TRACES_SAMPLER=xray`) samples by AWS X-Ray's sampling rules; without it `xray` falls back to [`Sampling::FALLBACK_RATIO`] with a warning | hyper's HTTP/1 client, tokio, serde_json (not opentelemetry_sdk's Jaeger sampler) |
//!
//! # The presets
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
//! | Jaeger remote (feature `jaeger-remote`) | [`Sampling::jaeger_remote(remote)`](Sampling::jaeger_remote) | `jaeger_remote`, ARG = `endpoint=..,pollingIntervalMs=..,initialSamplingRate=..` ([`JaegerRemote`] has the defaults) | by the strategy the endpoint serves (probabilistic, rate-limiting or per operation); the initial sampling until the first arrives; the last good one while the endpoint fails | decided by the strategy too, ignoring the parent |
//! | Parent-based Jaeger remote (feature `jaeger-remote`) | [`Sampling::parent_based_jaeger_remote(remote)`](Sampling::parent_based_jaeger_remote) | `parentbased_jaeger_remote`, same ARG | as above | follow the parent's decision |
//! | AWS X-Ray remote (feature `xray-remote`) | [`Sampling::xray(remote)`](Sampling::xray) | `xray`, ARG = `endpoint=..,polling_interval=..` (seconds; [`XrayRemote`] has the defaults) | by the first X-Ray sampling rule that matches (priority, then name; `Default` last): its reservoir, then its fixed rate; 1 a second then 5% before the first rules and when none matches; the last good rules while the endpoint fails | follow the parent's decision |
//! | Fallback for a sampler that cannot be built | none | a remote sampler without its feature (one warning) | `parentbased_traceidratio(`[`FALLBACK_RATIO`](Sampling::FALLBACK_RATIO)`)`: 0.1%, never always on | follow the parent's decision |
//! | Trace-id ratio, not parent-based | [`Sampling::trace_id_ratio(r)`](Sampling::trace_id_ratio) | `traceidratio`, ARG = `r` (default 1.0) | a fraction `r`, chosen by trace id | decided again by trace id, ignoring the parent |
//! | Parent-based with five delegates | [`Sampling::parent_based(root, delegates)`](Sampling::parent_based) | none | `root` decides | the [`ParentDelegates`] entry for the parent's kind (remote or local, sampled or not); by default follow the parent |
//! | Custom | [`Sampling::custom(name, sampler)`](Sampling::custom) | none | your sampler decides (the trace-everything override still samples them) | your sampler decides |
//! | Route exclusion (non-standard) | [`.excluding_routes(..)`](Sampling::excluding_routes), [`.excluding_health_checks()`](Sampling::excluding_health_checks) on any preset | none | dropped when `http.route` or `url.path` matches | dropped when `http.route` or `url.path` matches |
//!
//! Children of local parents (spans started inside this process) behave like children
//! of remote parents. A name nobody knows in `OTEL_TRACES_SAMPLER` gets the
//! specification's default, `parentbased_always_on`, with a warning.
//!
//! # Which traces a ratio keeps
//!
//! Ratios decide by the specification's consistent probability sampling
//! ([`RatioArithmetic::Consistent`], the default): the ratio `p` becomes a 56-bit
//! rejection [`Threshold`] `T = (1 - p) * 2^56` (4 significant hex digits), and a trace
//! is sampled when its randomness `R`, the trace id's right-most 56 bits or the `rv` of
//! its `ot` trace state entry, is at least `T`. Every SDK that implements the
//! specification keeps the same traces at the same ratio.
//!
//! | Decision | `ot` entry of the span's `tracestate` |
//! | --- | --- |
//! | sampled by a ratio `p` (root, `traceidratio`, a ratio set at run time) | `th:` the threshold of `p` (`th:8` for 0.5, `th:0` for 1), other sub-keys kept |
//! | sampled by the trace-everything override | `th:0` |
//! | sampled by following a sampled parent, by `always_on` or by the rate limit | the parent's, its `th` erased if `R < T` contradicts the parent's decision |
//! | decided by a custom sampler | the custom sampler's |
//! | not sampled | the parent's without `th` |
//!
//! [`RatioArithmetic::Legacy`] keeps the Rust SDK's `TraceIdRatioBased` arithmetic and
//! passes the parent's trace state on unchanged.
//!
//! # Changing it while the service runs
//!
//! The sampler of a [`Sampling::controlled`] copy can be changed through its
//! [`SamplerControl`] (otel-kit-init's `TelemetryControl` wraps it): a new ratio (the preset keeps its shape:
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
//! ever decides at the root and lets children follow. The spec's plain `traceidratio`
//! ([`Sampling::trace_id_ratio`]) decides every span again; it is there for the
//! environment variable and as a root or delegate of [`Sampling::parent_based`].
//!
//! # Non-standard extensions
//!
//! `parentbased_ratelimited` and route exclusion are not in the OpenTelemetry
//! specification; other SDKs reading the same environment will not understand
//! `parentbased_ratelimited` (and most fall back to `parentbased_always_on`).
//!
//! ```
//! use otel_kit_sampling::{Sampling, from_env_values};
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
//! # Ok::<(), otel_kit_sampling::SamplingError>(())
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

mod arithmetic;
mod build;
mod control;
mod custom;
mod error;
mod from_env;
mod head;
mod jaeger_remote;
mod observed;
mod parent_based;
mod parent_state;
mod preset;
mod rate_limit;
mod remote;
mod routes;
mod runtime;
mod xray;

/// The Jaeger strategies parser alone, for the `jaeger_strategy` fuzz target: the body
/// as the SDK will parse it and the rate of a rate-limiting strategy, or why the
/// response is refused (the last good strategy then stays).
///
/// ```
/// let (body, rate) = otel_kit_sampling::normalise_jaeger_strategy(
///     br#"{"strategyType":"RATE_LIMITING","rateLimitingSampling":{"maxTracesPerSecond":5}}"#,
/// )?;
/// assert_eq!(rate, Some(5.0));
/// assert!(otel_kit_sampling::normalise_jaeger_strategy(br#"{"probabilisticSampling":{"samplingRate":5}}"#).is_err());
/// # let _ = body;
/// # Ok::<(), String>(())
/// ```
#[cfg(feature = "jaeger-remote")]
#[doc(hidden)]
pub fn normalise_jaeger_strategy(body: &[u8]) -> Result<(Vec<u8>, Option<f64>), String> {
    jaeger_remote::strategy::normalise(body).map(|accepted| (accepted.body, accepted.traces_per_second))
}

/// The X-Ray rules parser and matcher alone, for the interop test and a fuzz target: the
/// name of the rule a `GetSamplingRules` answer (`rules`) applies to a new trace whose
/// root span starts with `attributes`, on `resource`; `None` when no rule matches (the
/// sampler's fallback decides), `Err` when the answer is not usable (the sampler keeps
/// its rules).
///
/// ```
/// use opentelemetry::KeyValue;
/// use opentelemetry_sdk::Resource;
///
/// let rules = br#"{"SamplingRuleRecords":[
///     {"SamplingRule":{"RuleName":"Default","Priority":10000,"FixedRate":0.05,"ReservoirSize":1,
///      "ServiceName":"*","ServiceType":"*","Host":"*","HTTPMethod":"*","URLPath":"*","ResourceARN":"*","Version":1}},
///     {"SamplingRule":{"RuleName":"orders","Priority":10,"FixedRate":1,"ReservoirSize":0,
///      "ServiceName":"*","ServiceType":"*","Host":"*","HTTPMethod":"POST","URLPath":"/orders*","ResourceARN":"*","Version":1}}]}"#;
/// let resource = Resource::builder_empty().build();
/// let post = [KeyValue::new("http.request.method", "POST"), KeyValue::new("url.path", "/orders/7")];
/// let rule = otel_kit_sampling::xray_matching_rule(rules, &resource, &post)?;
/// assert_eq!(rule.as_deref(), Some("orders"));
/// let rule = otel_kit_sampling::xray_matching_rule(rules, &resource, &[])?;
/// assert_eq!(rule.as_deref(), Some("Default"));
/// # Ok::<(), String>(())
/// ```
#[cfg(feature = "xray-remote")]
#[doc(hidden)]
pub fn xray_matching_rule(
    rules: &[u8],
    resource: &opentelemetry_sdk::Resource,
    attributes: &[opentelemetry::KeyValue],
) -> Result<Option<String>, String> {
    let page = xray::rules::parse_page(rules)?;
    let resource = xray::matcher::ResourceView::of(&xray::remote::XrayResource::of(resource));
    let state = xray::sampler::XrayState::new(resource);
    state.replace_rules(xray::rules::in_order(page.rules).0);
    Ok(state.matching_rule(attributes))
}

pub use arithmetic::RatioArithmetic;
pub use control::SamplerControl;
pub use error::SamplingError;
pub use from_env::from_env_values;
pub use head::{HeadSampledTracerProvider, HeadSampling};
pub use observed::SamplerMetrics;
pub use otel_kit_core::__private::consistent_sampling::Threshold;
pub use preset::{JaegerRemote, ParentDelegates, Sampling};
pub use xray::remote::XrayRemote;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
