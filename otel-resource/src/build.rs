//! [`build_resource`]: detection and the options layered by rank into one resource.

use std::collections::HashMap;

use opentelemetry::{Key, KeyValue, Value};
use opentelemetry_sdk::Resource;
use otel_kit_semconv::SCHEMA_URL;
use otel_kit_semconv::resource::{
    CONTAINER_ID, DEPLOYMENT_ENVIRONMENT_NAME, SERVICE_INSTANCE_ID, SERVICE_NAME, SERVICE_VERSION,
};

use crate::cloud::{self, CloudDetector};
use crate::detect::{self, Detection};
use crate::options::ResourceOptions;
use crate::{container, instance_id, k8s};

/// The variable that chooses the cloud detectors, read through [`Detection`]'s lookup.
pub const RESOURCE_DETECTORS: &str = "OTEL_RESOURCE_DETECTORS";

/// Detects, layers and returns the resource, with the warnings to log once diagnostics
/// are up (today only: no service name was given anywhere).
///
/// The result carries the semantic-conventions schema URL its attribute names follow.
///
/// ```
/// use opentelemetry::Key;
/// use otel_kit_semconv::resource::SERVICE_NAME;
/// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
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
pub(crate) fn detected(detection: &Detection) -> Vec<KeyValue> {
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
