//! Cloud resource detection: ECS against a metadata endpoint on loopback serving the
//! documented v4 documents (and one that hangs), GKE against a GCE metadata server on
//! loopback, the other platforms from the environment each documents; no request unless
//! the platform's variable (or, for the VMs of `cloud_vm`, its DMI sign) is present; the
//! detectors chosen and turned off.

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use opentelemetry::{Array, Key, Value};
use otel_kit_resource::{CloudDetector, ResourceOptions, build_resource};

use crate::support::{TempRoot, detection, string};

/// A metadata endpoint on loopback: `path -> body` (JSON or text), or, with `hang`, one
/// that accepts and never answers. Counts the connections it accepted.
struct MetadataServer {
    address: String,
    connections: Arc<AtomicUsize>,
}

impl MetadataServer {
    fn start(documents: Vec<(String, String)>, hang: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address").to_string();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&connections);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                counted.fetch_add(1, Ordering::SeqCst);
                if hang {
                    std::thread::spawn(move || {
                        std::thread::sleep(Duration::from_secs(30));
                        drop(stream);
                    });
                    continue;
                }
                let mut request = [0u8; 4096];
                let n = stream.read(&mut request).unwrap_or(0);
                let request = String::from_utf8_lossy(&request[..n]).into_owned();
                let path = request.split_whitespace().nth(1).unwrap_or_default().to_owned();
                let flavor_ok =
                    !path.starts_with("/computeMetadata") || request.contains("Metadata-Flavor: Google");
                let response = match documents.iter().find(|(p, _)| *p == path) {
                    Some((_, body)) if flavor_ok => {
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        )
                    }
                    _ => {
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned()
                    }
                };
                let _ = stream.write_all(response.as_bytes());
            }
        });
        MetadataServer { address, connections }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// The container document of ECS task metadata v4, in the shape AWS documents.
const ECS_CONTAINER: &str = r#"{
  "DockerId": "ea32192c8553fbff06c9340478a2ff089b2bb5646fb718b4ee206641c9086d66",
  "Name": "checkout",
  "DockerName": "ecs-checkout-5-checkout-e4e8e495e8baa5de1a00",
  "Image": "public.ecr.aws/example/checkout:1.4.2",
  "Labels": {"com.amazonaws.ecs.cluster": "default"},
  "DesiredStatus": "RUNNING",
  "KnownStatus": "RUNNING",
  "LogDriver": "awslogs",
  "LogOptions": {
    "awslogs-create-group": "true",
    "awslogs-group": "/ecs/checkout",
    "awslogs-region": "us-west-2",
    "awslogs-stream": "ecs/checkout/158d1c8083dd49d6b527399fd6414f5c"
  },
  "ContainerARN": "arn:aws:ecs:us-west-2:111122223333:container/0206b271-b33f-47ab-86c6-a0ba208a70a9",
  "Networks": [{"NetworkMode": "awsvpc", "IPv4Addresses": ["10.0.2.106"]}]
}"#;

/// The task document of ECS task metadata v4, in the shape AWS documents.
const ECS_TASK: &str = r#"{
  "Cluster": "default",
  "TaskARN": "arn:aws:ecs:us-west-2:111122223333:task/default/158d1c8083dd49d6b527399fd6414f5c",
  "Family": "checkout",
  "Revision": "5",
  "DesiredStatus": "RUNNING",
  "KnownStatus": "RUNNING",
  "Limits": {"CPU": 0.25, "Memory": 512},
  "AvailabilityZone": "us-west-2a",
  "LaunchType": "FARGATE",
  "Containers": []
}"#;

/// A GKE node's GCE metadata server: its cluster's name and location, its project.
fn gce_metadata_server() -> MetadataServer {
    MetadataServer::start(
        vec![
            (
                "/computeMetadata/v1/instance/attributes/cluster-name".to_owned(),
                "prod-eu".to_owned(),
            ),
            (
                "/computeMetadata/v1/instance/attributes/cluster-location".to_owned(),
                "europe-west1-b".to_owned(),
            ),
            (
                "/computeMetadata/v1/project/project-id".to_owned(),
                "shop-prod".to_owned(),
            ),
        ],
        false,
    )
}

/// An ECS task metadata endpoint (v4) at `/v4/abc`, with its container and task documents.
fn ecs_metadata_server() -> MetadataServer {
    MetadataServer::start(
        vec![
            ("/v4/abc".to_owned(), ECS_CONTAINER.to_owned()),
            ("/v4/abc/task".to_owned(), ECS_TASK.to_owned()),
        ],
        false,
    )
}

fn strings(values: &[&str]) -> Value {
    Value::Array(Array::String(
        values.iter().map(|v| (*v).to_owned().into()).collect(),
    ))
}

