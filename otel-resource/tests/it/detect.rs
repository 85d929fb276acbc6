//! Detected attributes: host, OS, process, Kubernetes, `service.instance.id` and
//! `telemetry.*`, with their types; and the resource reaching exported spans.

use std::sync::{Arc, Mutex};

use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry::{Key, Value};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::resource::{ResourceDetector as _, TelemetryResourceDetector};
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use otel_kit_resource::{Detection, ResourceOptions, build_resource};
use otel_kit_semconv::resource::{
    HOST_ARCH, HOST_NAME, K8S_NAMESPACE_NAME, K8S_NODE_NAME, K8S_POD_NAME, K8S_POD_UID, OS_DESCRIPTION,
    OS_TYPE, PROCESS_COMMAND_ARGS, PROCESS_COMMAND_LINE, PROCESS_CREATION_TIME, PROCESS_PID,
    PROCESS_RUNTIME_NAME, SERVICE_INSTANCE_ID, SERVICE_NAME, TELEMETRY_DISTRO_NAME, TELEMETRY_DISTRO_VERSION,
    TELEMETRY_SDK_LANGUAGE, TELEMETRY_SDK_NAME, TELEMETRY_SDK_VERSION,
};

use crate::support::{TempRoot, build_bare, detection, get, string};

fn build_with(env: &[(&str, &str)], root: &TempRoot) -> Resource {
    build_resource(
        &ResourceOptions::new().service_name("svc"),
        &detection(env, root.path()),
    )
    .0
}

#[test]
fn process_attributes_are_typed() {
    let (resource, _) = build_bare(&ResourceOptions::new().service_name("svc"));
    assert_eq!(
        get(&resource, PROCESS_PID),
        Some(Value::I64(i64::from(std::process::id())))
    );
    assert_eq!(string(&resource, PROCESS_RUNTIME_NAME), "rust");
    // Command lines carry secrets.
    assert_eq!(get(&resource, PROCESS_COMMAND_ARGS), None);
    assert_eq!(get(&resource, PROCESS_COMMAND_LINE), None);
}

/// `/proc/self/stat` with field 22 (`starttime`) set, behind a command name that holds
/// spaces and parentheses.
fn pid_stat(start_ticks: &str) -> String {
    format!("4242 (my (odd) svc) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 {start_ticks} 1 2")
}

#[test]
fn process_creation_time_from_boot_time_and_start_ticks() {
    let root = TempRoot::new();
    root.write(
        "proc/stat",
        "cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime 1795593000\nprocesses 9\n",
    )
    .write("proc/self/stat", pid_stat("7042"));
    let resource = build_with(&[], &root);
    // 70.42 s (7042 ticks of 10 ms) after boot.
    assert_eq!(
        string(&resource, PROCESS_CREATION_TIME),
        "2026-11-25T07:51:10.420Z"
    );
}

#[test]
fn process_creation_time_absent_when_proc_is_missing_or_malformed() {
    for (proc_stat, pid_stat) in [
        (None, Some(pid_stat("7042"))),
        (Some("btime 1795593000\n".to_owned()), None),
        (Some("cpu 1 2\n".to_owned()), Some(pid_stat("7042"))),
        (Some("btime 1795593000\n".to_owned()), Some(pid_stat("-1"))),
        (
            Some("btime 1795593000\n".to_owned()),
            Some("4242 (svc) S 1 2 3".to_owned()),
        ),
        (
            Some("btime 18446744073709551615\n".to_owned()),
            Some(pid_stat("7042")),
        ),
    ] {
        let root = TempRoot::new();
        if let Some(text) = &proc_stat {
            root.write("proc/stat", text);
        }
        if let Some(text) = &pid_stat {
            root.write("proc/self/stat", text);
        }
        let resource = build_with(&[], &root);
        assert_eq!(
            get(&resource, PROCESS_CREATION_TIME),
            None,
            "{proc_stat:?} {pid_stat:?}"
        );
    }
}

