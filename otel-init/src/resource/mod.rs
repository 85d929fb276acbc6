//! The resource every provider shares: which service sends the telemetry
//! (`service.*`), from where (host, OS, process, container, Kubernetes pod) and through
//! what (`telemetry.*`).
//!
//! ```
//! use opentelemetry::{Key, Value};
//! use opentelemetry_semantic_conventions::resource::{PROCESS_PID, SERVICE_NAME};
//! use otel_kit_init::resource::{Detection, ResourceOptions, build_resource};
//!
//! let options = ResourceOptions::new()
//!     .service_name("checkout")
//!     .service_version(otel_kit_init::service_version!())
//!     .deployment_environment("staging")
//!     // As `ResourceOptions::from_env()` reads OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES.
//!     .env_service_name(None)
//!     .env_resource_attributes([("team".to_owned(), "payments".to_owned())]);
//! let detection = Detection::new(|_| None, "/nonexistent");
//! let (resource, warnings) = build_resource(&options, &detection);
//!
//! assert!(warnings.is_empty());
//! assert_eq!(resource.get(&Key::from_static_str(SERVICE_NAME)), Some(Value::from("checkout")));
//! assert_eq!(resource.get(&Key::from_static_str("team")), Some(Value::from("payments")));
//! assert!(matches!(resource.get(&Key::from_static_str(PROCESS_PID)), Some(Value::I64(_))));
//! ```
//!
//! # Precedence
//!
//! Rank 1 wins. `service.name` is the one attribute where the environment beats code:
//! the spec makes `OTEL_SERVICE_NAME` the way deployers name a service, and platforms
//! (Helm charts, the OpenTelemetry Operator) rename services without a rebuild, so the
//! name in code is the developer's default. For every other attribute a value set in
//! code is deliberate and wins; `OTEL_RESOURCE_ATTRIBUTES` fills in what the code does
//! not say and corrects what detection got wrong.
//!
//! | Rank | `service.name` | Every other attribute |
//! | --- | --- | --- |
//! | 1 | `OTEL_SERVICE_NAME` | [`ResourceOptions::service_version`], [`ResourceOptions::deployment_environment`] |
//! | 2 | `service.name` in `OTEL_RESOURCE_ATTRIBUTES` | [`ResourceOptions::attribute`] / [`attributes`](ResourceOptions::attributes) (the last of a key wins) |
//! | 3 | [`ResourceOptions::service_name`] | `OTEL_RESOURCE_ATTRIBUTES` (the last of a key wins) |
//! | 4 | `service.name` given to [`ResourceOptions::attribute`] | `service.version` from [`ResourceOptions::default_service_version`] (the application's Cargo version, given by [`init!`](crate::init!)) |
//! | 5 | `unknown_service:<executable name>` (the spec default), with a warning | detected, below |
//!
//! Empty values count as unset for `service.name`.
//!
//! # Detected attributes
//!
//! | Attribute | Value | Present |
//! | --- | --- | --- |
//! | `service.instance.id` | a random UUID v4, the same for the whole process | always |
//! | `telemetry.sdk.name`, `.language`, `.version` | `opentelemetry`, `rust`, the linked `opentelemetry_sdk` version | always |
//! | `telemetry.distro.name`, `.version` | `otel-kit`, the `otel-kit-init` version | always |
//! | `host.name` | `/proc/sys/kernel/hostname`, else `HOSTNAME` | when found |
//! | `host.arch` | the target architecture in semconv terms (`amd64`, `arm64`, `arm32`, `x86`, `ppc64`, `s390x`, ...) | always |
//! | `os.type` | `linux`, `darwin`, `windows`, `freebsd`, ... | on a known OS |
//! | `os.description` | `PRETTY_NAME` from `/etc/os-release` (or `/usr/lib/os-release`) | when found |
//! | `process.pid` | integer | always |
//! | `process.executable.name` | base name of the running executable | when known |
//! | `process.runtime.name` | `rust` (no version: a binary cannot know its compiler's without a build script) | always |
//! | `container.id` | `/proc/self/cgroup` (Docker, containerd, CRI-O, podman scopes), else `/proc/self/mountinfo` (cgroup v2) | in a container that exposes it |
//! | `k8s.*` | the table below | in a Kubernetes pod |
//! | `cloud.*`, `faas.*`, `aws.*`, `gcp.*` | the platform's ([`CloudDetector`], docs/configuration.md "Cloud resources") | on AWS Lambda, ECS, EKS, Cloud Run, Cloud Functions, GKE (opt-in), Azure App Service and Functions |
//!
//! `deployment.environment.name` is never guessed: it is present only when set in code
//! or in `OTEL_RESOURCE_ATTRIBUTES`. `process.command_args` and `process.command_line`
//! are left out because command lines carry secrets. Files are read at most a few KB
//! (64 KB for `/proc/self/*`), and odd content yields an absent attribute, never a
//! panic.
//!
//! # Kubernetes
//!
//! Only when `KUBERNETES_SERVICE_HOST` is set (the kubelet sets it in every pod), so a
//! laptop that exports `NODE_NAME` for other reasons does not pass for a pod. There is
//! no standard variable name; the first one set wins.
//!
//! | Attribute | Variables | Fallback |
//! | --- | --- | --- |
//! | `k8s.pod.name` | `K8S_POD_NAME`, `POD_NAME` | |
//! | `k8s.namespace.name` | `K8S_NAMESPACE`, `K8S_POD_NAMESPACE`, `POD_NAMESPACE` | `/var/run/secrets/kubernetes.io/serviceaccount/namespace` |
//! | `k8s.node.name` | `K8S_NODE_NAME`, `NODE_NAME` | |
//! | `k8s.pod.uid` | `K8S_POD_UID`, `POD_UID` | |
//!
//! Expose them with the downward API (or let the OpenTelemetry Operator put them into
//! `OTEL_RESOURCE_ATTRIBUTES`, which is read as well):
//!
//! ```yaml
//! env:
//!   - name: K8S_POD_NAME
//!     valueFrom: { fieldRef: { fieldPath: metadata.name } }
//!   - name: K8S_NAMESPACE
//!     valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
//!   - name: K8S_NODE_NAME
//!     valueFrom: { fieldRef: { fieldPath: spec.nodeName } }
//!   - name: K8S_POD_UID
//!     valueFrom: { fieldRef: { fieldPath: metadata.uid } }
//! ```

