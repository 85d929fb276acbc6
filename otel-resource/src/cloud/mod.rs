//! `cloud.*`, `faas.*` and the platforms' own attributes, from what each platform sets in
//! the environment: AWS Lambda, ECS (its task metadata endpoint, `aws_ecs.rs`) and EKS;
//! Google Cloud Run, Cloud Functions and GKE (its metadata server, opt-in); Azure App
//! Service and Functions. The VMs (EC2, Compute Engine, Azure VMs: `aws_ec2.rs`,
//! `gcp_compute_engine.rs`, `azure_vm.rs`) from their metadata services, behind the
//! machine's DMI sign (`dmi.rs`). A detector that needs the network makes no call
//! unless its platform's variable or sign is present, and is bounded by
//! `metadata_get::BUDGET`.
//!
//! Which run: `OTEL_RESOURCE_DETECTORS` (the name the Java agent and the JavaScript SDK
//! read), or `Builder::cloud_detectors`; by default every one but `gcp_gke`, and off
//! Linux also but the VM ones.

mod aws_ec2;
mod aws_ecs;
mod azure_vm;
mod dmi;
mod gcp_compute_engine;
mod gcp_gke;
mod metadata_get;

use opentelemetry::KeyValue;
use otel_kit_semconv::resource::{
    AWS_LOG_GROUP_NAMES, CLOUD_PLATFORM, CLOUD_PROVIDER, CLOUD_REGION, CLOUD_RESOURCE_ID,
    DEPLOYMENT_ENVIRONMENT_NAME, FAAS_INSTANCE, FAAS_MAX_MEMORY, FAAS_NAME, FAAS_VERSION,
    GCP_CLOUD_RUN_JOB_EXECUTION, GCP_CLOUD_RUN_JOB_TASK_INDEX, HOST_ID,
};

use crate::detect::Detection;

/// One platform's detector, by its `OTEL_RESOURCE_DETECTORS` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CloudDetector {
    /// `aws_lambda`: `AWS_LAMBDA_FUNCTION_NAME` and its companions.
    AwsLambda,
    /// `aws_ecs`: the task metadata endpoint `ECS_CONTAINER_METADATA_URI_V4` (or `_V3`)
    /// names, on loopback-speed link-local HTTP.
    AwsEcs,
    /// `aws_eks`: a Kubernetes pod with AWS credentials or a region in its environment.
    AwsEks,
    /// `aws_ec2`: an EC2 instance, from the instance metadata service (IMDSv2) at
    /// `169.254.169.254` (or `AWS_EC2_METADATA_SERVICE_ENDPOINT`), asked only when the
    /// machine's DMI names Amazon EC2 and no Lambda, ECS or Kubernetes variable is set;
    /// `AWS_EC2_METADATA_DISABLED=true` turns it off as it does the AWS SDKs. On by
    /// default on Linux, where the sign costs a few file reads and no request off EC2;
    /// elsewhere opt-in, since there is no sign to read first.
    AwsEc2,
    /// `gcp_cloud_run`: `K_SERVICE` (services) or `CLOUD_RUN_JOB` (jobs).
    GcpCloudRun,
    /// `gcp_cloud_functions`: `FUNCTION_TARGET` with `K_SERVICE`.
    GcpCloudFunctions,
    /// `gcp_gke`: a Kubernetes pod, the cluster's name and location from the GCE metadata
    /// server (`GCE_METADATA_HOST`, else `metadata.google.internal`). Opt-in: nothing in
    /// a pod's environment says it runs on GKE, so it would ask the network on every
    /// Kubernetes.
    GcpGke,
    /// `gcp_compute_engine`: a Compute Engine VM, from the GCE metadata server
    /// (`GCE_METADATA_HOST`, else `metadata.google.internal`), asked only when the
    /// machine's DMI names Google and no Kubernetes, Cloud Run or Cloud Functions
    /// variable is set. On by default on Linux, opt-in elsewhere, as `aws_ec2`.
    GcpComputeEngine,
    /// `azure_app_service`: `WEBSITE_SITE_NAME` without `FUNCTIONS_EXTENSION_VERSION`.
    AzureAppService,
    /// `azure_functions`: `FUNCTIONS_EXTENSION_VERSION` with `WEBSITE_SITE_NAME`.
    AzureFunctions,
    /// `azure_vm`: an Azure VM, from the instance metadata service at
    /// `169.254.169.254`, asked only when the machine carries Azure's chassis asset tag
    /// and no App Service, Functions or Kubernetes variable is set. On by default on
    /// Linux, opt-in elsewhere, as `aws_ec2`.
    AzureVm,
}

