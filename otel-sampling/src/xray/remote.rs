//! [`XrayRemote`]: where an AWS X-Ray remote sampler asks for its sampling rules and
//! targets, how often, and the resource its rules match. [`Sampling::xray`] takes it
//! (`preset.rs`).
//!
//! [`Sampling::xray`]: crate::Sampling::xray

use std::fmt;
use std::time::Duration;

use opentelemetry::Key;
use opentelemetry_sdk::Resource;
use otel_kit_core::__private::printable_endpoint::printable_endpoint;
use otel_kit_semconv::resource::{AWS_ECS_CONTAINER_ARN, CLOUD_PLATFORM, CLOUD_RESOURCE_ID, SERVICE_NAME};

/// Where an AWS X-Ray remote sampler gets its sampling rules and targets, and how often:
/// the argument of [`Sampling::xray`](crate::Sampling::xray).
///
/// The sampler speaks the X-Ray sampling API as the X-Ray daemon and the OpenTelemetry
/// Collector's `awsproxy` extension serve it (both on port 2000, signing the calls to
/// X-Ray for the service): `POST <endpoint>/GetSamplingRules` every polling interval, and
/// `POST <endpoint>/SamplingTargets` with the statistics of the rules in use every
/// targets interval (10 seconds, or the `Interval` X-Ray asks for). Plain `http://` only.
///
/// ```
/// use std::time::Duration;
/// use otel_kit_sampling::{Sampling, XrayRemote};
///
/// let remote = XrayRemote::new("http://xray-daemon:2000").polling_interval(Duration::from_secs(60));
/// let sampling = Sampling::xray(remote);
/// sampling.validate()?;
/// assert_eq!(sampling.to_string(), "xray(endpoint=http://xray-daemon:2000, polling_interval=60)");
/// # Ok::<(), otel_kit_sampling::SamplingError>(())
/// ```
#[derive(Clone, PartialEq)]
#[must_use]
pub struct XrayRemote {
    pub(crate) endpoint: String,
    pub(crate) polling_interval: Duration,
    pub(crate) targets_interval: Duration,
    /// Set from the resource `init()` builds, or given in code; otherwise read from the
    /// environment's resource when the sampler is built.
    pub(crate) resource: Option<XrayResource>,
}

/// The endpoint masked, as every printed endpoint is: it may carry credentials.
impl std::fmt::Debug for XrayRemote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XrayRemote")
            .field(
                "endpoint",
                &otel_kit_core::__private::printable_endpoint::printable_endpoint(&self.endpoint),
            )
            .field("polling_interval", &self.polling_interval)
            .field("targets_interval", &self.targets_interval)
            .field("resource", &self.resource)
            .finish()
    }
}

/// What of the resource a rule's `ServiceName`, `ServiceType` and `ResourceARN` match.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct XrayResource {
    pub(crate) service_name: Option<String>,
    pub(crate) cloud_platform: Option<String>,
    pub(crate) ecs_container_arn: Option<String>,
    pub(crate) cloud_resource_id: Option<String>,
    /// `faas.id`, which the semantic conventions replaced by `cloud.resource_id`; AWS's
    /// Lambda resources and samplers still use it.
    pub(crate) faas_id: Option<String>,
}

/// `faas.id`: no longer in the semantic conventions, so not in otel-kit-semconv.
pub(crate) const FAAS_ID: &str = "faas.id";

impl XrayResource {
    pub(crate) fn of(resource: &Resource) -> Self {
        let get = |key: &'static str| resource.get(&Key::from_static_str(key)).map(|v| v.to_string());
        XrayResource {
            service_name: get(SERVICE_NAME),
            cloud_platform: get(CLOUD_PLATFORM),
            ecs_container_arn: get(AWS_ECS_CONTAINER_ARN),
            cloud_resource_id: get(CLOUD_RESOURCE_ID),
            faas_id: get(FAAS_ID),
        }
    }
}

