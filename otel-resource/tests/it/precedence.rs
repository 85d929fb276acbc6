//! Who wins for each attribute: the environment for `service.name`, code for the rest,
//! then `OTEL_RESOURCE_ATTRIBUTES`, then detection.

use opentelemetry::{KeyValue, Value};
use otel_kit_resource::{ResourceOptions, build_resource};
use otel_kit_semconv::resource::{
    CONTAINER_ID, DEPLOYMENT_ENVIRONMENT_NAME, HOST_NAME, PROCESS_EXECUTABLE_NAME, SERVICE_INSTANCE_ID,
    SERVICE_NAME, SERVICE_VERSION,
};

use crate::support::{TempRoot, build_bare, detection, get, pairs, string};

/// One row of the `service.name` table: which sources are set, and what wins.
struct Case {
    env_name: Option<&'static str>,
    env_attribute: Option<&'static str>,
    code_name: Option<&'static str>,
    code_attribute: Option<&'static str>,
    expected: Option<&'static str>,
}

fn options(case: &Case) -> ResourceOptions {
    let mut options = ResourceOptions::new()
        .env_service_name(case.env_name.map(str::to_owned))
        .env_resource_attributes(
            case.env_attribute
                .map(|name| pairs(&[("team", "a"), (SERVICE_NAME, name)]))
                .unwrap_or_default(),
        );
    if let Some(name) = case.code_name {
        options = options.service_name(name);
    }
    if let Some(name) = case.code_attribute {
        options = options.attribute(KeyValue::new(SERVICE_NAME, name));
    }
    options
}

#[test]
fn service_name_environment_beats_code() {
    let case = |env_name, env_attribute, code_name, code_attribute, expected| Case {
        env_name,
        env_attribute,
        code_name,
        code_attribute,
        expected,
    };
    let cases = [
        case(
            Some("env"),
            Some("env-attr"),
            Some("code"),
            Some("code-attr"),
            Some("env"),
        ),
        case(
            None,
            Some("env-attr"),
            Some("code"),
            Some("code-attr"),
            Some("env-attr"),
        ),
        case(Some("env"), None, Some("code"), None, Some("env")),
        case(None, None, Some("code"), Some("code-attr"), Some("code")),
        case(None, None, None, Some("code-attr"), Some("code-attr")),
        case(Some("env"), None, None, None, Some("env")),
        // Empty counts as unset, at every rank.
        case(Some("  "), Some(""), Some("code"), None, Some("code")),
        case(None, None, Some(""), Some("code-attr"), Some("code-attr")),
        case(None, None, None, None, None),
        case(Some(""), Some(" "), Some(""), Some(""), None),
    ];
    for (i, case) in cases.iter().enumerate() {
        let (resource, warnings) = build_bare(&options(case));
        let name = string(&resource, SERVICE_NAME);
        match case.expected {
            Some(expected) => {
                assert_eq!(name, expected, "case {i}");
                assert!(warnings.is_empty(), "case {i}: {warnings:?}");
            }
            None => {
                let exe = string(&resource, PROCESS_EXECUTABLE_NAME);
                let default = format!("unknown_service:{exe}");
                assert_eq!(name, default, "case {i}");
                assert_eq!(
                    warnings,
                    [format!(
                        "service.name is not set, so telemetry is reported as `{default}`; set the \
                         OTEL_SERVICE_NAME environment variable or give the service a name in code"
                    )],
                    "case {i}"
                );
            }
        }
    }
}

#[test]
fn default_service_name_uses_the_real_executable() {
    let (resource, _) = build_bare(&ResourceOptions::new());
    let exe = std::env::current_exe().unwrap();
    let exe = exe.file_name().unwrap().to_str().unwrap();
    assert_eq!(string(&resource, PROCESS_EXECUTABLE_NAME), exe);
    assert_eq!(string(&resource, SERVICE_NAME), format!("unknown_service:{exe}"));
}