/// The real process's creation time agrees with procps' `ps -o etimes=` (seconds since
/// it started) within two seconds.
#[test]
fn process_creation_time_agrees_with_ps() {
    if !cfg!(target_os = "linux") {
        eprintln!("skipped: process.creation.time is read from /proc (Linux)");
        return;
    }
    let Ok(output) = std::process::Command::new("ps")
        .args(["-o", "etimes=", "-p", &std::process::id().to_string()])
        .output()
    else {
        eprintln!("skipped: no `ps` to cross-check against");
        return;
    };
    let elapsed: u64 = String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("ps etimes");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let (resource, _) = build_resource(&ResourceOptions::new().service_name("svc"), &Detection::system());
    let ours = string(&resource, PROCESS_CREATION_TIME);
    let expected = now - elapsed;
    // Within two seconds either side: `ps` truncates to whole seconds.
    let candidates: Vec<String> = (expected - 2..=expected + 2).map(format_seconds).collect();
    assert!(
        candidates.iter().any(|c| ours.starts_with(c.as_str())),
        "ours {ours}, ps says it started at one of {candidates:?}"
    );
}

/// `YYYY-MM-DDTHH:MM:SS` of seconds since the epoch, through `date`, a second
/// implementation to check ours against.
fn format_seconds(secs: u64) -> String {
    let output = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{secs}"), "+%Y-%m-%dT%H:%M:%S"])
        .output()
        .expect("run date");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn host_arch_and_os_type_use_semconv_values() {
    let (resource, _) = build_bare(&ResourceOptions::new().service_name("svc"));
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "arm" => "arm32",
        "powerpc64" => "ppc64",
        other => other,
    };
    assert_eq!(string(&resource, HOST_ARCH), arch);
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    assert_eq!(string(&resource, OS_TYPE), os);
}

#[test]
fn host_name_prefers_the_kernel_over_hostname_variable() {
    let root = TempRoot::new();
    assert_eq!(get(&build_with(&[], &root), HOST_NAME), None);
    assert_eq!(
        string(&build_with(&[("HOSTNAME", "from-env")], &root), HOST_NAME),
        "from-env"
    );

    root.write("proc/sys/kernel/hostname", "  \n");
    assert_eq!(
        string(&build_with(&[("HOSTNAME", "from-env")], &root), HOST_NAME),
        "from-env",
        "a blank file is no name"
    );

    root.write("proc/sys/kernel/hostname", "kernel-name\n");
    assert_eq!(
        string(&build_with(&[("HOSTNAME", "from-env")], &root), HOST_NAME),
        "kernel-name"
    );
}

#[test]
fn os_description_from_os_release() {
    let root = TempRoot::new();
    assert_eq!(get(&build_with(&[], &root), OS_DESCRIPTION), None);

    root.write(
        "usr/lib/os-release",
        "NAME=Fallback\nPRETTY_NAME='Fallback OS 1'\n",
    );
    assert_eq!(string(&build_with(&[], &root), OS_DESCRIPTION), "Fallback OS 1");

    root.write(
        "etc/os-release",
        "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n",
    );
    assert_eq!(
        string(&build_with(&[], &root), OS_DESCRIPTION),
        "Debian GNU/Linux 12 (bookworm)"
    );

    root.write("etc/os-release", "ID=alpine\nPRETTY_NAME=Alpine\n");
    assert_eq!(string(&build_with(&[], &root), OS_DESCRIPTION), "Alpine");
}

#[test]
fn odd_and_huge_files_never_panic() {
    let root = TempRoot::new();
    root.write("proc/sys/kernel/hostname", [0xff, 0xfe, b'\n'])
        .write("etc/os-release", "PRETTY_NAME=\nPRETTY_NAME\n=\n\"\n")
        .write("proc/self/cgroup", "::::\n:\n\n0::\n")
        .write("proc/self/mountinfo", "1 2\n".repeat(100_000));
    let resource = build_with(&[], &root);
    assert_eq!(get(&resource, OS_DESCRIPTION), None);
    assert!(
        get(&resource, HOST_NAME).is_some(),
        "invalid UTF-8 is replaced, not refused"
    );
}

