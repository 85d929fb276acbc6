//! The VM detectors (`aws_ec2`, `gcp_compute_engine`, `azure_vm`) against stand-ins of
//! their metadata services on loopback (`metadata_stub`), over machine roots whose DMI
//! strings say which cloud they are: the documented requests and attributes, the signs
//! that open the way to the network and the look-alikes that do not, the platforms they
//! stand aside for, their names, the registry check, and their cost off a cloud.

use std::time::{Duration, Instant};

use opentelemetry::{Key, Value};
use opentelemetry_sdk::Resource;
use otel_kit_resource::{CloudDetector, Detection, ResourceOptions, build_resource};

use crate::metadata_stub::{
    AZURE_COMPUTE, AZURE_DMI, EC2_DMI, EC2_HOSTNAME, EC2_TOKEN, GCE_DMI, QEMU_DMI, Stub, clouds, machine,
};
use crate::support::{TempRoot, detection, string};

/// DMI files (name and line).
type Dmi<'a> = &'a [(&'a str, &'a str)];

const VM_DETECTORS: [CloudDetector; 3] = [
    CloudDetector::AwsEc2,
    CloudDetector::GcpComputeEngine,
    CloudDetector::AzureVm,
];

/// Detection over `root` and `env`, the metadata services at `stub`, with the default
/// detectors (`None`) or `chosen`.
pub(crate) fn detect(
    root: &TempRoot,
    env: &[(&str, &str)],
    stub: &Stub,
    chosen: Option<&[CloudDetector]>,
) -> (Resource, Vec<String>) {
    let mut options = ResourceOptions::new().service_name("svc");
    if let Some(chosen) = chosen {
        options = options.cloud_detectors(chosen.iter().copied());
    }
    build_resource(
        &options,
        &detection(env, root.path()).metadata_host(stub.address.clone()),
    )
}

fn platform(resource: &Resource) -> Option<Value> {
    resource.get(&Key::from_static_str("cloud.platform"))
}

#[test]
fn ec2_asks_imdsv2_on_a_machine_whose_dmi_says_ec2() {
    let stub = Stub::start(clouds);
    let (resource, warnings) = detect(&machine(EC2_DMI), &[], &stub, None);
    assert!(warnings.is_empty(), "{warnings:?}");
    for (key, expected) in [
        ("cloud.provider", "aws"),
        ("cloud.platform", "aws_ec2"),
        ("cloud.account.id", "123456789012"),
        ("cloud.region", "us-west-2"),
        ("cloud.availability_zone", "us-west-2b"),
        ("host.id", "i-1234567890abcdef0"),
        ("host.type", "t3.micro"),
        ("host.image.id", "ami-0abcdef1234567890"),
        ("host.name", EC2_HOSTNAME),
    ] {
        assert_eq!(string(&resource, key), expected, "{key}");
    }
    // The token first, with its TTL; then each GET with the token.
    assert_eq!(
        stub.lines(),
        [
            "PUT /latest/api/token",
            "GET /latest/dynamic/instance-identity/document",
            "GET /latest/meta-data/hostname",
        ]
    );
    let seen = stub.seen();
    assert_eq!(seen[0].header("X-aws-ec2-metadata-token-ttl-seconds"), Some("60"));
    assert_eq!(seen[0].header("Content-Length"), Some("0"));
    for get in &seen[1..] {
        assert_eq!(get.header("X-aws-ec2-metadata-token"), Some(EC2_TOKEN));
    }
}

#[test]
fn ec2_honours_the_aws_sdks_endpoint_variable_and_off_switch() {
    let stub = Stub::start(clouds);
    let root = machine(EC2_DMI);
    let endpoint = format!("http://{}/", stub.address);
    let (resource, warnings) = build_resource(
        &ResourceOptions::new().service_name("svc"),
        &detection(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &endpoint)], root.path()),
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(string(&resource, "host.id"), "i-1234567890abcdef0");
    let asked = stub.connections();
    // The AWS SDKs' `AWS_EC2_METADATA_DISABLED=true`: no request.
    let (resource, warnings) = build_resource(
        &ResourceOptions::new().service_name("svc"),
        &detection(
            &[
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &endpoint),
                ("AWS_EC2_METADATA_DISABLED", "TRUE"),
            ],
            root.path(),
        ),
    );
    assert!(
        warnings.is_empty() && platform(&resource).is_none(),
        "{warnings:?}"
    );
    // An endpoint the helper cannot speak to: said once, nothing sent.
    let (resource, warnings) = build_resource(
        &ResourceOptions::new().service_name("svc"),
        &detection(
            &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "https://169.254.169.254")],
            root.path(),
        ),
    );
    assert!(platform(&resource).is_none());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("AWS_EC2_METADATA_SERVICE_ENDPOINT"),
        "{warnings:?}"
    );
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(stub.connections(), asked, "no request after the first detection");
}

