//! The VM detectors against metadata services that misbehave: one that accepts and never
//! answers costs at most the budget; 400 KiB of junk, invalid JSON, bytes that are not
//! HTTP, a refused IMDSv2 token (no IMDSv1 fallback) or a token that would add a header
//! each yield no attribute and one warning; a FIFO where a DMI file belongs is not
//! opened. None panics.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use opentelemetry::Key;
use opentelemetry_sdk::Resource;
use otel_kit_resource::CloudDetector;

use crate::cloud_vm::detect;
use crate::metadata_stub::{
    AZURE_DMI, EC2_DMI, GCE_DMI, Reply, Seen, Stub, answer, azure, clouds, ec2, gce, machine,
};

/// `metadata_get::BUDGET`: the most one detector spends on the network.
const BUDGET: Duration = Duration::from_secs(1);
/// Room for a loaded machine; still far below any timeout of the peers (Python's 5 s).
const MARGIN: Duration = Duration::from_secs(2);

/// Each VM: its name in warnings, its DMI, its detector and its protocol.
type Vm = (
    &'static str,
    &'static [(&'static str, &'static str)],
    CloudDetector,
    fn(&Seen) -> Reply,
);

const VMS: [Vm; 3] = [
    ("aws_ec2", EC2_DMI, CloudDetector::AwsEc2, ec2),
    (
        "gcp_compute_engine",
        GCE_DMI,
        CloudDetector::GcpComputeEngine,
        gce,
    ),
    ("azure_vm", AZURE_DMI, CloudDetector::AzureVm, azure),
];

fn no_cloud(resource: &Resource) -> bool {
    ["cloud.provider", "cloud.platform", "host.id"]
        .iter()
        .all(|key| resource.get(&Key::from_static_str(key)).is_none())
}

/// Detection with `vm`'s detector alone against `stub`: nothing detected, one warning
/// naming the detector and the address (and `why`, when given).
fn assert_one_warning(vm: &Vm, stub: &Stub, case: &str, why: Option<&str>) {
    let (name, dmi, detector, _) = *vm;
    let (resource, warnings) = detect(&machine(dmi), &[], stub, Some(&[detector]));
    assert!(no_cloud(&resource), "{name} {case}: attributes");
    assert_eq!(warnings.len(), 1, "{name} {case}: {warnings:?}");
    let warning = &warnings[0];
    assert!(
        warning.starts_with(&format!("{name}:")) && warning.contains(&stub.address),
        "{name} {case}: {warning}"
    );
    if let Some(why) = why {
        assert!(warning.contains(why), "{name} {case}: {warning}");
    }
}

#[test]
fn a_service_that_accepts_and_never_answers_costs_at_most_the_budget() {
    std::thread::scope(|scope| {
        for vm in &VMS {
            scope.spawn(move || {
                let stub = Stub::start(|_| Reply::Hold);
                let started = Instant::now();
                assert_one_warning(vm, &stub, "hanging", Some("no answer within the time allowed"));
                let elapsed = started.elapsed();
                println!("{}: abandoned after {elapsed:?}", vm.0);
                assert!(elapsed < BUDGET + MARGIN, "{}: {elapsed:?}", vm.0);
                // It did wait for the answer: the hang was exercised, not skipped.
                assert!(elapsed >= BUDGET / 2, "{}: {elapsed:?}", vm.0);
                assert_eq!(
                    stub.connections(),
                    1,
                    "{}: one request, then the budget was spent",
                    vm.0
                );
            });
        }
    });
}

