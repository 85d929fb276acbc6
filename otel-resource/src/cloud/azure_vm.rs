//! Azure VMs: the compute document of the Azure Instance Metadata Service
//! (`/metadata/instance/compute`, API version 2021-12-13 as the Python and JavaScript
//! Azure detectors ask it, with the `Metadata: true` header it requires). Asked only on
//! a machine that carries Azure's chassis asset tag (`dmi.rs`): off Azure it costs a
//! few file reads.

use std::time::Instant;

use opentelemetry::KeyValue;
use otel_kit_semconv::{
    resource::{
        CLOUD_ACCOUNT_ID, CLOUD_AVAILABILITY_ZONE, CLOUD_PLATFORM, CLOUD_PROVIDER, CLOUD_REGION,
        CLOUD_RESOURCE_ID, HOST_ID, HOST_IMAGE_VERSION, HOST_NAME, HOST_TYPE,
    },
    value::{cloud_platform, cloud_provider},
};
use serde_json::Value as Json;

use super::dmi::{self, Vm};
use super::metadata_get::{BUDGET, get};
use crate::detect::Detection;

/// Where IMDS listens on every Azure VM.
const IMDS_HOST: &str = "169.254.169.254";

const COMPUTE_PATH: &str = "/metadata/instance/compute?api-version=2021-12-13&format=json";

/// The scale set's name, as the Python and JavaScript Azure detectors write it. Not in
/// the registry of semantic conventions 1.44, which has no attribute for it.
const AZURE_VM_SCALESET_NAME: &str = "azure.vm.scaleset.name";

/// Azure's platforms that run on its VMs but describe themselves, whose own detector
/// comes first: App Service and Functions (`WEBSITE_SITE_NAME`,
/// `FUNCTIONS_WORKER_RUNTIME`, the variables the Python detector skips on) and a pod
/// (AKS). Their IMDS is not the process's to describe, or not reachable.
const MANAGED: [&str; 4] = [
    "WEBSITE_SITE_NAME",
    "FUNCTIONS_WORKER_RUNTIME",
    "FUNCTIONS_EXTENSION_VERSION",
    "KUBERNETES_SERVICE_HOST",
];

pub(crate) fn detect(detection: &Detection, warnings: &mut Vec<String>) -> Vec<KeyValue> {
    if detection.first_var(&MANAGED).is_some() || !dmi::shows(Vm::Azure, detection) {
        return Vec::new();
    }
    let host = detection.metadata_host_override().unwrap_or(IMDS_HOST);
    let compute = get(
        &format!("http://{host}{COMPUTE_PATH}"),
        &[("Metadata", "true")],
        Instant::now() + BUDGET,
    )
    .and_then(|body| {
        serde_json::from_str::<Json>(&body)
            .map_err(|e| format!("the compute document is not the documented JSON ({e})"))
    })
    .and_then(|compute| attributes(&compute));
    compute.unwrap_or_else(|why| {
        warnings.push(format!(
            "azure_vm: the instance metadata service at {host} could not be read ({why}); \
             the VM's cloud.* and host.* are not on the resource"
        ));
        Vec::new()
    })
}

/// The resource of the VM the compute document describes. `version` is the image's
/// version (`host.image.version`, "the version string of the VM image"); the Python and
/// JavaScript detectors put it in `os.version`, which the conventions keep for the
/// operating system's own. `osType` is left to the host detector's `os.type`, in the
/// registry's lower case.
fn attributes(compute: &Json) -> Result<Vec<KeyValue>, String> {
    let text = |key: &str| {
        compute
            .get(key)
            .and_then(Json::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let vm_id = text("vmId").ok_or("the compute document has no vmId")?;
    let mut out = vec![
        KeyValue::new(CLOUD_PROVIDER, cloud_provider::AZURE),
        KeyValue::new(CLOUD_PLATFORM, cloud_platform::AZURE_VM),
        KeyValue::new(HOST_ID, vm_id),
    ];
    for (key, field) in [
        (CLOUD_REGION, "location"),
        (CLOUD_AVAILABILITY_ZONE, "zone"),
        (CLOUD_ACCOUNT_ID, "subscriptionId"),
        (CLOUD_RESOURCE_ID, "resourceId"),
        (HOST_NAME, "name"),
        (HOST_TYPE, "vmSize"),
        (HOST_IMAGE_VERSION, "version"),
        (AZURE_VM_SCALESET_NAME, "vmScaleSetName"),
    ] {
        if let Some(value) = text(field) {
            out.push(KeyValue::new(key, value));
        }
    }
    Ok(out)
}
