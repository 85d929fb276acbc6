//! Compute Engine VMs: the instance's id, name, host name, machine type and zone, and the
//! project, from the GCE metadata server (`/computeMetadata/v1/`, which answers only
//! with the `Metadata-Flavor: Google` header), the attributes the Go and Python GCP
//! detectors set. Asked only on a machine whose DMI says Google (`dmi.rs`): off Google
//! Cloud it costs a few file reads.

use std::time::Instant;

use opentelemetry::KeyValue;
use otel_kit_semconv::resource::{
    CLOUD_ACCOUNT_ID, CLOUD_AVAILABILITY_ZONE, CLOUD_PLATFORM, CLOUD_PROVIDER, CLOUD_REGION,
    GCP_GCE_INSTANCE_HOSTNAME, GCP_GCE_INSTANCE_NAME, HOST_ID, HOST_NAME, HOST_TYPE,
};
use otel_kit_semconv::value::{cloud_platform, cloud_provider};

use super::dmi::{self, Vm};
use super::metadata_get::{BUDGET, get};
use crate::detect::Detection;

/// Google's platforms that run on its VMs but describe themselves, whose own detector
/// comes first: a pod (GKE, `gcp_gke`), Cloud Run and Cloud Functions.
const MANAGED: [&str; 4] = [
    "KUBERNETES_SERVICE_HOST",
    "K_SERVICE",
    "CLOUD_RUN_JOB",
    "FUNCTION_TARGET",
];

/// `host[:port]` of the GCE metadata server: the code's, else `GCE_METADATA_HOST` (the
/// variable Google's client libraries read), else `metadata.google.internal`.
pub(crate) fn metadata_host(detection: &Detection) -> String {
    match detection.metadata_host_override() {
        Some(host) => host.to_owned(),
        None => detection
            .var("GCE_METADATA_HOST")
            .unwrap_or_else(|| "metadata.google.internal".to_owned()),
    }
}

pub(crate) fn detect(detection: &Detection, warnings: &mut Vec<String>) -> Vec<KeyValue> {
    if detection.first_var(&MANAGED).is_some() || !dmi::shows(Vm::ComputeEngine, detection) {
        return Vec::new();
    }
    let host = metadata_host(detection);
    match ask(&host, Instant::now() + BUDGET) {
        Ok(found) => found,
        Err(why) => {
            warnings.push(format!(
                "gcp_compute_engine: the GCE metadata server at {host} could not be read ({why}); \
                 the instance's cloud.* and host.* are not on the resource"
            ));
            Vec::new()
        }
    }
}

/// One GET per value, all before `deadline`; the first that fails ends it.
fn ask(host: &str, deadline: Instant) -> Result<Vec<KeyValue>, String> {
    let value = |path: &str| -> Result<String, String> {
        let body = get(
            &format!("http://{host}/computeMetadata/v1/{path}"),
            &[("Metadata-Flavor", "Google")],
            deadline,
        )
        .map_err(|why| format!("{path}: {why}"))?;
        let body = body.trim();
        if body.is_empty() || body.contains('\n') {
            return Err(format!("{path}: not one value"));
        }
        Ok(body.to_owned())
    };
    let id = value("instance/id")?;
    // `projects/<number>/zones/<zone>` and `projects/<number>/machineTypes/<type>`.
    let zone = last_segment(&value("instance/zone")?);
    let machine_type = last_segment(&value("instance/machine-type")?);
    let name = value("instance/name")?;
    let project = value("project/project-id")?;
    let mut out = vec![
        KeyValue::new(CLOUD_PROVIDER, cloud_provider::GCP),
        KeyValue::new(CLOUD_PLATFORM, cloud_platform::GCP_COMPUTE_ENGINE),
        KeyValue::new(CLOUD_ACCOUNT_ID, project),
    ];
    // A zone is its region and a letter: `europe-west1-b`.
    if let Some((region, _)) = zone.rsplit_once('-') {
        out.push(KeyValue::new(CLOUD_REGION, region.to_owned()));
    }
    out.extend([
        KeyValue::new(CLOUD_AVAILABILITY_ZONE, zone),
        KeyValue::new(HOST_ID, id),
        KeyValue::new(HOST_NAME, name.clone()),
        KeyValue::new(HOST_TYPE, machine_type),
        KeyValue::new(GCP_GCE_INSTANCE_NAME, name),
    ]);
    // The DNS name; a missing one costs only its attribute.
    if let Ok(hostname) = value("instance/hostname") {
        out.push(KeyValue::new(GCP_GCE_INSTANCE_HOSTNAME, hostname));
    }
    Ok(out)
}

fn last_segment(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_owned()
}