impl XrayRemote {
    /// The endpoint unless one is given: the X-Ray daemon's and the `awsproxy`
    /// extension's address, as AWS's samplers default to.
    pub const DEFAULT_ENDPOINT: &'static str = "http://127.0.0.1:2000";
    /// How often the rules are fetched unless set: 5 minutes (plus up to 1% of jitter, so
    /// that a fleet started at once does not poll at once), as AWS's samplers.
    pub const DEFAULT_POLLING_INTERVAL: Duration = Duration::from_secs(300);
    /// How often the statistics are sent and targets asked for unless set: 10 seconds, as
    /// X-Ray expects; X-Ray may ask for another interval in its answer.
    pub const DEFAULT_TARGETS_INTERVAL: Duration = Duration::from_secs(10);
    /// The shortest rules polling interval the environment may set: a shorter one gets
    /// the default instead, with a warning, as AWS's Python sampler does (X-Ray's
    /// `GetSamplingRules` has a low request quota per account).
    pub const MIN_ENV_POLLING_INTERVAL: Duration = Duration::from_secs(10);
    /// The longest rules polling interval the environment may set (a day): a longer one
    /// gets the default instead, with a warning. Rules left a day unread are stale, and
    /// a value near `u64::MAX` seconds is past what the clock can add.
    pub const MAX_ENV_POLLING_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);
    /// The longest one fetch (rules with all their pages, or targets) may take,
    /// connection and whole responses included; a shorter interval shortens it to the
    /// interval.
    pub const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
    /// The largest response read; a longer one is refused and what the sampler had stays.
    pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

    /// A sampler asking `endpoint` for rules every
    /// [`DEFAULT_POLLING_INTERVAL`](Self::DEFAULT_POLLING_INTERVAL) and for targets every
    /// [`DEFAULT_TARGETS_INTERVAL`](Self::DEFAULT_TARGETS_INTERVAL).
    ///
    /// ```
    /// use otel_kit_sampling::XrayRemote;
    ///
    /// let remote = XrayRemote::new("http://localhost:2000");
    /// assert_eq!(remote.polling_interval_value(), XrayRemote::DEFAULT_POLLING_INTERVAL);
    /// assert_eq!(remote.targets_interval_value(), XrayRemote::DEFAULT_TARGETS_INTERVAL);
    /// ```
    pub fn new(endpoint: impl Into<String>) -> Self {
        XrayRemote {
            endpoint: endpoint.into(),
            polling_interval: Self::DEFAULT_POLLING_INTERVAL,
            targets_interval: Self::DEFAULT_TARGETS_INTERVAL,
            resource: None,
        }
    }

    /// How often the rules are fetched, as given: code decides (a test may poll every
    /// 200 ms; an interval over a year, `Duration::MAX` included, waits a year). A zero
    /// interval is reported by [`Sampling::validate`](crate::Sampling::validate).
    ///
    /// ```
    /// use std::time::Duration;
    /// use otel_kit_sampling::XrayRemote;
    ///
    /// let remote = XrayRemote::new("http://localhost:2000").polling_interval(Duration::from_secs(60));
    /// assert_eq!(remote.polling_interval_value(), Duration::from_secs(60));
    /// ```
    pub fn polling_interval(mut self, interval: Duration) -> Self {
        self.polling_interval = interval;
        self
    }

    /// How often the statistics are sent and targets asked for until X-Ray names another
    /// interval (its targets' `Interval`). A zero interval is reported by
    /// [`Sampling::validate`](crate::Sampling::validate).
    ///
    /// ```
    /// use std::time::Duration;
    /// use otel_kit_sampling::XrayRemote;
    ///
    /// let remote = XrayRemote::new("http://localhost:2000").targets_interval(Duration::from_secs(20));
    /// assert_eq!(remote.targets_interval_value(), Duration::from_secs(20));
    /// ```
    pub fn targets_interval(mut self, interval: Duration) -> Self {
        self.targets_interval = interval;
        self
    }

    /// The resource the rules match: `service.name` for `ServiceName`, `cloud.platform`
    /// for `ServiceType` (`aws_ec2` is `AWS::EC2::Instance`, ...), and
    /// `aws.ecs.container.arn` (or on Lambda `cloud.resource_id`) for `ResourceARN`.
    /// `init()` gives the resource it builds; without one, the sampler reads the SDK's
    /// default resource (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`) when built.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    /// use opentelemetry_sdk::Resource;
    /// use otel_kit_sampling::XrayRemote;
    ///
    /// let resource = Resource::builder_empty()
    ///     .with_attributes([KeyValue::new("service.name", "checkout"), KeyValue::new("cloud.platform", "aws_ecs")])
    ///     .build();
    /// let remote = XrayRemote::new("http://localhost:2000").resource(&resource);
    /// # drop(remote);
    /// ```
    pub fn resource(mut self, resource: &Resource) -> Self {
        self.resource = Some(XrayResource::of(resource));
        self
    }

    /// The endpoint as given.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The rules polling interval.
    pub fn polling_interval_value(&self) -> Duration {
        self.polling_interval
    }

    /// The targets interval.
    pub fn targets_interval_value(&self) -> Duration {
        self.targets_interval
    }

    /// The URL of `operation` (`GetSamplingRules`, `SamplingTargets`): the endpoint's
    /// path, if any, then the operation. `Err` says what is wrong with the endpoint.
    pub(crate) fn url_of(&self, operation: &str) -> Result<http::Uri, String> {
        let uri = crate::remote::url::plain_http(&self.endpoint, "the X-Ray sampling API takes none")?;
        let path = format!("{}/{operation}", uri.path().trim_end_matches('/'));
        crate::remote::url::with_path(&uri, &path, &self.endpoint)
    }

    /// What is wrong with these settings, if anything.
    pub(crate) fn check(&self) -> Result<(), String> {
        self.url_of("GetSamplingRules")?;
        if self.polling_interval.is_zero() {
            return Err("its polling interval is zero".into());
        }
        if self.targets_interval.is_zero() {
            return Err("its targets interval is zero".into());
        }
        Ok(())
    }
}

impl fmt::Display for XrayRemote {
    /// As `OTEL_TRACES_SAMPLER_ARG` would say it, the endpoint masked; the intervals in
    /// seconds, fractions kept.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "endpoint={}, polling_interval={}",
            printable_endpoint(&self.endpoint),
            self.polling_interval.as_secs_f64()
        )?;
        if self.targets_interval != Self::DEFAULT_TARGETS_INTERVAL {
            write!(f, ", targets_interval={}", self.targets_interval.as_secs_f64())?;
        }
        Ok(())
    }
}