impl CloudDetector {
    /// Every detector, in the order they run: each provider's VM last, after the
    /// platforms that run on its VMs.
    pub const ALL: [CloudDetector; 11] = [
        CloudDetector::AwsLambda,
        CloudDetector::AwsEcs,
        CloudDetector::AwsEks,
        CloudDetector::AwsEc2,
        CloudDetector::GcpCloudRun,
        CloudDetector::GcpCloudFunctions,
        CloudDetector::GcpGke,
        CloudDetector::GcpComputeEngine,
        CloudDetector::AzureAppService,
        CloudDetector::AzureFunctions,
        CloudDetector::AzureVm,
    ];

    /// What runs unless `OTEL_RESOURCE_DETECTORS` or the builder says otherwise: every
    /// detector but `gcp_gke`; off Linux also none of the VM detectors (`aws_ec2`,
    /// `gcp_compute_engine`, `azure_vm`), which read a Linux file before they ask the
    /// network and elsewhere could only ask.
    ///
    /// ```
    /// use otel_kit_resource::CloudDetector;
    ///
    /// let defaults = CloudDetector::defaults();
    /// assert!(!defaults.contains(&CloudDetector::GcpGke));
    /// assert_eq!(defaults.contains(&CloudDetector::AwsEc2), cfg!(target_os = "linux"));
    /// ```
    pub fn defaults() -> Vec<CloudDetector> {
        CloudDetector::ALL
            .into_iter()
            .filter(|d| *d != CloudDetector::GcpGke)
            .filter(|d| cfg!(target_os = "linux") || !d.is_vm())
            .collect()
    }

    /// A VM detector: asks a link-local or internal metadata service after a local sign.
    const fn is_vm(self) -> bool {
        matches!(
            self,
            CloudDetector::AwsEc2 | CloudDetector::GcpComputeEngine | CloudDetector::AzureVm
        )
    }

    /// Its `OTEL_RESOURCE_DETECTORS` name.
    pub const fn name(self) -> &'static str {
        match self {
            CloudDetector::AwsLambda => "aws_lambda",
            CloudDetector::AwsEcs => "aws_ecs",
            CloudDetector::AwsEks => "aws_eks",
            CloudDetector::AwsEc2 => "aws_ec2",
            CloudDetector::GcpCloudRun => "gcp_cloud_run",
            CloudDetector::GcpCloudFunctions => "gcp_cloud_functions",
            CloudDetector::GcpGke => "gcp_gke",
            CloudDetector::GcpComputeEngine => "gcp_compute_engine",
            CloudDetector::AzureAppService => "azure_app_service",
            CloudDetector::AzureFunctions => "azure_functions",
            CloudDetector::AzureVm => "azure_vm",
        }
    }

    /// The detectors an `OTEL_RESOURCE_DETECTORS` value names, and the names it could
    /// not use: a detector's name, `aws`, `gcp` or `azure` for a provider's (`gcp`
    /// includes `gcp_gke`), `all`, `none`; other names (`host`, `os`, `process`,
    /// `container`, `k8s`, `env`: always on in this kit) are accepted and change nothing.
    pub fn parse_list(value: &str) -> (Vec<CloudDetector>, Vec<String>) {
        let mut chosen = Vec::new();
        let mut unknown = Vec::new();
        for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let name = name.to_ascii_lowercase();
            let matched: Vec<CloudDetector> = match name.as_str() {
                "all" => CloudDetector::ALL.to_vec(),
                "none" => Vec::new(),
                "aws" | "gcp" | "azure" => CloudDetector::ALL
                    .into_iter()
                    .filter(|d| d.name().starts_with(&format!("{name}_")))
                    .collect(),
                "env" | "host" | "os" | "process" | "container" | "k8s" | "telemetry" => Vec::new(),
                other => match CloudDetector::ALL.into_iter().find(|d| d.name() == other) {
                    Some(detector) => vec![detector],
                    None => {
                        unknown.push(other.to_owned());
                        Vec::new()
                    }
                },
            };
            for detector in matched {
                if !chosen.contains(&detector) {
                    chosen.push(detector);
                }
            }
        }
        (chosen, unknown)
    }
}

