//! [`ResourceOptions`]: what the code and the environment say about the service.

use opentelemetry::KeyValue;

use crate::cloud::CloudDetector;

/// What the code and the environment say about the service; detection adds the rest
/// (see the [crate docs](crate) for the precedence).
///
/// The environment's values come in already read (otel-kit-init reads them), through [`env_service_name`](Self::env_service_name) and
/// [`env_resource_attributes`](Self::env_resource_attributes).
///
/// ```
/// use opentelemetry::KeyValue;
/// use otel_kit_resource::ResourceOptions;
///
/// let options = ResourceOptions::new()
///     .service_name("checkout")
///     .attribute(KeyValue::new("service.namespace", "shop"))
///     .env_service_name(Some("checkout-canary".to_owned()));
/// // The environment renames the service (see the precedence table).
/// assert!(format!("{options:?}").contains("checkout-canary"));
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ResourceOptions {
    pub(crate) service_name: Option<String>,
    pub(crate) service_version: Option<String>,
    pub(crate) default_service_version: Option<String>,
    pub(crate) deployment_environment: Option<String>,
    pub(crate) attributes: Vec<KeyValue>,
    pub(crate) env_service_name: Option<String>,
    pub(crate) env_resource_attributes: Vec<(String, String)>,
    /// The cloud detectors chosen in code; `None`: `OTEL_RESOURCE_DETECTORS`, else the
    /// defaults.
    pub(crate) cloud_detectors: Option<Vec<CloudDetector>>,
    /// Detectors given as values, run after the kit's own.
    pub(crate) detectors: Vec<SharedDetector>,
}

/// A resource detector given in code, shared by every clone of the options.
#[derive(Clone)]
pub(crate) struct SharedDetector(
    pub(crate) std::sync::Arc<dyn opentelemetry_sdk::resource::ResourceDetector + Send + Sync>,
);

impl std::fmt::Debug for SharedDetector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResourceDetector")
    }
}