mod aws_ecs;
mod cloud;
mod container;
mod detect;
mod from_env;
mod gcp_gke;
mod instance_id;
mod k8s;
mod metadata_get;

pub use cloud::CloudDetector;
pub use detect::Detection;
pub(crate) use from_env::{read_attributes, read_service_name};

use std::collections::HashMap;

use opentelemetry::{Key, KeyValue, Value};
use opentelemetry_sdk::Resource;
use opentelemetry_semantic_conventions::SCHEMA_URL;
use opentelemetry_semantic_conventions::resource::{
    CONTAINER_ID, DEPLOYMENT_ENVIRONMENT_NAME, SERVICE_INSTANCE_ID, SERVICE_NAME, SERVICE_VERSION,
};

/// The variable that chooses the cloud detectors.
pub(crate) const RESOURCE_DETECTORS: &str = "OTEL_RESOURCE_DETECTORS";

/// The calling crate's version (`CARGO_PKG_VERSION`), for
/// [`ResourceOptions::service_version`].
///
/// A macro because `env!` expands where it is written: a function in this crate would
/// report `otel-kit-init`'s version, not the service's.
///
/// ```
/// let version: &str = otel_kit_init::service_version!();
/// assert_eq!(version, env!("CARGO_PKG_VERSION"));
/// ```
#[macro_export]
macro_rules! service_version {
    () => {
        env!("CARGO_PKG_VERSION")
    };
}

/// [`init()`](fn@crate::init) with `service.version` set to the calling crate's Cargo
/// version (`CARGO_PKG_VERSION`), unless `OTEL_RESOURCE_ATTRIBUTES` gives one: what a
/// service's `main` calls.
///
/// ```no_run
/// # fn main() -> Result<(), otel_kit_init::InitError> {
/// let _telemetry = otel_kit_init::init!()?;
/// # Ok(())
/// # }
/// ```
#[macro_export]
macro_rules! init {
    () => {
        $crate::builder!().init()
    };
}

/// [`builder()`](fn@crate::builder) with `service.version` set to the calling crate's
/// Cargo version, unless `OTEL_RESOURCE_ATTRIBUTES` gives one
/// ([`Builder::default_service_version`](crate::Builder::default_service_version)).
///
/// ```
/// let telemetry = otel_kit_init::builder!()
///     .without_globals()
///     .exporter(otel_kit_init::Exporter::None)
///     .init()?;
/// assert_eq!(telemetry.effective_config().service_version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
/// # Ok::<(), otel_kit_init::InitError>(())
/// ```
#[macro_export]
macro_rules! builder {
    () => {
        $crate::builder().default_service_version($crate::service_version!())
    };
}

