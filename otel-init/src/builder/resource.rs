//! The builder's resource methods: `service.name`, `service.version`, the detectors to
//! run and any other resource attribute, laid over `OTEL_RESOURCE_*` in `init()`.

use opentelemetry::KeyValue;
use otel_kit_semconv::resource::DEPLOYMENT_ENVIRONMENT_NAME;

use super::Builder;

impl Builder {
    /// `service.name`, used when `OTEL_SERVICE_NAME` (and `service.name` in
    /// `OTEL_RESOURCE_ATTRIBUTES`) are unset: operators rename services, code does not.
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.resource = self.resource.service_name(name);
        self
    }

    /// `service.version`; [`service_version!`](crate::service_version) gives the
    /// calling crate's version.
    pub fn service_version(mut self, version: impl Into<String>) -> Self {
        self.resource = self.resource.service_version(version);
        self
    }

    /// `service.version` unless `OTEL_RESOURCE_ATTRIBUTES` gives one: the application's
    /// own Cargo version, as [`builder!`](crate::builder!) and [`init!`](crate::init!)
    /// give it. [`service_version`](Self::service_version) wins over both.
    pub fn default_service_version(mut self, version: impl Into<String>) -> Self {
        self.resource = self.resource.default_service_version(version);
        self
    }

    /// The cloud detectors to run, instead of those `OTEL_RESOURCE_DETECTORS` names (by
    /// default all but `gcp_gke`, and off Linux all but the VM detectors too:
    /// [`CloudDetector::defaults`](otel_kit_resource::CloudDetector::defaults)); an empty
    /// list turns cloud detection off.
    ///
    /// ```
    /// use otel_kit_resource::CloudDetector;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .exporter(otel_kit_init::Exporter::None)
    ///     .environment(|k| (k == "AWS_LAMBDA_FUNCTION_NAME").then(|| "checkout".to_owned()))
    ///     .cloud_detectors([CloudDetector::AwsLambda])
    ///     .init()?;
    /// let platform = telemetry.resource().get(&opentelemetry::Key::from_static_str("cloud.platform"));
    /// assert_eq!(platform, Some(opentelemetry::Value::from("aws_lambda")));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn cloud_detectors(
        mut self,
        detectors: impl IntoIterator<Item = otel_kit_resource::CloudDetector>,
    ) -> Self {
        self.resource = self.resource.cloud_detectors(detectors);
        self
    }

    /// Adds a resource detector (any `opentelemetry_sdk::resource::ResourceDetector`),
    /// run after the kit's own; code values and `OTEL_RESOURCE_ATTRIBUTES` win over it.
    pub fn resource_detector(
        mut self,
        detector: impl opentelemetry_sdk::resource::ResourceDetector + Send + Sync + 'static,
    ) -> Self {
        self.resource = self.resource.detector(detector);
        self
    }

    /// `deployment.environment.name` (`production`, `staging`, ...).
    pub fn deployment_environment(self, name: impl Into<String>) -> Self {
        self.resource_attribute(KeyValue::new(DEPLOYMENT_ENVIRONMENT_NAME, name.into()))
    }

    /// Any other resource attribute; code wins over `OTEL_RESOURCE_ATTRIBUTES`.
    pub fn resource_attribute(mut self, attribute: KeyValue) -> Self {
        // The last value set for a key wins when the resource is built.
        self.resource = self.resource.attribute(attribute);
        self
    }
}
