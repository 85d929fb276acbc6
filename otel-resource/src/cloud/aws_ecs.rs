//! ECS: the container and task metadata (v4, else v3) from the endpoint the platform
//! names in `ECS_CONTAINER_METADATA_URI_V4` / `_V3`, as AWS documents it
//! ("Amazon ECS task metadata endpoint version 4"). No variable, no request.

use std::time::Instant;

use opentelemetry::{KeyValue, Value};
use otel_kit_semconv::resource::{
    AWS_ECS_CLUSTER_ARN, AWS_ECS_CONTAINER_ARN, AWS_ECS_LAUNCHTYPE, AWS_ECS_TASK_ARN, AWS_ECS_TASK_FAMILY,
    AWS_ECS_TASK_ID, AWS_ECS_TASK_REVISION, AWS_LOG_GROUP_ARNS, AWS_LOG_GROUP_NAMES, AWS_LOG_STREAM_ARNS,
    AWS_LOG_STREAM_NAMES, CLOUD_ACCOUNT_ID, CLOUD_AVAILABILITY_ZONE, CLOUD_PLATFORM, CLOUD_PROVIDER,
    CLOUD_REGION, CONTAINER_ID, CONTAINER_NAME,
};
use serde_json::Value as Json;

use super::metadata_get::{BUDGET, get};
use crate::detect::Detection;

pub(crate) fn detect(detection: &Detection, warnings: &mut Vec<String>) -> Vec<KeyValue> {
    let Some(base) = detection.first_var(&["ECS_CONTAINER_METADATA_URI_V4", "ECS_CONTAINER_METADATA_URI"])
    else {
        return Vec::new();
    };
    let deadline = Instant::now() + BUDGET;
    let fetch = |url: String| -> Result<Json, String> {
        let body = get(&url, &[], deadline)?;
        serde_json::from_str(&body).map_err(|e| format!("the answer is not the documented JSON ({e})"))
    };
    let (container, task) = match (fetch(base.clone()), fetch(format!("{base}/task"))) {
        (Ok(container), Ok(task)) => (container, task),
        (Err(why), _) | (_, Err(why)) => {
            warnings.push(format!(
                "ECS task metadata from {base} could not be read ({why}); aws.ecs.* are not on the resource"
            ));
            return Vec::new();
        }
    };
    attributes(&container, &task)
}

/// The resource of one container of one task, from the two documents.
fn attributes(container: &Json, task: &Json) -> Vec<KeyValue> {
    let text = |json: &Json, key: &str| {
        json.get(key)
            .and_then(Json::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut out = vec![
        KeyValue::new(CLOUD_PROVIDER, "aws"),
        KeyValue::new(CLOUD_PLATFORM, "aws_ecs"),
    ];
    let task_arn = text(task, "TaskARN");
    // arn:aws:ecs:<region>:<account>:task/<cluster>/<id>
    let arn_text = task_arn.clone().unwrap_or_default();
    let arn_parts: Vec<&str> = arn_text.split(':').collect();
    let (region, account) = match arn_parts.as_slice() {
        ["arn", _, "ecs", region, account, ..] => (Some((*region).to_owned()), Some((*account).to_owned())),
        _ => (None, None),
    };
    let (region, account) = (region.as_deref(), account.as_deref());
    if let Some(region) = region {
        out.push(KeyValue::new(CLOUD_REGION, region.to_owned()));
    }
    if let Some(account) = account {
        out.push(KeyValue::new(CLOUD_ACCOUNT_ID, account.to_owned()));
    }
    if let Some(zone) = text(task, "AvailabilityZone") {
        out.push(KeyValue::new(CLOUD_AVAILABILITY_ZONE, zone));
    }
    if let Some(cluster) = text(task, "Cluster") {
        let arn = match (cluster.starts_with("arn:"), region, account) {
            (true, _, _) => cluster,
            (false, Some(region), Some(account)) => {
                format!("arn:aws:ecs:{region}:{account}:cluster/{cluster}")
            }
            _ => cluster,
        };
        out.push(KeyValue::new(AWS_ECS_CLUSTER_ARN, arn));
    }
    if let Some(arn) = task_arn {
        if let Some(id) = arn.rsplit('/').next() {
            out.push(KeyValue::new(AWS_ECS_TASK_ID, id.to_owned()));
        }
        out.push(KeyValue::new(AWS_ECS_TASK_ARN, arn));
    }
    if let Some(family) = text(task, "Family") {
        out.push(KeyValue::new(AWS_ECS_TASK_FAMILY, family));
    }
    if let Some(revision) = text(task, "Revision") {
        out.push(KeyValue::new(AWS_ECS_TASK_REVISION, revision));
    }
    if let Some(launch_type) = text(task, "LaunchType") {
        out.push(KeyValue::new(
            AWS_ECS_LAUNCHTYPE,
            launch_type.to_ascii_lowercase(),
        ));
    }
    if let Some(arn) = text(container, "ContainerARN") {
        out.push(KeyValue::new(AWS_ECS_CONTAINER_ARN, arn));
    }
    if let Some(id) = text(container, "DockerId") {
        out.push(KeyValue::new(CONTAINER_ID, id));
    }
    if let Some(name) = text(container, "Name") {
        out.push(KeyValue::new(CONTAINER_NAME, name));
    }
    let log = container.get("LogOptions");
    if container.get("LogDriver").and_then(Json::as_str) == Some("awslogs")
        && let Some(log) = log
    {
        let group = text(log, "awslogs-group");
        let stream = text(log, "awslogs-stream");
        let log_region = text(log, "awslogs-region").or(region.map(str::to_owned));
        let one = |s: String| Value::Array(opentelemetry::Array::String(vec![s.into()]));
        if let Some(group) = &group {
            out.push(KeyValue::new(AWS_LOG_GROUP_NAMES, one(group.clone())));
        }
        if let Some(stream) = &stream {
            out.push(KeyValue::new(AWS_LOG_STREAM_NAMES, one(stream.clone())));
        }
        if let (Some(group), Some(log_region), Some(account)) = (&group, &log_region, account) {
            let group_arn = format!("arn:aws:logs:{log_region}:{account}:log-group:{group}");
            if let Some(stream) = &stream {
                out.push(KeyValue::new(
                    AWS_LOG_STREAM_ARNS,
                    one(format!("{group_arn}:log-stream:{stream}")),
                ));
            }
            out.push(KeyValue::new(AWS_LOG_GROUP_ARNS, one(format!("{group_arn}:*"))));
        }
    }
    out
}