#[test]
fn gce_asks_the_metadata_server_on_a_machine_whose_dmi_says_google() {
    let stub = Stub::start(clouds);
    let root = machine(GCE_DMI);
    // Through the variable Google's libraries read, not the code's host.
    let (resource, warnings) = build_resource(
        &ResourceOptions::new().service_name("svc"),
        &detection(&[("GCE_METADATA_HOST", &stub.address)], root.path()),
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    for (key, expected) in [
        ("cloud.provider", "gcp"),
        ("cloud.platform", "gcp_compute_engine"),
        ("cloud.account.id", "shop-prod"),
        ("cloud.region", "europe-west1"),
        ("cloud.availability_zone", "europe-west1-b"),
        ("host.id", "4520031799277581759"),
        ("host.name", "checkout-vm-1"),
        ("host.type", "e2-standard-4"),
        ("gcp.gce.instance.name", "checkout-vm-1"),
        (
            "gcp.gce.instance.hostname",
            "checkout-vm-1.europe-west1-b.c.shop-prod.internal",
        ),
    ] {
        assert_eq!(string(&resource, key), expected, "{key}");
    }
    let seen = stub.seen();
    assert_eq!(seen.len(), 6, "{:?}", stub.lines());
    assert!(
        seen.iter()
            .all(|s| s.method == "GET" && s.header("Metadata-Flavor") == Some("Google"))
    );
}

#[test]
fn azure_vm_asks_imds_on_a_machine_with_azures_chassis_tag() {
    let stub = Stub::start(clouds);
    let (resource, warnings) = detect(&machine(AZURE_DMI), &[], &stub, None);
    assert!(warnings.is_empty(), "{warnings:?}");
    for (key, expected) in [
        ("cloud.provider", "azure"),
        // `azure_vm` before semantic conventions 1.42.
        ("cloud.platform", "azure.vm"),
        ("cloud.region", "westeurope"),
        ("cloud.availability_zone", "2"),
        ("cloud.account.id", "7b2c9f5e-1111-2222-3333-444455556666"),
        (
            "cloud.resource_id",
            "/subscriptions/7b2c9f5e-1111-2222-3333-444455556666/resourceGroups/shop/providers/Microsoft.Compute/virtualMachines/checkout-vm-1",
        ),
        ("host.id", "02aab8a4-74ef-476e-8182-f6d2ba4166a6"),
        ("host.name", "checkout-vm-1"),
        ("host.type", "Standard_D2s_v5"),
        ("host.image.version", "22.04.202311010"),
        ("azure.vm.scaleset.name", "checkout-vmss"),
    ] {
        assert_eq!(string(&resource, key), expected, "{key}");
    }
    // The host detector's `os.type`, in the registry's case, not IMDS's `Linux`.
    assert_ne!(
        resource.get(&Key::from_static_str("os.type")),
        Some(Value::from("Linux"))
    );
    assert_eq!(stub.lines(), [format!("GET {AZURE_COMPUTE}")]);
    assert_eq!(stub.seen()[0].header("Metadata"), Some("true"));
}

/// Each sign a cloud's VMs show leads its detector, and only its, to the network; the
/// look-alikes lead nowhere.
#[test]
fn the_dmi_signs_open_the_way_to_the_network_and_look_alikes_do_not() {
    // A case, the machine's DMI files, the `cloud.platform` then detected.
    let cases: [(&str, Dmi<'_>, Option<&str>); 14] = [
        (
            "EC2 Nitro vendor",
            &[("sys_vendor", "Amazon EC2")],
            Some("aws_ec2"),
        ),
        (
            "EC2 board vendor",
            &[("board_vendor", "Amazon EC2")],
            Some("aws_ec2"),
        ),
        ("EC2 asset tag", &[("board_asset_tag", "i-0abc")], Some("aws_ec2")),
        (
            "EC2 Xen product_uuid (as root)",
            &[("product_uuid", "EC2E1916-9099-7CAF-FD21-012345ABCDEF")],
            Some("aws_ec2"),
        ),
        (
            "GCE product",
            &[("product_name", "Google Compute Engine")],
            Some("gcp_compute_engine"),
        ),
        (
            "GCE older product",
            &[("product_name", "Google")],
            Some("gcp_compute_engine"),
        ),
        (
            "GCE vendor",
            &[("sys_vendor", "Google")],
            Some("gcp_compute_engine"),
        ),
        ("Azure", AZURE_DMI, Some("azure.vm")),
        ("QEMU", QEMU_DMI, None),
        (
            "a Hyper-V guest off Azure",
            &[
                ("sys_vendor", "Microsoft Corporation"),
                ("product_name", "Virtual Machine"),
            ],
            None,
        ),
        ("an Amazon-built laptop", &[("sys_vendor", "Amazon")], None),
        ("a Google-made phone", &[("product_name", "Google Pixel")], None),
        (
            "another UUID",
            &[("product_uuid", "4C4C4544-0042-3510-8052-B4C04F4E3232")],
            None,
        ),
        ("no DMI", &[], None),
    ];
    for (case, files, expected) in cases {
        let stub = Stub::start(clouds);
        let (resource, warnings) = detect(&machine(files), &[], &stub, Some(&VM_DETECTORS));
        assert!(warnings.is_empty(), "{case}: {warnings:?}");
        assert_eq!(platform(&resource), expected.map(Value::from), "{case}");
        if expected.is_none() {
            std::thread::sleep(Duration::from_millis(20));
            assert_eq!(stub.connections(), 0, "{case}: asked the network");
        }
    }
    // A Xen instance, as anyone (not root) reads it.
    let root = machine(&[("sys_vendor", "Xen")]);
    root.write("sys/hypervisor/uuid", "ec2e1916-9099-7caf-fd21-012345abcdef\n");
    let stub = Stub::start(clouds);
    let (resource, _) = detect(&root, &[], &stub, Some(&VM_DETECTORS));
    assert_eq!(platform(&resource), Some(Value::from("aws_ec2")));
}

/// On a platform that runs on a cloud's VMs but describes itself, the VM detector does
/// not ask: the process is not the VM's, and the platform's own detector comes first.
#[test]
fn the_vm_detectors_stand_aside_for_the_platforms_on_their_vms() {
    let cases: [(Dmi<'_>, CloudDetector, &str); 10] = [
        (EC2_DMI, CloudDetector::AwsEc2, "AWS_LAMBDA_FUNCTION_NAME"),
        (EC2_DMI, CloudDetector::AwsEc2, "ECS_CONTAINER_METADATA_URI_V4"),
        (EC2_DMI, CloudDetector::AwsEc2, "KUBERNETES_SERVICE_HOST"),
        (
            GCE_DMI,
            CloudDetector::GcpComputeEngine,
            "KUBERNETES_SERVICE_HOST",
        ),
        (GCE_DMI, CloudDetector::GcpComputeEngine, "K_SERVICE"),
        (GCE_DMI, CloudDetector::GcpComputeEngine, "CLOUD_RUN_JOB"),
        (GCE_DMI, CloudDetector::GcpComputeEngine, "FUNCTION_TARGET"),
        (AZURE_DMI, CloudDetector::AzureVm, "WEBSITE_SITE_NAME"),
        (AZURE_DMI, CloudDetector::AzureVm, "FUNCTIONS_WORKER_RUNTIME"),
        (AZURE_DMI, CloudDetector::AzureVm, "KUBERNETES_SERVICE_HOST"),
    ];
    for (dmi, detector, variable) in cases {
        let stub = Stub::start(clouds);
        let (resource, warnings) = detect(&machine(dmi), &[(variable, "x")], &stub, Some(&[detector]));
        assert!(warnings.is_empty(), "{variable}: {warnings:?}");
        assert!(platform(&resource).is_none(), "{variable}");
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(stub.connections(), 0, "{detector:?} asked with {variable}");
    }
}

#[test]
fn the_vm_detectors_names_defaults_and_order() {
    for (detector, name) in VM_DETECTORS
        .iter()
        .zip(["aws_ec2", "gcp_compute_engine", "azure_vm"])
    {
        assert_eq!(detector.name(), name);
        assert_eq!(CloudDetector::parse_list(name), (vec![*detector], vec![]));
        let provider = name.split('_').next().unwrap_or_default();
        assert!(
            CloudDetector::parse_list(provider).0.contains(detector),
            "{provider}"
        );
        assert_eq!(
            CloudDetector::defaults().contains(detector),
            cfg!(target_os = "linux")
        );
    }
    // Every name parses back to its detector, and `all` is every one.
    for detector in CloudDetector::ALL {
        assert_eq!(CloudDetector::parse_list(detector.name()).0, [detector]);
    }
    assert_eq!(CloudDetector::parse_list("all").0, CloudDetector::ALL);
    // Each VM comes after the platforms that run on its cloud's VMs.
    let position = |d: CloudDetector| CloudDetector::ALL.iter().position(|x| *x == d);
    for (vm, platforms) in [
        (
            CloudDetector::AwsEc2,
            &[
                CloudDetector::AwsLambda,
                CloudDetector::AwsEcs,
                CloudDetector::AwsEks,
            ][..],
        ),
        (
            CloudDetector::GcpComputeEngine,
            &[
                CloudDetector::GcpCloudRun,
                CloudDetector::GcpCloudFunctions,
                CloudDetector::GcpGke,
            ][..],
        ),
        (
            CloudDetector::AzureVm,
            &[CloudDetector::AzureAppService, CloudDetector::AzureFunctions][..],
        ),
    ] {
        for platform in platforms {
            assert!(position(*platform) < position(vm), "{platform:?} before {vm:?}");
        }
    }
}

/// The resources of the three VMs pass the registry check of semantic conventions 1.44;
/// `azure.vm.scaleset.name` (the Python and JavaScript detectors' name, not in the
/// registry) is declared as a custom one.
#[test]
fn every_vm_resource_conforms_to_the_registry() {
    let stub = Stub::start(clouds);
    for (cloud, dmi) in [("EC2", EC2_DMI), ("GCE", GCE_DMI), ("Azure", AZURE_DMI)] {
        let (resource, warnings) = detect(&machine(dmi), &[], &stub, None);
        assert!(warnings.is_empty(), "{cloud}: {warnings:?}");
        assert!(platform(&resource).is_some(), "{cloud}");
        let t = otel_kit_testing::TestTelemetry::builder()
            .resource(&resource)
            .build();
        t.in_scope(|| tracing::info_span!("detected").in_scope(|| {}));
        let report = otel_kit_testing::Conformance::semconv()
            .custom_namespace("azure.vm.scaleset")
            .check_spans(&t.spans())
            .report();
        println!("{cloud}: {report}");
        report.assert_conforms();
    }
}

/// What the three VM detectors add to detection on this machine, over its real `/`
/// (their metadata host pointed at a stand-in that counts connections, in case this
/// machine is a cloud's VM after all). Off a cloud: a few failed file reads, no request.
#[test]
fn off_a_cloud_the_vm_detectors_cost_file_reads_only() {
    let stub = Stub::start(clouds);
    let system = Detection::new(|_| None, "/").metadata_host(stub.address.clone());
    let options = |chosen: &[CloudDetector]| {
        ResourceOptions::new()
            .service_name("svc")
            .cloud_detectors(chosen.iter().copied())
    };
    let time = |chosen: &[CloudDetector]| {
        const RUNS: u32 = 200;
        let started = Instant::now();
        for _ in 0..RUNS {
            let _ = build_resource(&options(chosen), &system);
        }
        started.elapsed() / RUNS
    };
    let (without, with) = (time(&[]), time(&VM_DETECTORS));
    let asked = stub.connections();
    println!(
        "detection on this machine: {without:?} without the VM detectors, {with:?} with them \
         ({asked} connections to the metadata stand-in)"
    );
    if asked == 0 {
        // Microseconds in truth; the bound leaves a loaded machine room.
        assert!(
            with < without + Duration::from_millis(20),
            "{with:?} vs {without:?}"
        );
    } else {
        println!("this machine shows a cloud's DMI sign: the cost above includes requests");
    }
}