/// The attributes of the first of `detectors` whose platform this is, and what went
/// wrong asking a metadata endpoint.
pub(crate) fn detect(
    detectors: &[CloudDetector],
    detection: &Detection,
    warnings: &mut Vec<String>,
) -> Vec<KeyValue> {
    for detector in detectors {
        let found = match detector {
            CloudDetector::AwsLambda => aws_lambda(detection),
            CloudDetector::AwsEcs => aws_ecs::detect(detection, warnings),
            CloudDetector::AwsEks => aws_eks(detection),
            CloudDetector::AwsEc2 => aws_ec2::detect(detection, warnings),
            CloudDetector::GcpCloudRun => gcp_cloud_run(detection),
            CloudDetector::GcpCloudFunctions => gcp_cloud_functions(detection),
            CloudDetector::GcpGke => gcp_gke::detect(detection, warnings),
            CloudDetector::GcpComputeEngine => gcp_compute_engine::detect(detection, warnings),
            CloudDetector::AzureAppService => azure(detection, false),
            CloudDetector::AzureFunctions => azure(detection, true),
            CloudDetector::AzureVm => azure_vm::detect(detection, warnings),
        };
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

fn provider(provider: &'static str, platform: &'static str) -> Vec<KeyValue> {
    vec![
        KeyValue::new(CLOUD_PROVIDER, provider),
        KeyValue::new(CLOUD_PLATFORM, platform),
    ]
}

/// Pushes `key` = the variable's value, when set.
fn from_var(out: &mut Vec<KeyValue>, detection: &Detection, key: &'static str, variable: &str) {
    if let Some(value) = detection.var(variable) {
        out.push(KeyValue::new(key, value));
    }
}

/// `faas.max_memory` (bytes) from a variable in MiB.
fn max_memory_mib(out: &mut Vec<KeyValue>, detection: &Detection, variable: &str) {
    if let Some(mib) = detection.var(variable).and_then(|v| v.trim().parse::<i64>().ok()) {
        out.push(KeyValue::new(FAAS_MAX_MEMORY, mib.saturating_mul(1024 * 1024)));
    }
}

fn aws_lambda(detection: &Detection) -> Vec<KeyValue> {
    let Some(name) = detection.var("AWS_LAMBDA_FUNCTION_NAME") else {
        return Vec::new();
    };
    let mut out = provider("aws", "aws_lambda");
    out.push(KeyValue::new(FAAS_NAME, name));
    from_var(&mut out, detection, CLOUD_REGION, "AWS_REGION");
    from_var(&mut out, detection, FAAS_VERSION, "AWS_LAMBDA_FUNCTION_VERSION");
    from_var(&mut out, detection, FAAS_INSTANCE, "AWS_LAMBDA_LOG_STREAM_NAME");
    max_memory_mib(&mut out, detection, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
    if let Some(group) = detection.var("AWS_LAMBDA_LOG_GROUP_NAME") {
        out.push(KeyValue::new(
            AWS_LOG_GROUP_NAMES,
            opentelemetry::Value::Array(opentelemetry::Array::String(vec![group.into()])),
        ));
    }
    out
}

/// A pod (`KUBERNETES_SERVICE_HOST`) whose environment carries AWS's: the region, or the
/// web-identity credentials EKS injects for IAM roles for service accounts. The cluster's
/// name needs the Kubernetes API, which this kit does not ask: give it as
/// `OTEL_RESOURCE_ATTRIBUTES=k8s.cluster.name=...`.
fn aws_eks(detection: &Detection) -> Vec<KeyValue> {
    if detection.var("KUBERNETES_SERVICE_HOST").is_none() {
        return Vec::new();
    }
    let region = detection.first_var(&["AWS_REGION", "AWS_DEFAULT_REGION"]);
    if region.is_none() && detection.var("AWS_WEB_IDENTITY_TOKEN_FILE").is_none() {
        return Vec::new();
    }
    let mut out = provider("aws", "aws_eks");
    if let Some(region) = region {
        out.push(KeyValue::new(CLOUD_REGION, region));
    }
    out
}

fn gcp_cloud_run(detection: &Detection) -> Vec<KeyValue> {
    if detection.var("FUNCTION_TARGET").is_some() {
        return Vec::new();
    }
    if let Some(job) = detection.var("CLOUD_RUN_JOB") {
        let mut out = provider("gcp", "gcp_cloud_run");
        out.push(KeyValue::new(FAAS_NAME, job));
        from_var(
            &mut out,
            detection,
            GCP_CLOUD_RUN_JOB_EXECUTION,
            "CLOUD_RUN_EXECUTION",
        );
        if let Some(index) = detection
            .var("CLOUD_RUN_TASK_INDEX")
            .and_then(|v| v.parse::<i64>().ok())
        {
            out.push(KeyValue::new(GCP_CLOUD_RUN_JOB_TASK_INDEX, index));
        }
        return out;
    }
    let Some(service) = detection.var("K_SERVICE") else {
        return Vec::new();
    };
    let mut out = provider("gcp", "gcp_cloud_run");
    out.push(KeyValue::new(FAAS_NAME, service));
    from_var(&mut out, detection, FAAS_VERSION, "K_REVISION");
    out
}

fn gcp_cloud_functions(detection: &Detection) -> Vec<KeyValue> {
    if detection.var("FUNCTION_TARGET").is_none() {
        return Vec::new();
    }
    let Some(service) = detection.var("K_SERVICE") else {
        return Vec::new();
    };
    let mut out = provider("gcp", "gcp_cloud_functions");
    out.push(KeyValue::new(FAAS_NAME, service));
    from_var(&mut out, detection, FAAS_VERSION, "K_REVISION");
    out
}

/// App Service and Functions share App Service's variables; `FUNCTIONS_EXTENSION_VERSION`
/// marks Functions.
fn azure(detection: &Detection, functions: bool) -> Vec<KeyValue> {
    let Some(site) = detection.var("WEBSITE_SITE_NAME") else {
        return Vec::new();
    };
    let extension = detection.var("FUNCTIONS_EXTENSION_VERSION");
    if extension.is_some() != functions {
        return Vec::new();
    }
    let mut out = provider(
        "azure",
        // Semantic conventions 1.42 renamed `azure_functions` and `azure_app_service`.
        if functions {
            "azure.functions"
        } else {
            "azure.app_service"
        },
    );
    from_var(&mut out, detection, CLOUD_REGION, "REGION_NAME");
    // `WEBSITE_OWNER_NAME` is `<subscription id>+<resource group>-<region>webspace`.
    let subscription = detection
        .var("WEBSITE_OWNER_NAME")
        .and_then(|owner| owner.split('+').next().map(str::to_owned))
        .filter(|s| !s.is_empty());
    if let (Some(subscription), Some(group)) = (subscription, detection.var("WEBSITE_RESOURCE_GROUP")) {
        out.push(KeyValue::new(
            CLOUD_RESOURCE_ID,
            format!(
                "/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Web/sites/{site}"
            ),
        ));
    }
    if functions {
        out.push(KeyValue::new(FAAS_NAME, site));
        if let Some(version) = extension {
            out.push(KeyValue::new(FAAS_VERSION, version));
        }
        from_var(&mut out, detection, FAAS_INSTANCE, "WEBSITE_INSTANCE_ID");
        max_memory_mib(&mut out, detection, "WEBSITE_MEMORY_LIMIT_MB");
    } else {
        from_var(&mut out, detection, HOST_ID, "WEBSITE_HOSTNAME");
        from_var(
            &mut out,
            detection,
            DEPLOYMENT_ENVIRONMENT_NAME,
            "WEBSITE_SLOT_NAME",
        );
    }
    out
}
