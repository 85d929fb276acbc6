//! [`Sampling`]: which traces to record, one of the presets plus the routes to leave out;
//! with the two settings a preset holds presets in, [`ParentDelegates`] and
//! [`JaegerRemote`] (their methods are in `parent_based.rs` and `jaeger_remote.rs`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use opentelemetry_sdk::trace::ShouldSample;

use super::arithmetic::RatioArithmetic;
use super::custom::CustomSampler;
use super::error::SamplingError;
use super::runtime::SamplerState;
use crate::xray::remote::XrayRemote;

/// Which traces to record: one of the presets in the [module table](super), plus any
/// routes to leave out.
///
/// Build it with a constructor, check it with [`validate`](Self::validate), turn it into
/// an SDK sampler with [`into_sampler`](Self::into_sampler). `Display` gives a one-line
/// description for a start-up log.
///
/// ```
/// use otel_kit_sampling::Sampling;
///
/// let sampling = Sampling::rate_limited(50.0).excluding_routes(["/status"]);
/// assert_eq!(sampling.to_string(), "parentbased_ratelimited(50/s) excluding routes [/status]");
/// assert_eq!(Sampling::default().to_string(), "parentbased_always_on");
/// ```
#[derive(Clone)]
#[must_use]
pub struct Sampling {
    pub(super) kind: Kind,
    pub(super) excluded_routes: Vec<String>,
    /// How ratios decide; for a parent-based sampler with delegates, the outer one
    /// applies to all of them.
    pub(super) arithmetic: RatioArithmetic,
    /// The state the sampler reads its ratio from; set only on the copy `controlled()`
    /// returns, so that its `SamplerControl` reaches the samplers built from it.
    /// Not part of the value: ignored by `==` and `Debug`.
    pub(super) state: Option<Arc<SamplerState>>,
}

impl PartialEq for Sampling {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.excluded_routes == other.excluded_routes
            && self.arithmetic == other.arithmetic
    }
}

impl fmt::Debug for Sampling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sampling")
            .field("kind", &self.kind)
            .field("excluded_routes", &self.excluded_routes)
            .field("arithmetic", &self.arithmetic)
            .finish()
    }
}

/// The presets. `ParentBasedAlwaysOff` only comes from the environment.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Kind {
    AlwaysOn,
    AlwaysOff,
    ParentBasedAlwaysOn,
    ParentBasedAlwaysOff,
    ParentBasedRatio(f64),
    TraceIdRatio(f64),
    RateLimited(f64),
    Custom(CustomSampler),
    /// `jaeger_remote`, or `parentbased_jaeger_remote` when `parent_based`.
    JaegerRemote {
        remote: JaegerRemote,
        parent_based: bool,
    },
    /// `xray`: AWS X-Ray's sampling rules (`xray/remote.rs`).
    Xray(XrayRemote),
    /// `Sampling::parent_based`: a root sampler and four delegates.
    ParentBased(Box<ParentBasedKind>),
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct ParentBasedKind {
    pub(super) root: Sampling,
    pub(super) delegates: ParentDelegates,
}

/// The samplers [`Sampling::parent_based`](super::Sampling::parent_based) asks about a
/// span that has a parent, one per kind of parent. The default is the specification's:
/// [`always_on`](Sampling::always_on) for sampled parents,
/// [`always_off`](Sampling::always_off) for parents that were not sampled, so children
/// follow their parent.
///
/// ```
/// use otel_kit_sampling::{ParentDelegates, Sampling};
///
/// // Record what this service does even when a caller chose not to sample it.
/// let delegates = ParentDelegates {
///     remote_parent_not_sampled: Sampling::trace_id_ratio(0.01),
///     ..ParentDelegates::default()
/// };
/// let sampling = Sampling::parent_based(Sampling::trace_id_ratio(0.1), delegates);
/// assert_eq!(
///     sampling.to_string(),
///     "parentbased(root=traceidratio(0.1), remote_parent_not_sampled=traceidratio(0.01))"
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ParentDelegates {
    /// For a parent from another process (`traceparent` flag `01`) that was sampled.
    pub remote_parent_sampled: Sampling,
    /// For a parent from another process that was not sampled.
    pub remote_parent_not_sampled: Sampling,
    /// For a parent span of this process that was sampled.
    pub local_parent_sampled: Sampling,
    /// For a parent span of this process that was not sampled.
    pub local_parent_not_sampled: Sampling,
}