#[test]
fn environment_attributes_override_detected_ones() {
    let root = TempRoot::new();
    root.write("proc/sys/kernel/hostname", "node-a\n").write(
        "proc/self/cgroup",
        format!("0::/system.slice/docker-{}.scope\n", "a".repeat(64)),
    );
    let detection = detection(&[], root.path());

    let (detected, _) = build_resource(&ResourceOptions::new(), &detection);
    assert_eq!(string(&detected, HOST_NAME), "node-a");
    assert_eq!(string(&detected, CONTAINER_ID), "a".repeat(64));

    let env = pairs(&[
        (HOST_NAME, "renamed"),
        (CONTAINER_ID, "from-env"),
        (SERVICE_INSTANCE_ID, "pod-uid-1"),
        (HOST_NAME, "renamed-again"),
    ]);
    let (resource, warnings) = build_resource(
        &ResourceOptions::new()
            .service_name("svc")
            .env_resource_attributes(env),
        &detection,
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        string(&resource, HOST_NAME),
        "renamed-again",
        "the last entry of a key wins"
    );
    assert_eq!(string(&resource, CONTAINER_ID), "from-env");
    assert_eq!(string(&resource, SERVICE_INSTANCE_ID), "pod-uid-1");
}

#[test]
fn code_attributes_override_environment_ones() {
    let env = pairs(&[
        (DEPLOYMENT_ENVIRONMENT_NAME, "production"),
        (SERVICE_VERSION, "0.0.0-env"),
        ("team", "env-team"),
        ("shard", "7"),
        ("region", "eu-west-1"),
    ]);
    let options = ResourceOptions::new()
        .service_name("svc")
        .env_resource_attributes(env)
        .deployment_environment("staging")
        .service_version("1.2.3")
        .attributes([KeyValue::new("team", "code-team"), KeyValue::new("shard", 3_i64)]);
    let (resource, _) = build_bare(&options);

    assert_eq!(string(&resource, DEPLOYMENT_ENVIRONMENT_NAME), "staging");
    assert_eq!(string(&resource, SERVICE_VERSION), "1.2.3");
    assert_eq!(string(&resource, "team"), "code-team");
    assert_eq!(
        get(&resource, "shard"),
        Some(Value::I64(3)),
        "code keeps its type"
    );
    assert_eq!(
        string(&resource, "region"),
        "eu-west-1",
        "env fills in what code does not say"
    );
}

#[test]
fn dedicated_setters_beat_the_same_key_in_attributes() {
    let options = ResourceOptions::new()
        .service_name("svc")
        .service_version("2.0.0")
        .deployment_environment("dev")
        .attribute(KeyValue::new(SERVICE_VERSION, "1.0.0"))
        .attribute(KeyValue::new(DEPLOYMENT_ENVIRONMENT_NAME, "prod"));
    let (resource, _) = build_bare(&options);
    assert_eq!(string(&resource, SERVICE_VERSION), "2.0.0");
    assert_eq!(string(&resource, DEPLOYMENT_ENVIRONMENT_NAME), "dev");
}

#[test]
fn deployment_environment_and_version_only_when_given() {
    let (resource, _) = build_bare(&ResourceOptions::new().service_name("svc"));
    assert_eq!(get(&resource, DEPLOYMENT_ENVIRONMENT_NAME), None);
    assert_eq!(get(&resource, SERVICE_VERSION), None);

    let env = pairs(&[(DEPLOYMENT_ENVIRONMENT_NAME, "qa")]);
    let (resource, _) = build_bare(&ResourceOptions::new().env_resource_attributes(env));
    assert_eq!(string(&resource, DEPLOYMENT_ENVIRONMENT_NAME), "qa");
}

#[test]
fn an_empty_environment_key_is_skipped_with_a_warning() {
    let env = pairs(&[(" ", "orphan"), ("kept", "yes")]);
    let (resource, warnings) = build_bare(
        &ResourceOptions::new()
            .service_name("svc")
            .env_resource_attributes(env),
    );
    assert_eq!(string(&resource, "kept"), "yes");
    assert_eq!(
        warnings,
        ["OTEL_RESOURCE_ATTRIBUTES has an entry with an empty key (value \"orphan\"); it is skipped"]
    );
    assert!(resource.iter().all(|(k, _)| !k.as_str().trim().is_empty()));
}

#[test]
fn the_schema_url_is_the_semconv_version_used() {
    let (resource, _) = build_bare(&ResourceOptions::new().service_name("svc"));
    assert_eq!(resource.schema_url(), Some(otel_kit_semconv::SCHEMA_URL));
}