#[test]
fn ecs_reads_the_task_metadata_endpoint_the_platform_names() {
    let server = ecs_metadata_server();
    let root = TempRoot::new();
    let uri = format!("http://{}/v4/abc", server.address);
    let (resource, warnings) = build_resource(
        &ResourceOptions::new().service_name("checkout"),
        &detection(&[("ECS_CONTAINER_METADATA_URI_V4", &uri)], root.path()),
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    for (key, expected) in [
        ("cloud.provider", "aws"),
        ("cloud.platform", "aws_ecs"),
        ("cloud.region", "us-west-2"),
        ("cloud.account.id", "111122223333"),
        ("cloud.availability_zone", "us-west-2a"),
        (
            "aws.ecs.cluster.arn",
            "arn:aws:ecs:us-west-2:111122223333:cluster/default",
        ),
        (
            "aws.ecs.task.arn",
            "arn:aws:ecs:us-west-2:111122223333:task/default/158d1c8083dd49d6b527399fd6414f5c",
        ),
        ("aws.ecs.task.id", "158d1c8083dd49d6b527399fd6414f5c"),
        ("aws.ecs.task.family", "checkout"),
        ("aws.ecs.task.revision", "5"),
        ("aws.ecs.launchtype", "fargate"),
        (
            "aws.ecs.container.arn",
            "arn:aws:ecs:us-west-2:111122223333:container/0206b271-b33f-47ab-86c6-a0ba208a70a9",
        ),
        ("container.name", "checkout"),
        (
            "container.id",
            "ea32192c8553fbff06c9340478a2ff089b2bb5646fb718b4ee206641c9086d66",
        ),
    ] {
        assert_eq!(string(&resource, key), expected, "{key}");
    }
    let get = |key: &'static str| resource.get(&Key::from_static_str(key));
    assert_eq!(get("aws.log.group.names"), Some(strings(&["/ecs/checkout"])));
    assert_eq!(
        get("aws.log.stream.arns"),
        Some(strings(&[
            "arn:aws:logs:us-west-2:111122223333:log-group:/ecs/checkout:log-stream:ecs/checkout/158d1c8083dd49d6b527399fd6414f5c"
        ]))
    );
    assert_eq!(server.connections(), 2, "the container and the task document");
}

#[test]
fn a_hanging_metadata_endpoint_is_abandoned_within_the_budget_with_a_warning() {
    let server = MetadataServer::start(Vec::new(), true);
    let root = TempRoot::new();
    let uri = format!("http://{}/v4/abc", server.address);
    let started = Instant::now();
    let (resource, warnings) = build_resource(
        &ResourceOptions::new().service_name("checkout"),
        &detection(&[("ECS_CONTAINER_METADATA_URI_V4", &uri)], root.path()),
    );
    // The budget is 1 s; the bound here leaves a loaded machine room.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(resource.get(&Key::from_static_str("cloud.platform")).is_none());
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("ECS task metadata") && w.contains(&server.address)),
        "{warnings:?}"
    );
}

