//! GKE (opt-in, `gcp_gke` in `OTEL_RESOURCE_DETECTORS`): in a pod
//! (`KUBERNETES_SERVICE_HOST`), the cluster's name and location and the project from the
//! GCE metadata server (`Detection::metadata_host`, else `GCE_METADATA_HOST`, the variable
//! Google's client libraries read, else `metadata.google.internal`), with the
//! `Metadata-Flavor: Google` header it requires.

use std::time::Instant;

use opentelemetry::KeyValue;
use otel_kit_semconv::resource::{
    CLOUD_ACCOUNT_ID, CLOUD_AVAILABILITY_ZONE, CLOUD_PLATFORM, CLOUD_PROVIDER, CLOUD_REGION, K8S_CLUSTER_NAME,
};

use super::metadata_get::{BUDGET, get};
use crate::detect::Detection;

pub(crate) fn detect(detection: &Detection, warnings: &mut Vec<String>) -> Vec<KeyValue> {
    if detection.var("KUBERNETES_SERVICE_HOST").is_none() {
        return Vec::new();
    }
    let host = super::gcp_compute_engine::metadata_host(detection);
    let deadline = Instant::now() + BUDGET;
    let ask = |path: &str| {
        get(
            &format!("http://{host}/computeMetadata/v1/{path}"),
            &[("Metadata-Flavor", "Google")],
            deadline,
        )
    };
    let (name, location) = match (
        ask("instance/attributes/cluster-name"),
        ask("instance/attributes/cluster-location"),
    ) {
        (Ok(name), Ok(location)) => (name.trim().to_owned(), location.trim().to_owned()),
        (Err(why), _) | (_, Err(why)) => {
            warnings.push(format!(
                "gcp_gke: the GCE metadata server at {host} could not be read ({why}); k8s.cluster.name and cloud.* are not on the resource"
            ));
            return Vec::new();
        }
    };
    let mut out = vec![
        KeyValue::new(CLOUD_PROVIDER, "gcp"),
        KeyValue::new(CLOUD_PLATFORM, "gcp_kubernetes_engine"),
        KeyValue::new(K8S_CLUSTER_NAME, name),
    ];
    // A regional cluster's location is a region (`europe-west1`), a zonal one's a zone
    // (`europe-west1-b`).
    if location.matches('-').count() >= 2 {
        out.push(KeyValue::new(CLOUD_AVAILABILITY_ZONE, location.clone()));
        if let Some((region, _)) = location.rsplit_once('-') {
            out.push(KeyValue::new(CLOUD_REGION, region.to_owned()));
        }
    } else {
        out.push(KeyValue::new(CLOUD_REGION, location));
    }
    if let Ok(project) = ask("project/project-id") {
        out.push(KeyValue::new(CLOUD_ACCOUNT_ID, project.trim().to_owned()));
    }
    out
}
