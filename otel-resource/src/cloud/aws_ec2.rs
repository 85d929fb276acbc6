//! EC2: the instance identity document and host name from the instance metadata service
//! (IMDSv2, as AWS documents it: a session token from `PUT /latest/api/token`, then GETs
//! that carry it), the attributes Python's `Ec2ResourceDetector`
//! (opentelemetry-sdk-extension-aws 2.1.0) sets, and `host.image.id`. Asked only on a
//! machine whose DMI says EC2 (`dmi.rs`): off AWS it costs a few file reads.

use std::time::Instant;

use opentelemetry::KeyValue;
use otel_kit_semconv::resource::{
    CLOUD_ACCOUNT_ID, CLOUD_AVAILABILITY_ZONE, CLOUD_PLATFORM, CLOUD_PROVIDER, CLOUD_REGION, HOST_ID,
    HOST_IMAGE_ID, HOST_NAME, HOST_TYPE,
};
use otel_kit_semconv::value::{cloud_platform, cloud_provider};
use serde_json::Value as Json;

use super::dmi::{self, Vm};
use super::metadata_get::{BUDGET, Method, get, request};
use crate::detect::Detection;

/// Where IMDS listens on every instance.
const IMDS_HOST: &str = "169.254.169.254";
/// Its IPv6 address, on Nitro instances with IPv6 enabled
/// (`AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`, as the AWS SDKs read it).
const IMDS_HOST_IPV6: &str = "[fd00:ec2::254]";

/// Platforms that run on EC2 but describe themselves, whose own detector comes first:
/// their process is not the instance's, and their containers may not reach IMDS at all
/// (the token's hop limit is 1 by default), which would cost the budget at every start.
const MANAGED: [&str; 4] = [
    "AWS_LAMBDA_FUNCTION_NAME",
    "ECS_CONTAINER_METADATA_URI_V4",
    "ECS_CONTAINER_METADATA_URI",
    "KUBERNETES_SERVICE_HOST",
];

pub(crate) fn detect(detection: &Detection, warnings: &mut Vec<String>) -> Vec<KeyValue> {
    // The AWS SDKs' switch for "never ask IMDS".
    let disabled = detection
        .var("AWS_EC2_METADATA_DISABLED")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if disabled || detection.first_var(&MANAGED).is_some() || !dmi::shows(Vm::Ec2, detection) {
        return Vec::new();
    }
    let found = imds_host(detection).and_then(|host| {
        ask(&host, Instant::now() + BUDGET)
            .map_err(|why| format!("the instance metadata service at {host} could not be read ({why})"))
    });
    found.unwrap_or_else(|why| {
        warnings.push(format!(
            "aws_ec2: {why}; the instance's cloud.* and host.* are not on the resource"
        ));
        Vec::new()
    })
}

/// `host[:port]` of IMDS: the code's, else the AWS SDKs' `AWS_EC2_METADATA_SERVICE_ENDPOINT`
/// (a URL such as `http://169.254.169.254/`), else by `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`.
fn imds_host(detection: &Detection) -> Result<String, String> {
    if let Some(host) = detection.metadata_host_override() {
        return Ok(host.to_owned());
    }
    if let Some(url) = detection.var("AWS_EC2_METADATA_SERVICE_ENDPOINT") {
        return url
            .strip_prefix("http://")
            .map(|rest| rest.trim_end_matches('/'))
            .filter(|host| !host.is_empty() && !host.contains('/'))
            .map(str::to_owned)
            .ok_or_else(|| {
                format!("AWS_EC2_METADATA_SERVICE_ENDPOINT={url:?} is not an http:// address of a host")
            });
    }
    let ipv6 = detection
        .var("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
        .is_some_and(|mode| mode.eq_ignore_ascii_case("ipv6"));
    Ok(if ipv6 { IMDS_HOST_IPV6 } else { IMDS_HOST }.to_owned())
}

/// The token, the identity document and the host name, all before `deadline`.
///
/// A refused token ends it: there is no IMDSv1 fallback (GETs without a token). Python's
/// detector gives up the same way (any error of the token request means "not on EC2"),
/// and an instance that refuses tokens either has IMDS turned off or answers IMDSv1 only,
/// which AWS advises against; the warning says which status came back.
fn ask(host: &str, deadline: Instant) -> Result<Vec<KeyValue>, String> {
    let base = format!("http://{host}/latest");
    let token = request(
        Method::Put,
        &format!("{base}/api/token"),
        &[("X-aws-ec2-metadata-token-ttl-seconds", "60")],
        deadline,
    )
    // In a container the token's answer needs a hop limit of 2 (`aws ec2
    // modify-instance-metadata-options --http-put-response-hop-limit 2`): with the
    // instance default of 1 it is dropped on the way and the request waits out the budget.
    .map_err(|why| {
        format!(
            "no IMDSv2 token: {why}; in a container the instance needs a metadata hop limit of 2, \
             and AWS_EC2_METADATA_DISABLED=true turns this detector off"
        )
    })?;
    let with_token = [("X-aws-ec2-metadata-token", token.trim())];
    let identity = get(
        &format!("{base}/dynamic/instance-identity/document"),
        &with_token,
        deadline,
    )?;
    let identity: Json = serde_json::from_str(&identity)
        .map_err(|e| format!("the identity document is not the documented JSON ({e})"))?;
    let hostname = get(&format!("{base}/meta-data/hostname"), &with_token, deadline)?;
    attributes(&identity, hostname.trim())
}

/// The resource of the instance the identity document describes.
fn attributes(identity: &Json, hostname: &str) -> Result<Vec<KeyValue>, String> {
    let text = |key: &str| {
        identity
            .get(key)
            .and_then(Json::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let instance = text("instanceId").ok_or("the identity document has no instanceId")?;
    let mut out = vec![
        KeyValue::new(CLOUD_PROVIDER, cloud_provider::AWS),
        KeyValue::new(CLOUD_PLATFORM, cloud_platform::AWS_EC2),
        KeyValue::new(HOST_ID, instance),
    ];
    for (key, field) in [
        (CLOUD_ACCOUNT_ID, "accountId"),
        (CLOUD_REGION, "region"),
        (CLOUD_AVAILABILITY_ZONE, "availabilityZone"),
        (HOST_TYPE, "instanceType"),
        (HOST_IMAGE_ID, "imageId"),
    ] {
        if let Some(value) = text(field) {
            out.push(KeyValue::new(key, value));
        }
    }
    if !hostname.is_empty() {
        out.push(KeyValue::new(HOST_NAME, hostname.to_owned()));
    }
    Ok(out)
}
