//! [`JaegerRemote`]: where a Jaeger remote sampler fetches its strategy, how often, and
//! what it samples before the first strategy arrives; the [`Sampling`] constructors that
//! take it, and the fallback used when it cannot be built.

pub(crate) mod arg;
#[cfg(feature = "jaeger-remote")]
pub(crate) mod client;
#[cfg(feature = "jaeger-remote")]
pub(crate) mod poller;
#[cfg(feature = "jaeger-remote")]
pub(crate) mod strategy;

use std::fmt;
use std::time::Duration;

use otel_kit_core::__private::printable_endpoint::printable_endpoint;

use crate::preset::{JaegerRemote, Kind, Sampling};

impl JaegerRemote {
    /// The endpoint `OTEL_TRACES_SAMPLER_ARG` uses when it names none, as the
    /// specification's example and the other SDKs do. That port is the Jaeger
    /// collector's gRPC one; this sampler speaks HTTP, so name an HTTP endpoint
    /// (`http://<agent>:5778`) in practice.
    pub const DEFAULT_ENDPOINT: &'static str = "http://localhost:14250";
    /// How often the strategy is fetched unless set: 60 seconds, as the other SDKs.
    pub const DEFAULT_POLLING_INTERVAL: Duration = Duration::from_secs(60);
    /// The ratio sampled until the first strategy arrives unless set: 0.001, the other
    /// SDKs' `initialSamplingRate`.
    pub const DEFAULT_INITIAL_RATIO: f64 = 0.001;
    /// The longest a fetch may take, connection and whole response included; a shorter
    /// polling interval shortens it to the interval.
    pub const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

    /// The shortest polling interval the environment or a configuration file may set: a
    /// shorter one is raised to it, with a warning. At 1 ms the sampler would open about
    /// a thousand connections a second, and their `TIME_WAIT` sockets would take the
    /// ephemeral ports the service's own calls need.
    ///
    /// ```
    /// use std::time::Duration;
    /// use otel_kit_sampling::{JaegerRemote, from_env_values};
    ///
    /// let (sampling, warnings) = from_env_values(
    ///     Some("jaeger_remote"),
    ///     Some("endpoint=http://agent:5778,pollingIntervalMs=1"),
    /// );
    /// assert!(sampling.to_string().contains("pollingIntervalMs=1000"), "{sampling}");
    /// assert_eq!(warnings.len(), 1, "{warnings:?}");
    /// assert!(warnings[0].contains("under the 1000 ms floor"), "{warnings:?}");
    /// assert_eq!(JaegerRemote::MIN_POLLING_INTERVAL, Duration::from_secs(1));
    /// ```
    pub const MIN_POLLING_INTERVAL: Duration = Duration::from_secs(1);
    /// The largest strategy response read; a longer one is refused and the last good
    /// strategy stays.
    pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

    /// A remote sampler polling `endpoint` every
    /// [`DEFAULT_POLLING_INTERVAL`](Self::DEFAULT_POLLING_INTERVAL), sampling
    /// `traceidratio(`[`DEFAULT_INITIAL_RATIO`](Self::DEFAULT_INITIAL_RATIO)`)` until its
    /// first strategy arrives.
    ///
    /// ```
    /// use otel_kit_sampling::JaegerRemote;
    ///
    /// let remote = JaegerRemote::new("http://localhost:5778/sampling");
    /// assert_eq!(remote.polling_interval_value(), JaegerRemote::DEFAULT_POLLING_INTERVAL);
    /// assert_eq!(remote.initial().to_string(), "traceidratio(0.001)");
    /// ```
    pub fn new(endpoint: impl Into<String>) -> Self {
        JaegerRemote {
            endpoint: endpoint.into(),
            polling_interval: Self::DEFAULT_POLLING_INTERVAL,
            initial: Box::new(Sampling::from_kind(Kind::TraceIdRatio(
                Self::DEFAULT_INITIAL_RATIO,
            ))),
            service_name: None,
        }
    }