impl ResourceOptions {
    /// Nothing set: the resource is detection plus defaults.
    ///
    /// ```
    /// use opentelemetry::{Key, KeyValue, Value};
    /// use otel_kit_semconv::resource::*;
    /// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
    /// let build = |o: &ResourceOptions| build_resource(o, &Detection::new(|_| None, "/nonexistent")).0;
    /// let get = |r: &opentelemetry_sdk::Resource, k: &'static str| r.get(&Key::from_static_str(k));
    /// let resource = build(&ResourceOptions::new());
    /// assert!(get(&resource, SERVICE_INSTANCE_ID).is_some());
    /// assert_eq!(get(&resource, TELEMETRY_DISTRO_NAME), Some(Value::from("otel-kit")));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// `service.name` from code; `OTEL_SERVICE_NAME` and `service.name` in
    /// `OTEL_RESOURCE_ATTRIBUTES` override it.
    ///
    /// ```
    /// use opentelemetry::{Key, KeyValue, Value};
    /// use otel_kit_semconv::resource::*;
    /// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
    /// let build = |o: &ResourceOptions| build_resource(o, &Detection::new(|_| None, "/nonexistent")).0;
    /// let get = |r: &opentelemetry_sdk::Resource, k: &'static str| r.get(&Key::from_static_str(k));
    /// let options = ResourceOptions::new().service_name("checkout");
    /// assert_eq!(get(&build(&options), SERVICE_NAME), Some(Value::from("checkout")));
    /// let renamed = options.env_resource_attributes([("service.name".to_owned(), "from-env".to_owned())]);
    /// assert_eq!(get(&build(&renamed), SERVICE_NAME), Some(Value::from("from-env")));
    /// ```
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }

    /// `service.version`, typically the application's `env!("CARGO_PKG_VERSION")`.
    ///
    /// ```
    /// use opentelemetry::{Key, KeyValue, Value};
    /// use otel_kit_semconv::resource::*;
    /// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
    /// let build = |o: &ResourceOptions| build_resource(o, &Detection::new(|_| None, "/nonexistent")).0;
    /// let get = |r: &opentelemetry_sdk::Resource, k: &'static str| r.get(&Key::from_static_str(k));
    /// let options = ResourceOptions::new().service_version(env!("CARGO_PKG_VERSION"));
    /// assert_eq!(get(&build(&options), SERVICE_VERSION), Some(Value::from(env!("CARGO_PKG_VERSION"))));
    /// ```
    pub fn service_version(mut self, version: impl Into<String>) -> Self {
        self.service_version = Some(version.into());
        self
    }

    /// The cloud detectors to run (see [`CloudDetector`]), instead of those
    /// `OTEL_RESOURCE_DETECTORS` names (by default all but `gcp_gke`); none for an empty
    /// list.
    pub fn cloud_detectors(mut self, detectors: impl IntoIterator<Item = CloudDetector>) -> Self {
        self.cloud_detectors = Some(detectors.into_iter().collect());
        self
    }

    /// Adds a resource detector (any `opentelemetry_sdk::resource::ResourceDetector`): it
    /// runs after the kit's own detection, so its attributes win over detected ones, and
    /// code values and `OTEL_RESOURCE_ATTRIBUTES` win over it.
    ///
    /// ```
    /// use opentelemetry::{Key, KeyValue, Value};
    /// use opentelemetry_sdk::Resource;
    /// use opentelemetry_sdk::resource::ResourceDetector;
    /// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
    ///
    /// #[derive(Debug)]
    /// struct Datacenter;
    /// impl ResourceDetector for Datacenter {
    ///     fn detect(&self) -> Resource {
    ///         Resource::builder_empty().with_attribute(KeyValue::new("datacenter", "fra-2")).build()
    ///     }
    /// }
    /// let options = ResourceOptions::new().service_name("svc").detector(Datacenter);
    /// let (resource, _) = build_resource(&options, &Detection::new(|_| None, "/nonexistent"));
    /// assert_eq!(resource.get(&Key::from_static_str("datacenter")), Some(Value::from("fra-2")));
    /// ```
    pub fn detector(
        mut self,
        detector: impl opentelemetry_sdk::resource::ResourceDetector + Send + Sync + 'static,
    ) -> Self {
        self.detectors.push(SharedDetector(std::sync::Arc::new(detector)));
        self
    }

    /// `service.version` unless `OTEL_RESOURCE_ATTRIBUTES` gives one: the application's
    /// own Cargo version, which a deployment may override (otel-kit-init's `init!` and
    /// `builder!` macros give it). [`service_version`](Self::service_version)
    /// wins over both.
    ///
    /// ```
    /// use opentelemetry::{Key, Value};
    /// use otel_kit_semconv::resource::SERVICE_VERSION;
    /// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
    /// let version = |o: &ResourceOptions| {
    ///     build_resource(o, &Detection::new(|_| None, "/nonexistent")).0.get(&Key::from_static_str(SERVICE_VERSION))
    /// };
    /// let options = ResourceOptions::new().default_service_version("1.4.2");
    /// assert_eq!(version(&options), Some(Value::from("1.4.2")));
    /// let deployed = options.env_resource_attributes([("service.version".to_owned(), "1.4.2-hotfix".to_owned())]);
    /// assert_eq!(version(&deployed), Some(Value::from("1.4.2-hotfix")));
    /// ```
    pub fn default_service_version(mut self, version: impl Into<String>) -> Self {
        self.default_service_version = Some(version.into());
        self
    }

    /// `deployment.environment.name` (`production`, `staging`, ...). Never detected:
    /// absent unless set here or in `OTEL_RESOURCE_ATTRIBUTES`.
    ///
    /// ```
    /// use opentelemetry::{Key, KeyValue, Value};
    /// use otel_kit_semconv::resource::*;
    /// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
    /// let build = |o: &ResourceOptions| build_resource(o, &Detection::new(|_| None, "/nonexistent")).0;
    /// let get = |r: &opentelemetry_sdk::Resource, k: &'static str| r.get(&Key::from_static_str(k));
    /// assert_eq!(get(&build(&ResourceOptions::new()), DEPLOYMENT_ENVIRONMENT_NAME), None);
    /// let options = ResourceOptions::new().deployment_environment("staging");
    /// assert_eq!(get(&build(&options), DEPLOYMENT_ENVIRONMENT_NAME), Some(Value::from("staging")));
    /// ```
    pub fn deployment_environment(mut self, name: impl Into<String>) -> Self {
        self.deployment_environment = Some(name.into());
        self
    }

    /// One more attribute from code; it wins over the environment and detection, and
    /// keeps its type.
    ///
    /// ```
    /// use opentelemetry::{Key, KeyValue, Value};
    /// use otel_kit_semconv::resource::*;
    /// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
    /// let build = |o: &ResourceOptions| build_resource(o, &Detection::new(|_| None, "/nonexistent")).0;
    /// let get = |r: &opentelemetry_sdk::Resource, k: &'static str| r.get(&Key::from_static_str(k));
    /// let options = ResourceOptions::new()
    ///     .env_resource_attributes([("shard".to_owned(), "7".to_owned())])
    ///     .attribute(KeyValue::new("shard", 3_i64));
    /// assert_eq!(get(&build(&options), "shard"), Some(Value::I64(3)));
    /// ```
    pub fn attribute(mut self, attribute: KeyValue) -> Self {
        self.attributes.push(attribute);
        self
    }

    /// The service name set in code ([`service_name`](Self::service_name)), if any.
    ///
    /// ```
    /// use otel_kit_resource::ResourceOptions;
    /// assert_eq!(ResourceOptions::new().service_name("checkout").code_service_name(), Some("checkout"));
    /// ```
    pub fn code_service_name(&self) -> Option<&str> {
        self.service_name.as_deref()
    }

    /// More attributes from code, as [`attribute`](Self::attribute).
    ///
    /// ```
    /// use opentelemetry::{Key, KeyValue, Value};
    /// use otel_kit_semconv::resource::*;
    /// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
    /// let build = |o: &ResourceOptions| build_resource(o, &Detection::new(|_| None, "/nonexistent")).0;
    /// let get = |r: &opentelemetry_sdk::Resource, k: &'static str| r.get(&Key::from_static_str(k));
    /// let options = ResourceOptions::new()
    ///     .attributes([KeyValue::new(SERVICE_NAMESPACE, "shop"), KeyValue::new("team", "payments")]);
    /// let resource = build(&options);
    /// assert_eq!(get(&resource, SERVICE_NAMESPACE), Some(Value::from("shop")));
    /// assert_eq!(get(&resource, "team"), Some(Value::from("payments")));
    /// ```
    pub fn attributes(mut self, attributes: impl IntoIterator<Item = KeyValue>) -> Self {
        self.attributes.extend(attributes);
        self
    }

    /// The value of `OTEL_SERVICE_NAME` (`None` when unset); it wins over every other
    /// source of `service.name`.
    ///
    /// ```
    /// use opentelemetry::{Key, KeyValue, Value};
    /// use otel_kit_semconv::resource::*;
    /// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
    /// let build = |o: &ResourceOptions| build_resource(o, &Detection::new(|_| None, "/nonexistent")).0;
    /// let get = |r: &opentelemetry_sdk::Resource, k: &'static str| r.get(&Key::from_static_str(k));
    /// let options = ResourceOptions::new()
    ///     .service_name("in-code")
    ///     .env_service_name(Some("from-env".to_owned()));
    /// assert_eq!(get(&build(&options), SERVICE_NAME), Some(Value::from("from-env")));
    /// ```
    pub fn env_service_name(mut self, name: Option<String>) -> Self {
        self.env_service_name = name;
        self
    }

    /// The decoded entries of `OTEL_RESOURCE_ATTRIBUTES`, in order: they override
    /// detected values, and code overrides them.
    ///
    /// ```
    /// use opentelemetry::{Key, KeyValue, Value};
    /// use otel_kit_semconv::resource::*;
    /// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
    /// let build = |o: &ResourceOptions| build_resource(o, &Detection::new(|_| None, "/nonexistent")).0;
    /// let get = |r: &opentelemetry_sdk::Resource, k: &'static str| r.get(&Key::from_static_str(k));
    /// let options = ResourceOptions::new()
    ///     .env_resource_attributes([("host.name".to_owned(), "edge-1".to_owned())]);
    /// assert_eq!(get(&build(&options), HOST_NAME), Some(Value::from("edge-1")));
    /// ```
    pub fn env_resource_attributes(mut self, entries: impl IntoIterator<Item = (String, String)>) -> Self {
        self.env_resource_attributes = entries.into_iter().collect();
        self
    }
}
