//! Turning a [`Sampling`] into the SDK sampler: the sampler of each preset over the state
//! it reads, the parent-based sampler over its delegates, route exclusion around them,
//! the remote samplers (Jaeger, X-Ray) or their fallback; and the run-time view of a
//! preset (its ratio, the same preset with another, a copy wired to a
//! [`SamplerControl`]).

use std::sync::Arc;

use opentelemetry_sdk::trace::ShouldSample;

use super::arithmetic::RatioArithmetic;
use super::control::SamplerControl;
use super::parent_based::ParentBasedSampler;
use super::preset::{JaegerRemote, Kind, ParentBasedKind, Sampling};
use super::rate_limit;
use super::routes;
use super::runtime::{RuntimeSampler, SamplerState, Shape};
use crate::xray::remote::XrayRemote;

impl Sampling {
    /// The SDK sampler for this preset, for
    /// [`TracerProviderBuilder::with_sampler`](opentelemetry_sdk::trace::TracerProviderBuilder::with_sampler).
    ///
    /// A boxed [`ShouldSample`] rather than the SDK's `Sampler` enum, because route
    /// exclusion must also overrule the parent, and `Sampler::ParentBased` never asks its
    /// delegate about a span that has a parent; and because the ratio is kept where a
    /// [`SamplerControl`](crate::SamplerControl) (otel-kit-init's `TelemetryControl`) can change it; and because the SDK's
    /// `TraceIdRatioBased` decides by its own arithmetic and writes no threshold, where
    /// these decide by consistent probability (see [`RatioArithmetic`]). To hand it to
    /// an API that takes a
    /// `Sampler` (which then decides children by the parent alone), wrap it:
    /// `Sampler::ParentBased(sampling.into_sampler())`.
    ///
    /// Values are not checked here; call [`validate`](Self::validate) first. A ratio
    /// above 1 samples everything, below 0 or NaN nothing; a rate that is zero,
    /// negative or NaN admits no new trace and an infinite rate admits all.
    ///
    /// ```
    /// use opentelemetry::trace::{Tracer as _, TracerProvider as _};
    /// use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
    /// use otel_kit_sampling::Sampling;
    ///
    /// let exporter = InMemorySpanExporter::default();
    /// let provider = SdkTracerProvider::builder()
    ///     .with_simple_exporter(exporter.clone())
    ///     .with_sampler(Sampling::always_off().into_sampler())
    ///     .build();
    /// provider.tracer("example").in_span("work", |_| {});
    /// assert!(exporter.get_finished_spans()?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_sampler(self) -> Box<dyn ShouldSample> {
        let state = self.state_or_new();
        self.build(state)
    }

    /// The state a [`controlled`](Self::controlled) copy is bound to, else a new one.
    pub(super) fn state_or_new(&self) -> Arc<SamplerState> {
        self.state
            .clone()
            .unwrap_or_else(|| self.new_state(self.arithmetic))
    }

    /// A state at this preset's ratio, read with `arithmetic`.
    fn new_state(&self, arithmetic: RatioArithmetic) -> Arc<SamplerState> {
        SamplerState::new(
            self.kind.ratio().unwrap_or(0.0),
            self.kind.writes_threshold(),
            arithmetic,
        )
    }

    /// The sampler reading `state`; delegates get states of their own, with its
    /// arithmetic.
    pub(super) fn build(&self, state: Arc<SamplerState>) -> Box<dyn ShouldSample> {
        let shape = match &self.kind {
            Kind::AlwaysOn | Kind::AlwaysOff | Kind::TraceIdRatio(_) => Shape::Ratio,
            Kind::ParentBasedAlwaysOn | Kind::ParentBasedAlwaysOff | Kind::ParentBasedRatio(_) => {
                Shape::ParentBasedRatio
            }
            Kind::RateLimited(n) => Shape::ParentBasedRateLimited(rate_limit::RateLimitedRoot::new(*n)),
            Kind::Custom(custom) => Shape::Custom(Arc::clone(&custom.sampler)),
            // Decided like a custom sampler, so the trace-everything override still applies.
            Kind::JaegerRemote { remote, parent_based } => {
                Shape::Custom(Arc::from(remote_or_fallback(remote, *parent_based)))
            }
            Kind::Xray(remote) => Shape::Custom(Arc::from(xray_or_fallback(remote))),
            Kind::ParentBased(pb) => {
                let arithmetic = state.arithmetic;
                let root = pb.root.build(Arc::clone(&state));
                let delegates = pb
                    .delegates
                    .named()
                    .map(|(_, d)| d.build(d.new_state(arithmetic)));
                state.mark_in_use();
                return self.with_routes(Box::new(ParentBasedSampler::new(state, root, delegates)));
            }
        };
        self.with_routes(Box::new(RuntimeSampler::new(state, shape)))
    }

    fn with_routes(&self, preset: Box<dyn ShouldSample>) -> Box<dyn ShouldSample> {
        if self.excluded_routes.is_empty() {
            preset
        } else {
            Box::new(routes::ExcludeRoutes::new(
                Arc::from(self.excluded_routes.clone()),
                preset,
            ))
        }
    }
}