    /// How often the strategy is fetched, as given: code decides (a test may poll every
    /// 200 ms). A zero interval is reported by [`Sampling::validate`]. The interval an
    /// operator sets, `pollingIntervalMs` in `OTEL_TRACES_SAMPLER_ARG` or a configuration
    /// file's `interval`, is raised to
    /// [`MIN_POLLING_INTERVAL`](Self::MIN_POLLING_INTERVAL) with a warning.
    ///
    /// ```
    /// use std::time::Duration;
    /// use otel_kit_sampling::JaegerRemote;
    ///
    /// let remote = JaegerRemote::new("http://localhost:5778").polling_interval(Duration::from_secs(5));
    /// assert_eq!(remote.polling_interval_value(), Duration::from_secs(5));
    /// ```
    pub fn polling_interval(mut self, interval: Duration) -> Self {
        self.polling_interval = interval;
        self
    }

    /// What is sampled until the first strategy arrives (route exclusion on it is
    /// ignored: set it on the outer [`Sampling`]).
    ///
    /// ```
    /// use otel_kit_sampling::{JaegerRemote, Sampling};
    ///
    /// let remote = JaegerRemote::new("http://localhost:5778").initial_sampling(Sampling::always_off());
    /// assert_eq!(remote.initial(), &Sampling::always_off());
    /// ```
    pub fn initial_sampling(mut self, initial: Sampling) -> Self {
        self.initial = Box::new(initial);
        self
    }

    /// The service name sent as `?service=`. `init()` sets the `service.name` of the
    /// resource it builds; without it, the name is the SDK's default resource's (from
    /// `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, else `unknown_service:<exe>`).
    ///
    /// ```
    /// use otel_kit_sampling::JaegerRemote;
    ///
    /// let remote = JaegerRemote::new("http://localhost:5778").service_name("checkout");
    /// assert_eq!(remote.service_name_value(), Some("checkout"));
    /// ```
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }

    /// The endpoint as given.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The polling interval.
    pub fn polling_interval_value(&self) -> Duration {
        self.polling_interval
    }

    /// The sampling used until the first strategy arrives.
    pub fn initial(&self) -> &Sampling {
        &self.initial
    }

    /// The service name set, if any.
    pub fn service_name_value(&self) -> Option<&str> {
        self.service_name.as_deref()
    }

    /// The URL polled: the endpoint, with `/sampling` when it has no path. `Err` says
    /// what is wrong with the endpoint.
    pub(crate) fn strategies_url(&self) -> Result<http::Uri, String> {
        let uri = crate::remote::url::plain_http(&self.endpoint, "the sampler adds ?service= itself")?;
        if matches!(uri.path(), "" | "/") {
            return crate::remote::url::with_path(&uri, "/sampling", &self.endpoint);
        }
        Ok(uri)
    }

    /// The fetch deadline: [`FETCH_TIMEOUT`](Self::FETCH_TIMEOUT), or the polling
    /// interval when shorter.
    #[cfg(feature = "jaeger-remote")]
    pub(crate) fn fetch_timeout(&self) -> Duration {
        Self::FETCH_TIMEOUT.min(self.polling_interval)
    }
}

impl Sampling {
    /// The ratio used when a sampler the kit knows cannot be built: a Jaeger remote
    /// sampler without the `jaeger-remote` feature, an X-Ray one without the
    /// `xray-remote` feature, or either with an unusable endpoint. It is applied as
    /// `parentbased_traceidratio(0.001)`.
    ///
    /// Why 0.001: it is what a working Jaeger remote sampler samples before its first
    /// strategy arrives (the other SDKs' default `initialSamplingRate`), so a service
    /// whose central sampler is out of reach costs what it would while that sampler
    /// starts, never the 100% of `parentbased_always_on`. Parent-based, so traces begun
    /// by callers stay whole.
    ///
    /// ```
    /// use otel_kit_sampling::{Sampling, XrayRemote};
    ///
    /// assert_eq!(Sampling::ratio(Sampling::FALLBACK_RATIO).to_string(), "parentbased_traceidratio(0.001)");
    /// // Not a URL: `validate` says so, and `into_sampler` samples the fallback.
    /// let unusable = Sampling::xray(XrayRemote::new("xray-daemon:2000"));
    /// assert!(unusable.validate().is_err());
    /// # drop(unusable.into_sampler());
    /// ```
    pub const FALLBACK_RATIO: f64 = 0.001;

