//! The EC2 detector against Python's (`Ec2ResourceDetector` of
//! opentelemetry-sdk-extension-aws 2.1.0), both asking the same IMDSv2 stand-in: the
//! same attributes (the kit adds `host.image.id`), and with a refused token neither
//! detects anything nor falls back to IMDSv1. Python runs `tests/it/python_ec2.py`,
//! which points the detector's module constant at the stand-in. Runs when
//! `TEST_PYTHON_OTEL` names a python3 with the package; without it each test says why on
//! stderr and passes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use opentelemetry::Value;
use otel_kit_resource::CloudDetector;

use crate::cloud_vm::detect;
use crate::metadata_stub::{EC2_DMI, Stub, answer, ec2, machine};

const PYTHON_VAR: &str = "TEST_PYTHON_OTEL";

/// The interpreter from `TEST_PYTHON_OTEL`, or `None` after saying why the test skips.
fn python(test: &str) -> Option<PathBuf> {
    let Some(path) = std::env::var_os(PYTHON_VAR).filter(|v| !v.is_empty()) else {
        eprintln!(
            "skipping {test}: {PYTHON_VAR} is not set (the path of a python3 whose venv has \
             opentelemetry-sdk-extension-aws==2.1.0; .ci/run sets it)"
        );
        return None;
    };
    let path = PathBuf::from(path);
    assert!(path.is_file(), "{PYTHON_VAR}={} is not a file", path.display());
    Some(path)
}

/// What Python's detector finds at `address`, as strings by key.
fn python_detects(python: &Path, address: &str) -> BTreeMap<String, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/python_ec2.py");
    let mut command = Command::new(python);
    command.arg(&script).arg(address);
    // An `OTEL_*` of the caller's (`OTEL_SDK_DISABLED`, ...) must not change Python's run.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("OTEL_") {
            command.env_remove(name);
        }
    }
    let output = command.output().expect("the python of TEST_PYTHON_OTEL runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "python_ec2.py failed: {stderr}");
    eprintln!("python_ec2.py's log: {stderr}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("python printed JSON");
    json.as_object()
        .expect("a JSON object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string attributes").to_owned()))
        .collect()
}

/// What the kit's EC2 detector adds at `stub`, as strings by key: the attributes that
/// detection with it has and detection without it lacks or has otherwise.
fn kit_detects(stub: &Stub) -> (BTreeMap<String, String>, Vec<String>) {
    let root = machine(EC2_DMI);
    let as_map = |resource: opentelemetry_sdk::Resource| -> BTreeMap<String, String> {
        resource
            .iter()
            .map(|(k, v)| {
                let Value::String(s) = v else {
                    return (k.to_string(), format!("{v:?}"));
                };
                (k.to_string(), s.as_str().to_owned())
            })
            .collect()
    };
    let (without, _) = detect(&root, &[], stub, Some(&[]));
    let (with, warnings) = detect(&root, &[], stub, Some(&[CloudDetector::AwsEc2]));
    let without = as_map(without);
    let added = as_map(with)
        .into_iter()
        .filter(|(k, v)| without.get(k) != Some(v))
        .collect();
    (added, warnings)
}

#[test]
fn ec2_attributes_agree_with_pythons_detector() {
    let Some(python) = python("ec2_attributes_agree_with_pythons_detector") else {
        return;
    };
    let stub = Stub::start(ec2);
    let theirs = python_detects(&python, &stub.address);
    println!("python: {theirs:?}");
    // Python asked as the kit does: the token, then the two GETs with it.
    assert_eq!(
        stub.lines(),
        [
            "PUT /latest/api/token",
            "GET /latest/dynamic/instance-identity/document",
            "GET /latest/meta-data/hostname",
        ]
    );
    let (ours, warnings) = kit_detects(&stub);
    println!("kit:    {ours:?}");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(theirs.len(), 8, "Python's eight attributes: {theirs:?}");
    for (key, value) in &theirs {
        assert_eq!(ours.get(key), Some(value), "{key}");
    }
    let only_ours: Vec<&String> = ours.keys().filter(|k| !theirs.contains_key(*k)).collect();
    assert_eq!(only_ours, ["host.image.id"], "what the kit adds");
}

#[test]
fn with_a_refused_token_neither_detects_nor_falls_back_to_imdsv1() {
    let Some(python) = python("with_a_refused_token_neither_detects_nor_falls_back_to_imdsv1") else {
        return;
    };
    for status in [403, 405] {
        let refusing = move |seen: &crate::metadata_stub::Seen| {
            if seen.method == "PUT" {
                answer(status, "")
            } else {
                ec2(seen)
            }
        };
        let stub = Stub::start(refusing);
        let theirs = python_detects(&python, &stub.address);
        assert!(theirs.is_empty(), "python with {status}: {theirs:?}");
        assert_eq!(stub.lines(), ["PUT /latest/api/token"], "python with {status}");
        let stub = Stub::start(refusing);
        let (ours, warnings) = kit_detects(&stub);
        assert!(ours.is_empty(), "kit with {status}: {ours:?}");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(stub.lines(), ["PUT /latest/api/token"], "kit with {status}");
    }
}