/// Run-time control: the ratio, the same preset with another one, and a copy whose
/// sampler a [`SamplerControl`] changes.
impl Sampling {
    /// The ratio of new traces sampled: 1 for `parentbased_always_on` and `always_on`, 0
    /// for the `always_off` presets, the root's ratio for [`parent_based`](Self::parent_based);
    /// `None` for the rate limit, a custom sampler and the remote samplers (Jaeger,
    /// X-Ray), which have none.
    ///
    /// ```
    /// use otel_kit_sampling::Sampling;
    ///
    /// assert_eq!(Sampling::default().sampling_ratio(), Some(1.0));
    /// assert_eq!(Sampling::ratio(0.1).sampling_ratio(), Some(0.1));
    /// assert_eq!(Sampling::rate_limited(10.0).sampling_ratio(), None);
    /// ```
    pub fn sampling_ratio(&self) -> Option<f64> {
        self.kind.ratio()
    }

    /// Whether the sampler reads a span's attributes: with excluded routes, a custom
    /// sampler, or a remote one (Jaeger, X-Ray), or a parent-based one whose root or
    /// delegate does. The presets decide by the trace id and the parent alone, so the
    /// kit's instrumentations make a span's attributes only once it records
    /// ([`HeadSampling::described_by`](crate::HeadSampling::described_by)).
    ///
    /// ```
    /// use otel_kit_sampling::Sampling;
    ///
    /// assert!(!Sampling::ratio(0.1).reads_attributes());
    /// assert!(Sampling::ratio(0.1).excluding_routes(["/health"]).reads_attributes());
    /// ```
    pub fn reads_attributes(&self) -> bool {
        !self.excluded_routes.is_empty()
            || match &self.kind {
                Kind::AlwaysOn
                | Kind::AlwaysOff
                | Kind::ParentBasedAlwaysOn
                | Kind::ParentBasedAlwaysOff
                | Kind::ParentBasedRatio(_)
                | Kind::TraceIdRatio(_)
                | Kind::RateLimited(_) => false,
                Kind::Custom(_) | Kind::JaegerRemote { .. } | Kind::Xray(_) => true,
                Kind::ParentBased(pb) => {
                    let d = &pb.delegates;
                    [
                        &pb.root,
                        &d.remote_parent_sampled,
                        &d.remote_parent_not_sampled,
                        &d.local_parent_sampled,
                        &d.local_parent_not_sampled,
                    ]
                    .iter()
                    .any(|sampling| sampling.reads_attributes())
                }
            }
    }

    /// The arithmetic by which the sampler decides a span whose parent is local (made in
    /// this process) from the parent's flag alone, which also says what trace state the
    /// child carries: `parentbased_always_on`, `parentbased_always_off`,
    /// `parentbased_traceidratio` and `parentbased_ratelimited` with no excluded route.
    /// `None` where the sampler must be asked (a custom, remote, [`Sampling::parent_based`]
    /// or non-parent-based sampler, or excluded routes, which read the span).
    pub(crate) fn local_child_arithmetic(&self) -> Option<RatioArithmetic> {
        let follows = self.excluded_routes.is_empty()
            && matches!(
                self.kind,
                Kind::ParentBasedAlwaysOn
                    | Kind::ParentBasedAlwaysOff
                    | Kind::ParentBasedRatio(_)
                    | Kind::RateLimited(_)
            );
        // The sampler reads the arithmetic from its state, which a controlled copy shares.
        follows.then(|| {
            self.state
                .as_ref()
                .map_or(self.arithmetic, |state| state.arithmetic)
        })
    }