    /// Samples by the strategy a Jaeger remote sampling endpoint serves for this service,
    /// for every span, parent or not (`jaeger_remote`). Probabilistic, rate-limiting and
    /// per-operation strategies are followed; the strategy is fetched at start and again every
    /// polling interval, and a fetch that fails (refused, timed out, not 200, not a usable
    /// strategy, longer than [`JaegerRemote::MAX_RESPONSE_BYTES`]) keeps the last good
    /// strategy, or the initial sampling before the first.
    ///
    /// Needs the `jaeger-remote` feature. Without it, [`into_sampler`](Self::into_sampler)
    /// logs one warning and samples
    /// `parentbased_traceidratio(`[`FALLBACK_RATIO`](Self::FALLBACK_RATIO)`)`.
    ///
    /// ```
    /// use otel_kit_sampling::{JaegerRemote, Sampling};
    ///
    /// let sampling = Sampling::jaeger_remote(JaegerRemote::new("http://localhost:5778"));
    /// assert!(sampling.to_string().starts_with("jaeger_remote(endpoint=http://localhost:5778"));
    /// ```
    pub fn jaeger_remote(remote: JaegerRemote) -> Self {
        Self::from_kind(Kind::JaegerRemote {
            remote,
            parent_based: false,
        })
    }

    /// As [`jaeger_remote`](Self::jaeger_remote) for roots; children follow their parent
    /// (`parentbased_jaeger_remote`).
    ///
    /// ```
    /// use otel_kit_sampling::{JaegerRemote, Sampling};
    ///
    /// let sampling = Sampling::parent_based_jaeger_remote(JaegerRemote::new("http://localhost:5778"));
    /// assert!(sampling.to_string().starts_with("parentbased_jaeger_remote("));
    /// ```
    pub fn parent_based_jaeger_remote(remote: JaegerRemote) -> Self {
        Self::from_kind(Kind::JaegerRemote {
            remote,
            parent_based: true,
        })
    }

    /// Gives a Jaeger remote sampler without a service name the `service.name` of
    /// `resource` (otel-kit-init passes the resource it builds), and an X-Ray one without
    /// a resource the resource ([`XrayRemote::resource`](crate::XrayRemote::resource));
    /// other presets, and remote samplers that have theirs already, are returned
    /// unchanged.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    /// use opentelemetry_sdk::Resource;
    /// use otel_kit_sampling::{JaegerRemote, Sampling};
    ///
    /// let resource = Resource::builder_empty()
    ///     .with_attribute(KeyValue::new("service.name", "payments"))
    ///     .build();
    /// let sampling = Sampling::jaeger_remote(JaegerRemote::new("http://jaeger-agent:5778"))
    ///     .with_service_name_of(&resource);
    /// // Its sampler polls `GET http://jaeger-agent:5778/sampling?service=payments`.
    /// # drop(sampling);
    /// ```
    pub fn with_service_name_of(mut self, resource: &opentelemetry_sdk::Resource) -> Self {
        if let Kind::JaegerRemote { remote, .. } = &mut self.kind
            && remote.service_name.is_none()
        {
            let key = opentelemetry::Key::from_static_str(otel_kit_semconv::resource::SERVICE_NAME);
            remote.service_name = resource.get(&key).map(|name| name.to_string());
        }
        if let Kind::Xray(remote) = &mut self.kind
            && remote.resource.is_none()
        {
            remote.resource = Some(crate::xray::remote::XrayResource::of(resource));
        }
        self
    }
}

impl fmt::Display for JaegerRemote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "endpoint={}, pollingIntervalMs={}, initial={}",
            printable_endpoint(&self.endpoint),
            self.polling_interval.as_millis(),
            self.initial
        )
    }
}
