//! `k8s.*` from downward-API environment variables and the service-account namespace
//! file, only inside a pod.

use opentelemetry::KeyValue;
use opentelemetry_semantic_conventions::resource::{
    K8S_NAMESPACE_NAME, K8S_NODE_NAME, K8S_POD_NAME, K8S_POD_UID,
};

use super::detect::{Detection, SMALL_FILE};

/// Each attribute with the variables read for it, first set wins.
const VARIABLES: [(&str, &[&str]); 4] = [
    (K8S_POD_NAME, &["K8S_POD_NAME", "POD_NAME"]),
    (
        K8S_NAMESPACE_NAME,
        &["K8S_NAMESPACE", "K8S_POD_NAMESPACE", "POD_NAMESPACE"],
    ),
    (K8S_NODE_NAME, &["K8S_NODE_NAME", "NODE_NAME"]),
    (K8S_POD_UID, &["K8S_POD_UID", "POD_UID"]),
];

/// Mounted into every pod that has a service-account token (the default).
const NAMESPACE_FILE: &str = "var/run/secrets/kubernetes.io/serviceaccount/namespace";

/// Nothing unless `KUBERNETES_SERVICE_HOST` is set: the kubelet sets it in every pod,
/// and requiring it keeps a laptop that happens to export `NODE_NAME` from claiming to
/// be a pod.
pub(super) fn kubernetes(detection: &Detection) -> Vec<KeyValue> {
    if detection.var("KUBERNETES_SERVICE_HOST").is_none() {
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