    /// This preset with `ratio`, in the same shape and with the same excluded routes:
    /// parent-based presets become `parentbased_traceidratio`, the others
    /// `traceidratio`. `None` for the presets without a ratio (see
    /// [`sampling_ratio`](Self::sampling_ratio)). The ratio is not checked: see
    /// [`validate`](Self::validate).
    ///
    /// ```
    /// use otel_kit_sampling::Sampling;
    ///
    /// let changed = Sampling::always_off().excluding_routes(["/ping"]).with_ratio(0.5);
    /// assert_eq!(changed.unwrap().to_string(), "traceidratio(0.5) excluding routes [/ping]");
    /// assert_eq!(Sampling::rate_limited(10.0).with_ratio(0.5), None);
    /// ```
    pub fn with_ratio(&self, ratio: f64) -> Option<Sampling> {
        let kind = match &self.kind {
            Kind::ParentBasedAlwaysOn | Kind::ParentBasedAlwaysOff | Kind::ParentBasedRatio(_) => {
                Kind::ParentBasedRatio(ratio)
            }
            Kind::AlwaysOn | Kind::AlwaysOff | Kind::TraceIdRatio(_) => Kind::TraceIdRatio(ratio),
            Kind::RateLimited(_) | Kind::Custom(_) | Kind::JaegerRemote { .. } | Kind::Xray(_) => {
                return None;
            }
            Kind::ParentBased(pb) => Kind::ParentBased(Box::new(ParentBasedKind {
                root: pb.root.with_ratio(ratio)?,
                delegates: pb.delegates.clone(),
            })),
        };
        Some(Sampling {
            kind,
            excluded_routes: self.excluded_routes.clone(),
            arithmetic: self.arithmetic,
            state: None,
        })
    }

    /// A copy whose [`into_sampler`](Self::into_sampler) is changed through the returned
    /// [`SamplerControl`], which starts at this preset's ratio (0 for the presets without
    /// one; the trace-everything override applies to every preset). Every sampler built
    /// from the copy reads the same handle. The [`SamplerControl`] docs have an example.
    pub fn controlled(&self) -> (Sampling, SamplerControl) {
        let state = self.new_state(self.arithmetic);
        let mut controlled = self.clone();
        controlled.state = Some(Arc::clone(&state));
        (controlled, SamplerControl::new(state))
    }
}

/// The fallback sampler, as [`Sampling::FALLBACK_RATIO`] describes it.
fn fallback_sampler() -> Box<dyn ShouldSample> {
    Sampling::ratio(Sampling::FALLBACK_RATIO).into_sampler()
}

/// The sampler for `Kind::JaegerRemote`: the remote sampler, or the fallback with one
/// warning when it cannot be built.
fn remote_or_fallback(remote: &JaegerRemote, parent_based: bool) -> Box<dyn ShouldSample> {
    let name = if parent_based {
        "parentbased_jaeger_remote"
    } else {
        "jaeger_remote"
    };
    #[cfg(feature = "jaeger-remote")]
    let why = match crate::jaeger_remote::poller::build(remote, parent_based) {
        Ok(sampler) => return sampler,
        Err(why) => why,
    };
    #[cfg(not(feature = "jaeger-remote"))]
    let why = {
        let _ = remote;
        "otel-kit-sampling was built without its `jaeger-remote` feature".to_owned()
    };
    cannot_build(name, &why)
}

/// The sampler for `Kind::Xray`: the remote sampler, or the fallback with one warning
/// when it cannot be built.
fn xray_or_fallback(remote: &XrayRemote) -> Box<dyn ShouldSample> {
    #[cfg(feature = "xray-remote")]
    let why = match crate::xray::poller::build(remote) {
        Ok(sampler) => return sampler,
        Err(why) => why,
    };
    #[cfg(not(feature = "xray-remote"))]
    let why = {
        let _ = remote;
        "otel-kit-sampling was built without its `xray-remote` feature".to_owned()
    };
    cannot_build("xray", &why)
}

/// The fallback sampler, after one warning saying why the sampler `name` was not built.
fn cannot_build(name: &str, why: &str) -> Box<dyn ShouldSample> {
    tracing::warn!(
        "sampler {name} cannot be built: {why}; sampling parentbased_traceidratio({}) instead",
        Sampling::FALLBACK_RATIO
    );
    fallback_sampler()
}