fn is_uuid_v4(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    lengths == [8, 4, 4, 4, 12]
        && id.chars().all(|c| c == '-' || matches!(c, '0'..='9' | 'a'..='f'))
        && groups[2].starts_with('4')
        && groups[3].starts_with(['8', '9', 'a', 'b'])
}

#[test]
fn instance_id_is_a_uuid_v4_stable_within_the_process() {
    let (first, _) = build_bare(&ResourceOptions::new().service_name("a"));
    let (second, _) = build_bare(&ResourceOptions::new().service_name("b"));
    let id = string(&first, SERVICE_INSTANCE_ID);
    assert!(is_uuid_v4(&id), "{id}");
    assert_eq!(
        string(&second, SERVICE_INSTANCE_ID),
        id,
        "all providers report one instance"
    );
}

const CHILD_MARKER: &str = "INSTANCE_ID=";

/// Run by `instance_id_differs_between_processes` in a child process.
#[test]
#[ignore = "run as a child process by instance_id_differs_between_processes"]
fn print_instance_id() {
    let (resource, _) = build_bare(&ResourceOptions::new().service_name("child"));
    println!("{CHILD_MARKER}{}", string(&resource, SERVICE_INSTANCE_ID));
}

#[test]
fn instance_id_differs_between_processes() {
    let child_id = || {
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "detect::print_instance_id",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        stdout
            .lines()
            .find_map(|l| {
                // The harness prints `test print_instance_id ... ` on the same line.
                let (_, rest) = l.split_once(CHILD_MARKER)?;
                rest.split_whitespace().next().map(str::to_owned)
            })
            .unwrap_or_else(|| panic!("no id in child output: {stdout}"))
    };
    let (a, b) = (child_id(), child_id());
    let (here, _) = build_bare(&ResourceOptions::new().service_name("parent"));
    let here = string(&here, SERVICE_INSTANCE_ID);
    assert!(is_uuid_v4(&a) && is_uuid_v4(&b), "{a} {b}");
    assert_ne!(a, b);
    assert_ne!(a, here);
    assert_ne!(b, here);
}

#[test]
fn telemetry_attributes() {
    let (resource, _) = build_bare(&ResourceOptions::new().service_name("svc"));
    assert_eq!(string(&resource, TELEMETRY_SDK_NAME), "opentelemetry");
    assert_eq!(string(&resource, TELEMETRY_SDK_LANGUAGE), "rust");
    let sdk = TelemetryResourceDetector.detect();
    let sdk_version = sdk.get(&Key::from_static_str(TELEMETRY_SDK_VERSION)).unwrap();
    assert!(!sdk_version.as_str().is_empty());
    assert_eq!(get(&resource, TELEMETRY_SDK_VERSION), Some(sdk_version));
    assert_eq!(string(&resource, TELEMETRY_DISTRO_NAME), "otel-kit");
    assert_eq!(
        string(&resource, TELEMETRY_DISTRO_VERSION),
        env!("CARGO_PKG_VERSION")
    );
}

const K8S_KEYS: [&str; 4] = [K8S_POD_NAME, K8S_NAMESPACE_NAME, K8S_NODE_NAME, K8S_POD_UID];