/// What the code and the environment say about the service; detection adds the rest
/// (see the [module docs](self) for the precedence).
///
/// The environment's values come in through [`from_env`](Self::from_env), or already
/// read through [`env_service_name`](Self::env_service_name) and
/// [`env_resource_attributes`](Self::env_resource_attributes).
///
/// ```
/// use opentelemetry::KeyValue;
/// use otel_kit_init::resource::ResourceOptions;
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
    service_name: Option<String>,
    service_version: Option<String>,
    default_service_version: Option<String>,
    deployment_environment: Option<String>,
    attributes: Vec<KeyValue>,
    env_service_name: Option<String>,
    env_resource_attributes: Vec<(String, String)>,
    /// The cloud detectors chosen in code; `None`: `OTEL_RESOURCE_DETECTORS`, else the
    /// defaults.
    cloud_detectors: Option<Vec<CloudDetector>>,
    /// Detectors given as values, run after the kit's own.
    detectors: Vec<SharedDetector>,
}

/// A resource detector given in code, shared by every clone of the options.
#[derive(Clone)]
struct SharedDetector(std::sync::Arc<dyn opentelemetry_sdk::resource::ResourceDetector + Send + Sync>);

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
    /// use opentelemetry_semantic_conventions::resource::*;
    /// use otel_kit_init::resource::{Detection, ResourceOptions, build_resource};
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
    /// use opentelemetry_semantic_conventions::resource::*;
    /// use otel_kit_init::resource::{Detection, ResourceOptions, build_resource};
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

    /// `service.version`, typically [`service_version!()`](crate::service_version).
    ///
    /// ```
    /// use opentelemetry::{Key, KeyValue, Value};
    /// use opentelemetry_semantic_conventions::resource::*;
    /// use otel_kit_init::resource::{Detection, ResourceOptions, build_resource};
    /// let build = |o: &ResourceOptions| build_resource(o, &Detection::new(|_| None, "/nonexistent")).0;
    /// let get = |r: &opentelemetry_sdk::Resource, k: &'static str| r.get(&Key::from_static_str(k));
    /// let options = ResourceOptions::new().service_version(otel_kit_init::service_version!());
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
    /// use otel_kit_init::resource::{Detection, ResourceOptions, build_resource};
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
    /// own Cargo version, which a deployment may override (the [`init!`](crate::init!)
    /// and [`builder!`](crate::builder!) macros give it). [`service_version`](Self::service_version)
    /// wins over both.
    ///
    /// ```
    /// use opentelemetry::{Key, Value};
    /// use opentelemetry_semantic_conventions::resource::SERVICE_VERSION;
    /// use otel_kit_init::resource::{Detection, ResourceOptions, build_resource};
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
    /// use opentelemetry_semantic_conventions::resource::*;
    /// use otel_kit_init::resource::{Detection, ResourceOptions, build_resource};
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
    /// use opentelemetry_semantic_conventions::resource::*;
    /// use otel_kit_init::resource::{Detection, ResourceOptions, build_resource};
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

    /// The service name set in code, for the builder's check of it.
    pub(crate) fn code_service_name(&self) -> Option<&str> {
        self.service_name.as_deref()
    }

    /// More attributes from code, as [`attribute`](Self::attribute).
    ///
    /// ```
    /// use opentelemetry::{Key, KeyValue, Value};
    /// use opentelemetry_semantic_conventions::resource::*;
    /// use otel_kit_init::resource::{Detection, ResourceOptions, build_resource};
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
    /// use opentelemetry_semantic_conventions::resource::*;
    /// use otel_kit_init::resource::{Detection, ResourceOptions, build_resource};
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
    /// use opentelemetry_semantic_conventions::resource::*;
    /// use otel_kit_init::resource::{Detection, ResourceOptions, build_resource};
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

