//! `k8s.*` from downward-API environment variables and the service-account namespace
//! file, only inside a pod.
//!
//! The OpenTelemetry Operator's `inject-sdk` annotation sets
//! `OTEL_RESOURCE_ATTRIBUTES_POD_NAME`, `OTEL_RESOURCE_ATTRIBUTES_POD_UID` and
//! `OTEL_RESOURCE_ATTRIBUTES_NODE_NAME` from the downward API, then refers to them in
//! `OTEL_RESOURCE_ATTRIBUTES`. They are read first here, so the attributes are there even
//! when the kubelet could not expand the reference (a variable listed after the one that
//! refers to it), and they count as being in a pod on their own.

use opentelemetry::KeyValue;
use otel_kit_semconv::resource::{K8S_NAMESPACE_NAME, K8S_NODE_NAME, K8S_POD_NAME, K8S_POD_UID};

use super::detect::{Detection, SMALL_FILE};

/// The variables the OpenTelemetry Operator injects for the resource, with the
/// attribute each one gives. They fill in the attribute when `OTEL_RESOURCE_ATTRIBUTES`
/// does not carry it.
///
/// ```
/// use opentelemetry::{Key, Value};
/// use otel_kit_resource::{Detection, ResourceOptions, build_resource, OPERATOR_VARIABLES};
///
/// assert_eq!(OPERATOR_VARIABLES[0], ("OTEL_RESOURCE_ATTRIBUTES_POD_NAME", "k8s.pod.name"));
/// let detection = Detection::new(
///     |name| (name == "OTEL_RESOURCE_ATTRIBUTES_POD_NAME").then(|| "web-7d9f".to_owned()),
///     "/nonexistent",
/// );
/// let (resource, _) = build_resource(&ResourceOptions::new(), &detection);
/// assert_eq!(resource.get(&Key::from_static_str("k8s.pod.name")), Some(Value::from("web-7d9f")));
/// ```
pub const OPERATOR_VARIABLES: [(&str, &str); 3] = [
    ("OTEL_RESOURCE_ATTRIBUTES_POD_NAME", K8S_POD_NAME),
    ("OTEL_RESOURCE_ATTRIBUTES_POD_UID", K8S_POD_UID),
    ("OTEL_RESOURCE_ATTRIBUTES_NODE_NAME", K8S_NODE_NAME),
];

/// Each attribute with the variables read for it, first set wins.
const VARIABLES: [(&str, &[&str]); 4] = [
    (
        K8S_POD_NAME,
        &["OTEL_RESOURCE_ATTRIBUTES_POD_NAME", "K8S_POD_NAME", "POD_NAME"],
    ),
    (
        K8S_NAMESPACE_NAME,
        &["K8S_NAMESPACE", "K8S_POD_NAMESPACE", "POD_NAMESPACE"],
    ),
    (
        K8S_NODE_NAME,
        &["OTEL_RESOURCE_ATTRIBUTES_NODE_NAME", "K8S_NODE_NAME", "NODE_NAME"],
    ),
    (
        K8S_POD_UID,
        &["OTEL_RESOURCE_ATTRIBUTES_POD_UID", "K8S_POD_UID", "POD_UID"],
    ),
];

/// Mounted into every pod that has a service-account token (the default).
const NAMESPACE_FILE: &str = "var/run/secrets/kubernetes.io/serviceaccount/namespace";

/// Nothing unless `KUBERNETES_SERVICE_HOST` or one of the Operator's variables is set:
/// the kubelet sets the first in every pod, the Operator the others, and requiring one
/// keeps a laptop that happens to export `NODE_NAME` from claiming to be a pod.
pub(super) fn kubernetes(detection: &Detection) -> Vec<KeyValue> {
    let operator = OPERATOR_VARIABLES
        .iter()
        .any(|(variable, _)| detection.var(variable).is_some());
    if !operator && detection.var("KUBERNETES_SERVICE_HOST").is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (key, variables) in VARIABLES {
        let value = detection.first_var(variables).or_else(|| {
            (key == K8S_NAMESPACE_NAME)
                .then(|| detection.read(NAMESPACE_FILE, SMALL_FILE))
                .flatten()
                .map(|text| text.trim().to_owned())
                .filter(|ns| !ns.is_empty())
        });
        if let Some(value) = value {
            out.push(KeyValue::new(key, value));
        }
    }
    out
}