/// Where a Jaeger remote sampler fetches its sampling strategy, how often, and what it
/// samples until the first strategy arrives: the argument of
/// [`Sampling::jaeger_remote`] and [`Sampling::parent_based_jaeger_remote`].
///
/// The sampler speaks the HTTP/JSON form of the Jaeger sampling API: it polls
/// `GET <endpoint>?service=<service.name>` (an endpoint without a path gets `/sampling`,
/// the path of the Jaeger agent and of the OpenTelemetry Collector's
/// `jaegerremotesampling` extension on port 5778; the Jaeger collector serves it at
/// `/api/sampling` on port 14268). Plain `http://` only.
///
/// ```
/// use std::time::Duration;
/// use otel_kit_sampling::{JaegerRemote, Sampling};
///
/// let remote = JaegerRemote::new("http://jaeger-agent:5778")
///     .polling_interval(Duration::from_secs(30))
///     .initial_sampling(Sampling::ratio(0.01));
/// assert_eq!(remote.endpoint(), "http://jaeger-agent:5778");
/// let sampling = Sampling::parent_based_jaeger_remote(remote);
/// sampling.validate()?;
/// assert_eq!(
///     sampling.to_string(),
///     "parentbased_jaeger_remote(endpoint=http://jaeger-agent:5778, pollingIntervalMs=30000, \
///      initial=parentbased_traceidratio(0.01))"
/// );
/// # Ok::<(), otel_kit_sampling::SamplingError>(())
/// ```
#[derive(Clone, PartialEq)]
#[must_use]
pub struct JaegerRemote {
    pub(crate) endpoint: String,
    pub(crate) polling_interval: Duration,
    pub(crate) initial: Box<Sampling>,
    /// Set by `init()` from the resource it builds; otherwise read from the environment's
    /// resource when the sampler is built.
    pub(crate) service_name: Option<String>,
}

/// The endpoint masked, as every printed endpoint is: it may carry credentials.
impl fmt::Debug for JaegerRemote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JaegerRemote")
            .field(
                "endpoint",
                &otel_kit_core::__private::printable_endpoint::printable_endpoint(&self.endpoint),
            )
            .field("polling_interval", &self.polling_interval)
            .field("initial", &self.initial)
            .field("service_name", &self.service_name)
            .finish()
    }
}

impl Kind {
    /// The ratio of new traces this preset samples; `None` for the rate limit.
    pub(super) fn ratio(&self) -> Option<f64> {
        match self {
            Kind::AlwaysOn | Kind::ParentBasedAlwaysOn => Some(1.0),
            Kind::AlwaysOff | Kind::ParentBasedAlwaysOff => Some(0.0),
            Kind::ParentBasedRatio(r) | Kind::TraceIdRatio(r) => Some(*r),
            Kind::RateLimited(_) | Kind::Custom(_) | Kind::JaegerRemote { .. } | Kind::Xray(_) => None,
            Kind::ParentBased(pb) => pb.root.kind.ratio(),
        }
    }

    /// A probability that writes its threshold (the ratio presets), rather than
    /// `always_on`/`always_off`, which are no probability and write none.
    pub(super) fn writes_threshold(&self) -> bool {
        match self {
            Kind::ParentBasedRatio(_) | Kind::TraceIdRatio(_) => true,
            Kind::ParentBased(pb) => pb.root.kind.writes_threshold(),
            _ => false,
        }
    }
}

impl Default for Sampling {
    /// `parentbased_always_on`, the specification's default: every new trace is sampled
    /// and children follow their parent.
    fn default() -> Self {
        Self::from_kind(Kind::ParentBasedAlwaysOn)
    }
}