#[test]
fn junk_invalid_json_and_bytes_that_are_not_http_yield_one_warning() {
    for vm in &VMS {
        let protocol = vm.3;
        // 400 KiB of junk with a 200: past the 256 KiB any document may have.
        let junk = Stub::start(move |seen| match protocol(seen) {
            Reply::Answer(200, _) => answer(200, vec![b'x'; 400 * 1024]),
            other => other,
        });
        assert_one_warning(vm, &junk, "400 KiB", Some("too large"));
        // Not HTTP at all.
        let garbage = Stub::start(|_| Reply::Raw(b"\x00\xffSSH-2.0-OpenSSH_9.6\r\n".to_vec()));
        assert_one_warning(vm, &garbage, "not HTTP", None);
        // Answered and closed before any status line.
        let empty = Stub::start(|_| Reply::Raw(Vec::new()));
        assert_one_warning(vm, &empty, "empty", None);
    }
    // A document that is not JSON (EC2, Azure), and a GCE value that is many lines of
    // HTML: a captive portal's page.
    let page = "<html><body>Welcome\n to the hotel</body></html>";
    for vm in &VMS {
        assert_one_warning(vm, &Stub::start(documents(page)), "a web page", None);
    }
    let truncated = Stub::start(documents(r#"{"instanceId": "i-1", "vmId": "#));
    assert_one_warning(
        &VMS[0],
        &truncated,
        "truncated JSON",
        Some("not the documented JSON"),
    );
    assert_one_warning(
        &VMS[2],
        &truncated,
        "truncated JSON",
        Some("not the documented JSON"),
    );
    // JSON, but not the documented object.
    let array = Stub::start(documents("[1, 2, 3]"));
    assert_one_warning(&VMS[0], &array, "an array", Some("no instanceId"));
    assert_one_warning(&VMS[2], &array, "an array", Some("no vmId"));
}

/// The three services, each document or value they would give replaced by `body` (EC2's
/// token kept, so that its GETs are made).
fn documents(body: &'static str) -> impl Fn(&Seen) -> Reply + Send + Sync + 'static {
    move |seen| match clouds(seen) {
        Reply::Answer(200, _) if seen.method == "GET" => answer(200, body),
        other => other,
    }
}

/// A refused token ends EC2 detection: no IMDSv1 GET follows, as in Python's detector.
#[test]
fn a_refused_imdsv2_token_ends_ec2_detection_without_an_imdsv1_fallback() {
    for status in [403, 405, 401] {
        let stub = Stub::start(move |seen| {
            if seen.method == "PUT" {
                answer(status, "")
            } else {
                // An IMDSv1 instance would answer this without a token.
                ec2(seen)
            }
        });
        assert_one_warning(
            &VMS[0],
            &stub,
            "token refused",
            Some(&format!("answered {status}")),
        );
        assert_eq!(
            stub.lines(),
            ["PUT /latest/api/token"],
            "{status}: no GET after it"
        );
    }
}

/// A token that would add a header line is not sent: the request stops before any
/// byte of it is written.
#[test]
fn a_token_that_would_add_a_header_is_never_sent() {
    let stub = Stub::start(|seen| match seen.method.as_str() {
        "PUT" => answer(200, "abc\r\nX-Injected: yes"),
        _ => ec2(seen),
    });
    assert_one_warning(&VMS[0], &stub, "header injection", Some("not one line"));
    assert_eq!(stub.lines(), ["PUT /latest/api/token"]);
}

/// A FIFO in place of a DMI file would block an `open` for reading until a writer came;
/// it is not opened, and detection goes on without the sign.
#[test]
fn a_fifo_where_a_dmi_file_belongs_does_not_block() {
    let root = machine(&[]);
    let fifo = root.path().join("sys/class/dmi/id/sys_vendor");
    std::fs::create_dir_all(fifo.parent().expect("a parent")).expect("the DMI directory");
    match std::process::Command::new("mkfifo").arg(&fifo).status() {
        Ok(status) if status.success() => {}
        other => {
            eprintln!("skipping: mkfifo is not available ({other:?})");
            return;
        }
    }
    let stub = Stub::start(clouds);
    let address = stub.address.clone();
    let path = root.path().to_owned();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let detection = crate::support::detection(&[], &path).metadata_host(address);
        let found = otel_kit_resource::build_resource(
            &otel_kit_resource::ResourceOptions::new()
                .service_name("svc")
                .cloud_detectors(VMS.iter().map(|vm| vm.2)),
            &detection,
        );
        let _ = sender.send(found);
    });
    let (resource, warnings) = receiver
        .recv_timeout(Duration::from_secs(10))
        .expect("detection blocked on the FIFO");
    assert!(no_cloud(&resource) && warnings.is_empty(), "{warnings:?}");
    assert_eq!(stub.connections(), 0);
}