#[test]
fn kubernetes_only_inside_a_pod() {
    let root = TempRoot::new();
    root.write(
        "var/run/secrets/kubernetes.io/serviceaccount/namespace",
        "from-file",
    );
    let downward = [
        ("POD_NAME", "web-7d9f-abcde"),
        ("NODE_NAME", "laptop-or-node"),
        ("POD_UID", "0b7c1e52-1b0a-4c1e-9a4e-2f7c5c1d9e01"),
    ];

    let outside = build_with(&downward, &root);
    for key in K8S_KEYS {
        assert_eq!(get(&outside, key), None, "{key} outside a pod");
    }

    let mut env = downward.to_vec();
    env.push(("KUBERNETES_SERVICE_HOST", "10.0.0.1"));
    let inside = build_with(&env, &root);
    assert_eq!(string(&inside, K8S_POD_NAME), "web-7d9f-abcde");
    assert_eq!(string(&inside, K8S_NODE_NAME), "laptop-or-node");
    assert_eq!(
        string(&inside, K8S_POD_UID),
        "0b7c1e52-1b0a-4c1e-9a4e-2f7c5c1d9e01"
    );
    assert_eq!(
        string(&inside, K8S_NAMESPACE_NAME),
        "from-file",
        "the service-account file"
    );
}

#[test]
fn kubernetes_variable_names_in_order() {
    let root = TempRoot::new();
    root.write(
        "var/run/secrets/kubernetes.io/serviceaccount/namespace",
        "from-file\n",
    );
    let env = [
        ("KUBERNETES_SERVICE_HOST", "10.0.0.1"),
        ("K8S_POD_NAME", "k8s-pod"),
        ("POD_NAME", "pod"),
        ("K8S_POD_NAMESPACE", "k8s-pod-ns"),
        ("POD_NAMESPACE", "pod-ns"),
        ("K8S_NODE_NAME", "k8s-node"),
        ("NODE_NAME", "node"),
        ("K8S_POD_UID", "k8s-uid"),
        ("POD_UID", "uid"),
    ];
    let resource = build_with(&env, &root);
    assert_eq!(string(&resource, K8S_POD_NAME), "k8s-pod");
    assert_eq!(string(&resource, K8S_NAMESPACE_NAME), "k8s-pod-ns");
    assert_eq!(string(&resource, K8S_NODE_NAME), "k8s-node");
    assert_eq!(string(&resource, K8S_POD_UID), "k8s-uid");

    let mut with_first = env.to_vec();
    with_first.push(("K8S_NAMESPACE", "k8s-ns"));
    assert_eq!(
        string(&build_with(&with_first, &root), K8S_NAMESPACE_NAME),
        "k8s-ns"
    );

    let no_variables = build_with(&[("KUBERNETES_SERVICE_HOST", "10.0.0.1")], &root);
    assert_eq!(string(&no_variables, K8S_NAMESPACE_NAME), "from-file");
    assert_eq!(get(&no_variables, K8S_POD_NAME), None);
}

/// Keeps what the provider hands the exporter.
#[derive(Debug, Clone, Default)]
struct Capture {
    resource: Arc<Mutex<Option<Resource>>>,
    spans: Arc<Mutex<Vec<SpanData>>>,
}

impl SpanExporter for Capture {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        self.spans.lock().expect("not poisoned").extend(batch);
        Ok(())
    }

    fn set_resource(&mut self, resource: &Resource) {
        *self.resource.lock().expect("not poisoned") = Some(resource.clone());
    }
}

#[test]
fn the_resource_reaches_the_exporter() {
    let (resource, _) = build_bare(&ResourceOptions::new().service_name("exported"));
    let capture = Capture::default();
    let provider = SdkTracerProvider::builder()
        .with_resource(resource.clone())
        .with_simple_exporter(capture.clone())
        .build();
    provider.tracer("test").in_span("work", |_| {});
    provider.shutdown().unwrap();

    assert_eq!(capture.spans.lock().unwrap().len(), 1);
    let exported = capture.resource.lock().unwrap().clone().unwrap();
    assert_eq!(exported, resource);
    assert_eq!(string(&exported, SERVICE_NAME), "exported");
    assert!(matches!(get(&exported, PROCESS_PID), Some(Value::I64(_))));
}