impl Sampling {
    /// The routes [`excluding_health_checks`](Self::excluding_health_checks) leaves out:
    /// the usual liveness, readiness and metrics-scrape endpoints.
    ///
    /// ```
    /// use otel_kit_sampling::Sampling;
    ///
    /// assert!(Sampling::DEFAULT_EXCLUDED_ROUTES.contains(&"/healthz"));
    /// ```
    pub const DEFAULT_EXCLUDED_ROUTES: &'static [&'static str] =
        &["/health", "/healthz", "/ready", "/live", "/metrics"];

    pub(super) fn from_kind(kind: Kind) -> Self {
        Self {
            kind,
            excluded_routes: Vec::new(),
            arithmetic: RatioArithmetic::default(),
            state: None,
        }
    }

    /// Samples every span, whatever the parent decided (`always_on`).
    ///
    /// Children of an unsampled remote parent are sampled too, so traces whose caller
    /// chose not to sample show up as fragments. [`Sampling::default()`] samples every new
    /// trace but lets children follow their parent.
    ///
    /// ```
    /// use otel_kit_sampling::Sampling;
    ///
    /// assert_eq!(Sampling::always_on().to_string(), "always_on");
    /// ```
    pub fn always_on() -> Self {
        Self::from_kind(Kind::AlwaysOn)
    }

    /// Samples nothing, whatever the parent decided (`always_off`).
    ///
    /// ```
    /// use otel_kit_sampling::Sampling;
    ///
    /// assert_eq!(Sampling::always_off().to_string(), "always_off");
    /// ```
    pub fn always_off() -> Self {
        Self::from_kind(Kind::AlwaysOff)
    }

    /// Samples a fraction `ratio` of new traces, chosen by trace id; children follow
    /// their parent (`parentbased_traceidratio`).
    ///
    /// Always parent-based, so a trace is decided once, where it starts, and is either
    /// kept whole or dropped whole (see the [module docs](super)). A ratio outside
    /// `0.0..=1.0` is reported by [`validate`](Self::validate).
    ///
    /// ```
    /// use otel_kit_sampling::Sampling;
    ///
    /// let sampling = Sampling::ratio(0.25);
    /// sampling.validate()?;
    /// assert_eq!(sampling.to_string(), "parentbased_traceidratio(0.25)");
    /// # Ok::<(), otel_kit_sampling::SamplingError>(())
    /// ```
    pub fn ratio(ratio: f64) -> Self {
        Self::from_kind(Kind::ParentBasedRatio(ratio))
    }

    /// Samples a fraction `ratio` of spans by trace id, whatever their parent decided
    /// (`traceidratio`; the specification's `ProbabilitySampler`). Every span is decided
    /// again, so use it as a root or delegate of [`parent_based`](Self::parent_based),
    /// or where each service must decide on its own; [`ratio`](Self::ratio) is the
    /// parent-based form. A ratio outside `0.0..=1.0` is reported by
    /// [`validate`](Self::validate).
    ///
    /// ```
    /// use otel_kit_sampling::Sampling;
    ///
    /// assert_eq!(Sampling::trace_id_ratio(0.25).to_string(), "traceidratio(0.25)");
    /// ```
    pub fn trace_id_ratio(ratio: f64) -> Self {
        Self::from_kind(Kind::TraceIdRatio(ratio))
    }

    /// The specification's `ParentBased` sampler: `root` decides spans without a
    /// parent, and each span with a parent is decided by the delegate for its kind of
    /// parent (remote or local, sampled or not). With [`ParentDelegates::default()`]
    /// children follow their parent. Excluded routes of `root` and of the delegates
    /// apply to the spans each decides; the arithmetic of this value applies to all.
    ///
    /// A ratio set through [`SamplerControl`](crate::SamplerControl) (otel-kit-init's `TelemetryControl`) changes the
    /// root's, when the root is a ratio preset; the trace-everything override samples
    /// roots and spans whose remote parent was not sampled, as with the presets.
    ///
    /// ```
    /// use otel_kit_sampling::{ParentDelegates, Sampling};
    ///
    /// let sampling = Sampling::parent_based(Sampling::trace_id_ratio(0.1), ParentDelegates::default());
    /// sampling.validate()?;
    /// assert_eq!(sampling.to_string(), "parentbased(root=traceidratio(0.1))");
    /// # Ok::<(), otel_kit_sampling::SamplingError>(())
    /// ```
    pub fn parent_based(root: Sampling, delegates: ParentDelegates) -> Self {
        Self::from_kind(Kind::ParentBased(Box::new(ParentBasedKind { root, delegates })))
    }

    /// The arithmetic ratios decide with: [`RatioArithmetic::Consistent`] (the default,
    /// the specification's threshold with `ot=th:` in `tracestate`) or
    /// [`RatioArithmetic::Legacy`] (the Rust SDK's, no threshold written).
    ///
    /// ```
    /// use otel_kit_sampling::{RatioArithmetic, Sampling};
    ///
    /// let sampling = Sampling::ratio(0.5).with_arithmetic(RatioArithmetic::Legacy);
    /// assert_eq!(sampling.arithmetic(), RatioArithmetic::Legacy);
    /// ```
    pub fn with_arithmetic(mut self, arithmetic: RatioArithmetic) -> Self {
        self.arithmetic = arithmetic;
        self
    }

    /// The arithmetic set with [`with_arithmetic`](Self::with_arithmetic).
    pub fn arithmetic(&self) -> RatioArithmetic {
        self.arithmetic
    }

    /// Samples at most `traces_per_second` new traces per second, with bursts of at most
    /// max(1, `traces_per_second`); children follow their parent and never count against
    /// the limit (`parentbased_ratelimited`, not in the specification).
    ///
    /// The budget is kept with atomics, no lock, and belongs to the sampler that
    /// [`into_sampler`](Self::into_sampler) returns: two calls give two budgets. A rate
    /// that is not finite and positive is reported by [`validate`](Self::validate).
    ///
    /// ```
    /// use otel_kit_sampling::Sampling;
    ///
    /// let sampling = Sampling::rate_limited(100.0);
    /// sampling.validate()?;
    /// assert_eq!(sampling.to_string(), "parentbased_ratelimited(100/s)");
    /// # Ok::<(), otel_kit_sampling::SamplingError>(())
    /// ```
    pub fn rate_limited(traces_per_second: f64) -> Self {
        Self::from_kind(Kind::RateLimited(traces_per_second))
    }

    /// Your own sampler, named `name` in [`Display`](std::fmt::Display) (and in
    /// otel-kit-init's start-up line). [`into_sampler`](Self::into_sampler) keeps what it adds
    /// around it: [route exclusion](Self::excluding_routes) still drops health checks,
    /// and a [trace-everything override](crate::SamplerControl::trace_everything_until)
    /// still samples every root span and every unsampled remote parent while it lasts;
    /// everything else is its decision. A new ratio cannot be set on it
    /// (otel-kit-init's `ControlError::NotRatioBased`). Copies of
    /// this preset share the one sampler.
    ///
    /// ```
    /// use opentelemetry_sdk::trace::Sampler;
    /// use otel_kit_sampling::Sampling;
    ///
    /// // Sample every trace that a parent sampled, and 1 in 20 new ones.
    /// let sampling = Sampling::custom("parent or 5%", Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(0.05))))
    ///     .excluding_health_checks();
    /// assert!(sampling.to_string().starts_with("custom(parent or 5%) excluding routes"));
    /// let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
    ///     .with_sampler(sampling.into_sampler())
    ///     .build();
    /// # drop(provider);
    /// ```
    pub fn custom(name: impl Into<String>, sampler: impl ShouldSample + 'static) -> Self {
        Self::from_kind(Kind::Custom(CustomSampler::new(name, sampler)))
    }

    /// Never samples a span whose `http.route` or `url.path` attribute, as given when the
    /// span starts, equals one of `routes`. Adds to the routes already excluded.
    ///
    /// This applies to every span, including a child of a sampled parent: a health check
    /// whose caller propagated a sampled trace context is still dropped, and so are its
    /// children (they follow it), except under `always_on` or `traceidratio`, which
    /// ignore the parent. Excluded spans are checked first, so they never use up a
    /// rate limit. Matching is exact: `/health` does not match `/health/` or
    /// `/health?full=1`.
    ///
    /// ```
    /// use otel_kit_sampling::Sampling;
    ///
    /// let sampling = Sampling::ratio(0.5).excluding_routes(["/ping", "/status"]);
    /// assert_eq!(sampling.to_string(), "parentbased_traceidratio(0.5) excluding routes [/ping, /status]");
    /// ```
    pub fn excluding_routes<I>(mut self, routes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        for route in routes {
            let route = route.into();
            if !self.excluded_routes.contains(&route) {
                self.excluded_routes.push(route);
            }
        }
        self
    }

    /// The routes left out, in the order given.
    ///
    /// ```
    /// use otel_kit_sampling::Sampling;
    ///
    /// assert_eq!(Sampling::default().excluding_routes(["/status"]).excluded_routes(), ["/status"]);
    /// ```
    pub fn excluded_routes(&self) -> &[String] {
        &self.excluded_routes
    }

    /// Excludes [`DEFAULT_EXCLUDED_ROUTES`](Self::DEFAULT_EXCLUDED_ROUTES), as
    /// [`excluding_routes`](Self::excluding_routes) does.
    ///
    /// ```
    /// use otel_kit_sampling::Sampling;
    ///
    /// let sampling = Sampling::default().excluding_health_checks();
    /// assert_eq!(
    ///     sampling.to_string(),
    ///     "parentbased_always_on excluding routes [/health, /healthz, /ready, /live, /metrics]"
    /// );
    /// ```
    pub fn excluding_health_checks(self) -> Self {
        self.excluding_routes(Self::DEFAULT_EXCLUDED_ROUTES.iter().copied())
    }

    /// Checks the ratio is within `0.0..=1.0` and the rate is finite and above zero.
    ///
    /// # Errors
    ///
    /// [`SamplingError::InvalidRatio`] or [`SamplingError::InvalidRate`], whose message
    /// says which value to change.
    ///
    /// ```
    /// use otel_kit_sampling::{Sampling, SamplingError};
    ///
    /// let err = Sampling::ratio(1.5).validate().unwrap_err();
    /// assert_eq!(err, SamplingError::InvalidRatio(1.5));
    /// assert_eq!(err.to_string(), "sampling ratio must be between 0.0 and 1.0, got 1.5");
    /// assert!(Sampling::rate_limited(0.0).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), SamplingError> {
        match &self.kind {
            Kind::ParentBasedRatio(r) | Kind::TraceIdRatio(r) if !(0.0..=1.0).contains(r) => {
                Err(SamplingError::InvalidRatio(*r))
            }
            Kind::RateLimited(n) if !(n.is_finite() && *n > 0.0) => Err(SamplingError::InvalidRate(*n)),
            Kind::ParentBased(pb) => {
                pb.root.validate()?;
                pb.delegates.named().iter().try_for_each(|(_, d)| d.validate())
            }
            Kind::JaegerRemote { remote, .. } => {
                remote
                    .strategies_url()
                    .map_err(SamplingError::InvalidRemoteEndpoint)?;
                if remote.polling_interval_value().is_zero() {
                    return Err(SamplingError::ZeroPollingInterval);
                }
                remote.initial().validate()
            }
            Kind::Xray(remote) => remote.check().map_err(SamplingError::InvalidXrayRemote),
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Sampling {
    /// The environment-variable name of the preset with its argument, e.g.
    /// `parentbased_traceidratio(0.1)`, then any excluded routes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::AlwaysOn => f.write_str("always_on")?,
            Kind::AlwaysOff => f.write_str("always_off")?,
            Kind::ParentBasedAlwaysOn => f.write_str("parentbased_always_on")?,
            Kind::ParentBasedAlwaysOff => f.write_str("parentbased_always_off")?,
            Kind::ParentBasedRatio(r) => write!(f, "parentbased_traceidratio({r})")?,
            Kind::TraceIdRatio(r) => write!(f, "traceidratio({r})")?,
            Kind::RateLimited(n) => write!(f, "parentbased_ratelimited({n}/s)")?,
            Kind::Custom(custom) => write!(f, "custom({})", custom.name)?,
            Kind::JaegerRemote { remote, parent_based } => {
                let prefix = if *parent_based { "parentbased_" } else { "" };
                write!(f, "{prefix}jaeger_remote({remote})")?;
            }
            Kind::Xray(remote) => write!(f, "xray({remote})")?,
            Kind::ParentBased(pb) => {
                write!(f, "parentbased(root={}", pb.root)?;
                let defaults = ParentDelegates::default();
                for ((name, delegate), (_, default)) in pb.delegates.named().into_iter().zip(defaults.named())
                {
                    if delegate != default {
                        write!(f, ", {name}={delegate}")?;
                    }
                }
                f.write_str(")")?;
            }
        }
        if !self.excluded_routes.is_empty() {
            write!(f, " excluding routes [{}]", self.excluded_routes.join(", "))?;
        }
        if self.arithmetic == RatioArithmetic::Legacy {
            f.write_str(" with legacy arithmetic")?;
        }
        Ok(())
    }
}