#[test]
fn no_request_without_the_platforms_variable() {
    let server = MetadataServer::start(Vec::new(), false);
    let root = TempRoot::new();
    // Every detector chosen (the VM ones too), every metadata host pointing at the
    // server, but no platform's variable and no DMI sign: nothing may ask it.
    let endpoint = format!("http://{}", server.address);
    let env = [
        ("GCE_METADATA_HOST", server.address.as_str()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &endpoint),
    ];
    // Off Linux the VM detectors have no sign to read: named, they ask.
    let vm = [
        CloudDetector::AwsEc2,
        CloudDetector::GcpComputeEngine,
        CloudDetector::AzureVm,
    ];
    let chosen = CloudDetector::ALL
        .into_iter()
        .filter(|d| cfg!(target_os = "linux") || !vm.contains(d));
    let (resource, warnings) = build_resource(
        &ResourceOptions::new().service_name("svc").cloud_detectors(chosen),
        &detection(&env, root.path()).metadata_host(server.address.clone()),
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(resource.get(&Key::from_static_str("cloud.provider")).is_none());
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(server.connections(), 0);
}

#[test]
fn gke_is_opt_in_and_reads_the_gce_metadata_server() {
    let server = gce_metadata_server();
    let root = TempRoot::new();
    let env = [
        ("KUBERNETES_SERVICE_HOST", "10.0.0.1"),
        ("GCE_METADATA_HOST", server.address.as_str()),
    ];
    let options = ResourceOptions::new().service_name("svc");
    let (resource, _) = build_resource(&options, &detection(&env, root.path()));
    assert!(
        resource.get(&Key::from_static_str("cloud.platform")).is_none(),
        "not by default"
    );
    assert_eq!(server.connections(), 0);
    let mut with_gcp = env.to_vec();
    with_gcp.push(("OTEL_RESOURCE_DETECTORS", "gcp"));
    let (resource, warnings) = build_resource(&options, &detection(&with_gcp, root.path()));
    assert!(warnings.is_empty(), "{warnings:?}");
    for (key, expected) in [
        ("cloud.provider", "gcp"),
        ("cloud.platform", "gcp_kubernetes_engine"),
        ("k8s.cluster.name", "prod-eu"),
        ("cloud.availability_zone", "europe-west1-b"),
        ("cloud.region", "europe-west1"),
        ("cloud.account.id", "shop-prod"),
    ] {
        assert_eq!(string(&resource, key), expected, "{key}");
    }
}

/// A platform's name, the environment it documents, and what must be detected.
type Platform = (
    &'static str,
    Vec<(&'static str, &'static str)>,
    Vec<(&'static str, Value)>,
);

/// Each platform detected from its environment alone, as it documents it.
fn documented_platforms() -> Vec<Platform> {
    vec![
        (
            "AWS Lambda",
            vec![
                ("AWS_LAMBDA_FUNCTION_NAME", "checkout-fn"),
                ("AWS_REGION", "eu-central-1"),
                ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
                ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"),
                ("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/24/[$LATEST]abc"),
                ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/checkout-fn"),
            ],
            vec![
                ("cloud.provider", "aws".into()),
                ("cloud.platform", "aws_lambda".into()),
                ("cloud.region", "eu-central-1".into()),
                ("faas.name", "checkout-fn".into()),
                ("faas.version", "$LATEST".into()),
                ("faas.max_memory", Value::I64(512 * 1024 * 1024)),
                ("faas.instance", "2026/11/24/[$LATEST]abc".into()),
                ("aws.log.group.names", strings(&["/aws/lambda/checkout-fn"])),
            ],
        ),
        (
            "EKS",
            vec![
                ("KUBERNETES_SERVICE_HOST", "10.100.0.1"),
                ("AWS_REGION", "us-east-1"),
                ("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"),
            ],
            vec![
                ("cloud.provider", "aws".into()),
                ("cloud.platform", "aws_eks".into()),
                ("cloud.region", "us-east-1".into()),
            ],
        ),
        (
            "Cloud Run service",
            vec![("K_SERVICE", "checkout"), ("K_REVISION", "checkout-00042-xyz"), ("K_CONFIGURATION", "checkout")],
            vec![
                ("cloud.provider", "gcp".into()),
                ("cloud.platform", "gcp_cloud_run".into()),
                ("faas.name", "checkout".into()),
                ("faas.version", "checkout-00042-xyz".into()),
            ],
        ),
        (
            "Cloud Run job",
            vec![("CLOUD_RUN_JOB", "nightly"), ("CLOUD_RUN_EXECUTION", "nightly-abc"), ("CLOUD_RUN_TASK_INDEX", "3")],
            vec![
                ("cloud.platform", "gcp_cloud_run".into()),
                ("faas.name", "nightly".into()),
                ("gcp.cloud_run.job.execution", "nightly-abc".into()),
                ("gcp.cloud_run.job.task_index", Value::I64(3)),
            ],
        ),
        (
            "Cloud Functions",
            vec![("FUNCTION_TARGET", "handle"), ("K_SERVICE", "checkout-fn"), ("K_REVISION", "7")],
            vec![
                ("cloud.platform", "gcp_cloud_functions".into()),
                ("faas.name", "checkout-fn".into()),
                ("faas.version", "7".into()),
            ],
        ),
        (
            "Azure App Service",
            vec![
                ("WEBSITE_SITE_NAME", "checkout-web"),
                ("REGION_NAME", "West Europe"),
                ("WEBSITE_OWNER_NAME", "7b2c9f5e-1111-2222-3333-444455556666+shop-WestEuropewebspace"),
                ("WEBSITE_RESOURCE_GROUP", "shop"),
                ("WEBSITE_HOSTNAME", "checkout-web.azurewebsites.net"),
            ],
            vec![
                ("cloud.provider", "azure".into()),
                ("cloud.platform", "azure.app_service".into()),
                ("cloud.region", "West Europe".into()),
                (
                    "cloud.resource_id",
                    "/subscriptions/7b2c9f5e-1111-2222-3333-444455556666/resourceGroups/shop/providers/Microsoft.Web/sites/checkout-web".into(),
                ),
                ("host.id", "checkout-web.azurewebsites.net".into()),
            ],
        ),
        (
            "Azure Functions",
            vec![
                ("WEBSITE_SITE_NAME", "checkout-fn"),
                ("FUNCTIONS_EXTENSION_VERSION", "~4"),
                ("REGION_NAME", "North Europe"),
                ("WEBSITE_INSTANCE_ID", "a1b2c3"),
                ("WEBSITE_MEMORY_LIMIT_MB", "1536"),
            ],
            vec![
                ("cloud.platform", "azure.functions".into()),
                ("faas.name", "checkout-fn".into()),
                ("faas.version", "~4".into()),
                ("faas.instance", "a1b2c3".into()),
                ("faas.max_memory", Value::I64(1536 * 1024 * 1024)),
            ],
        ),
    ]
}

#[test]
fn each_platform_from_the_environment_it_documents() {
    let root = TempRoot::new();
    for (platform, env, expected) in documented_platforms() {
        let (resource, warnings) = build_resource(
            &ResourceOptions::new().service_name("svc"),
            &detection(&env, root.path()),
        );
        assert!(warnings.is_empty(), "{platform}: {warnings:?}");
        for (key, value) in expected {
            assert_eq!(resource.get(&Key::from(key)), Some(value), "{platform}: {key}");
        }
        // Turned off: nothing.
        let mut off = env.clone();
        off.push(("OTEL_RESOURCE_DETECTORS", "none"));
        let (resource, _) = build_resource(
            &ResourceOptions::new().service_name("svc"),
            &detection(&off, root.path()),
        );
        assert!(
            resource.get(&Key::from_static_str("cloud.platform")).is_none(),
            "{platform} with none"
        );
    }
}

#[test]
fn detectors_are_chosen_by_name_and_unknown_names_warned_about() {
    let root = TempRoot::new();
    let env = [
        ("AWS_LAMBDA_FUNCTION_NAME", "fn"),
        ("OTEL_RESOURCE_DETECTORS", "azure, awz_lambda"),
    ];
    let (resource, warnings) = build_resource(
        &ResourceOptions::new().service_name("svc"),
        &detection(&env, root.path()),
    );
    assert!(
        resource.get(&Key::from_static_str("cloud.platform")).is_none(),
        "lambda not chosen"
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("OTEL_RESOURCE_DETECTORS") && warnings[0].contains("awz_lambda"),
        "{warnings:?}"
    );
    // Code wins over the variable.
    let (resource, _) = build_resource(
        &ResourceOptions::new()
            .service_name("svc")
            .cloud_detectors([CloudDetector::AwsLambda]),
        &detection(&env, root.path()),
    );
    assert_eq!(string(&resource, "cloud.platform"), "aws_lambda");
    // `OTEL_RESOURCE_ATTRIBUTES` wins over what is detected.
    let (resource, _) = build_resource(
        &ResourceOptions::new()
            .service_name("svc")
            .env_resource_attributes([("cloud.region".to_owned(), "eu-west-3".to_owned())]),
        &detection(
            &[("AWS_LAMBDA_FUNCTION_NAME", "fn"), ("AWS_REGION", "eu-central-1")],
            root.path(),
        ),
    );
    assert_eq!(string(&resource, "cloud.region"), "eu-west-3");
}

/// Every resource the cloud detectors build (each documented environment, ECS from its
/// metadata endpoint, GKE from the GCE metadata server) passes the registry check of
/// semantic conventions 1.44: names, types and enumerated values.
#[test]
fn every_detected_resource_conforms_to_the_registry() {
    let ecs = ecs_metadata_server();
    let gce = gce_metadata_server();
    let ecs_uri = format!("http://{}/v4/abc", ecs.address);
    let mut environments: Vec<(&str, Vec<(&str, &str)>)> = documented_platforms()
        .into_iter()
        .map(|(platform, env, _)| (platform, env))
        .collect();
    environments.push(("ECS", vec![("ECS_CONTAINER_METADATA_URI_V4", &ecs_uri)]));
    environments.push((
        "GKE",
        vec![
            ("KUBERNETES_SERVICE_HOST", "10.0.0.1"),
            ("GCE_METADATA_HOST", gce.address.as_str()),
            ("OTEL_RESOURCE_DETECTORS", "gcp"),
        ],
    ));
    let root = TempRoot::new();
    for (platform, env) in environments {
        let (resource, warnings) = build_resource(
            &ResourceOptions::new().service_name("svc"),
            &detection(&env, root.path()),
        );
        assert!(warnings.is_empty(), "{platform}: {warnings:?}");
        assert!(
            resource.get(&Key::from_static_str("cloud.platform")).is_some(),
            "{platform}: detected"
        );
        let t = otel_kit_testing::TestTelemetry::builder()
            .resource(&resource)
            .build();
        t.in_scope(|| tracing::info_span!("detected").in_scope(|| {}));
        let report = otel_kit_testing::Conformance::semconv()
            .check_spans(&t.spans())
            .report();
        println!("{platform}: {report}");
        report.assert_conforms();
    }
}