/// Detects, layers and returns the resource, with the warnings to log once diagnostics
/// are up (today only: no service name was given anywhere).
///
/// The result carries the semantic-conventions schema URL its attribute names follow.
///
/// ```
/// use opentelemetry::Key;
/// use opentelemetry_semantic_conventions::resource::SERVICE_NAME;
/// use otel_kit_init::resource::{Detection, ResourceOptions, build_resource};
///
/// let (resource, warnings) = build_resource(&ResourceOptions::new(), &Detection::new(|_| None, "/nonexistent"));
/// let name = resource.get(&Key::from_static_str(SERVICE_NAME)).map(|v| v.to_string());
/// assert!(name.is_some_and(|n| n.starts_with("unknown_service")));
/// assert!(warnings[0].contains("OTEL_SERVICE_NAME"));
/// ```
pub fn build_resource(options: &ResourceOptions, detection: &Detection) -> (Resource, Vec<String>) {
    let mut warnings = Vec::new();
    let mut attributes: HashMap<Key, Value> = HashMap::new();
    let mut set = |kv: KeyValue| {
        attributes.insert(kv.key, kv.value);
    };

    // Lowest rank first; each layer overwrites the one before.
    detected(detection).into_iter().for_each(&mut set);
    let cloud_detectors = match &options.cloud_detectors {
        Some(chosen) => chosen.clone(),
        None => match detection.var(RESOURCE_DETECTORS) {
            Some(value) => {
                let (chosen, unknown) = CloudDetector::parse_list(&value);
                for name in unknown {
                    warnings.push(format!(
                        "{RESOURCE_DETECTORS}={value:?} names the unknown detector `{}`; it is skipped",
                        name.escape_debug()
                    ));
                }
                chosen
            }
            None => CloudDetector::defaults(),
        },
    };
    cloud::detect(&cloud_detectors, detection, &mut warnings)
        .into_iter()
        .for_each(&mut set);
    for detector in &options.detectors {
        detector
            .0
            .detect()
            .iter()
            .for_each(|(k, v)| set(KeyValue::new(k.clone(), v.clone())));
    }
    if let Some(version) = &options.default_service_version {
        set(KeyValue::new(SERVICE_VERSION, version.clone()));
    }

    let mut env_attribute_name = None;
    for (key, value) in &options.env_resource_attributes {
        let key = key.trim();
        if key.is_empty() {
            warnings.push(format!(
                "OTEL_RESOURCE_ATTRIBUTES has an entry with an empty key (value {value:?}); it is skipped"
            ));
        } else if key == SERVICE_NAME {
            env_attribute_name = Some(value.clone());
        } else {
            set(KeyValue::new(key.to_owned(), value.clone()));
        }
    }

    let mut code_attribute_name = None;
    for kv in &options.attributes {
        if kv.key.as_str() == SERVICE_NAME {
            code_attribute_name = Some(kv.value.as_str().into_owned());
        } else {
            set(kv.clone());
        }
    }
    if let Some(version) = &options.service_version {
        set(KeyValue::new(SERVICE_VERSION, version.clone()));
    }
    if let Some(environment) = &options.deployment_environment {
        set(KeyValue::new(DEPLOYMENT_ENVIRONMENT_NAME, environment.clone()));
    }

    let name = [
        &options.env_service_name,
        &env_attribute_name,
        &options.service_name,
        &code_attribute_name,
    ]
    .into_iter()
    .flatten()
    .map(|name| name.trim())
    .find(|name| !name.is_empty())
    .map(str::to_owned)
    .unwrap_or_else(|| {
        let default = match detect::executable_name() {
            Some(exe) => format!("unknown_service:{exe}"),
            None => "unknown_service".to_owned(),
        };
        warnings.push(format!(
            "service.name is not set, so telemetry is reported as `{default}`; set the \
             OTEL_SERVICE_NAME environment variable or give the service a name in code"
        ));
        default
    });
    set(KeyValue::new(SERVICE_NAME, name));

    let resource = Resource::builder_empty()
        .with_schema_url(
            attributes.into_iter().map(|(k, v)| KeyValue::new(k, v)),
            SCHEMA_URL,
        )
        .build();
    (resource, warnings)
}

/// Everything not given by the caller: the lowest rank.
fn detected(detection: &Detection) -> Vec<KeyValue> {
    let mut out = detect::telemetry();
    out.push(KeyValue::new(
        SERVICE_INSTANCE_ID,
        instance_id::process_instance_id(),
    ));
    out.extend(detect::host_os_process(detection));
    if let Some(id) = container::container_id(detection) {
        out.push(KeyValue::new(CONTAINER_ID, id));
    }
    out.extend(k8s::kubernetes(detection));
    out
}
