//! `otel_kit_resource`'s cloud detectors (ECS, EC2, Compute Engine, GKE, Azure VM) against
//! metadata services that answer with the fuzzer's bytes.
//!
//! Input: documents separated by `\n--\n`. A loopback HTTP server (one per process)
//! answers every request with `200 OK` and one of them, chosen by the request's path (the
//! sum of its bytes, modulo their number), so each endpoint a detector asks (ECS's
//! container and task documents, EC2's token, identity document and host name, the
//! Compute Engine and GKE attributes, Azure's compute document) gets its own document
//! once the fuzzer has found which. Each detector runs alone, on a file-system root whose
//! DMI strings show every VM platform (made once, in a temporary directory).
//!
//! Invariants: no panic; every string value on the resource is at most 256 KiB (the bound
//! on a metadata answer); every warning is one line.
#![no_main]

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use opentelemetry::Value;
use otel_kit_resource::{CloudDetector, Detection, ResourceOptions, build_resource};

/// The documents the server answers with, for the input being run.
static DOCUMENTS: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// The server's address, started once.
fn server() -> &'static str {
    static ADDRESS: OnceLock<String> = OnceLock::new();
    ADDRESS.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address").to_string();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => break,
                    }
                }
                let path = head.split(|&b| b == b' ').nth(1).unwrap_or_default();
                let body = {
                    let documents = DOCUMENTS.lock().expect("documents");
                    let pick = path.iter().map(|&b| usize::from(b)).sum::<usize>() % documents.len().max(1);
                    documents.get(pick).cloned().unwrap_or_default()
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            }
        });
        address
    })
}

/// A file-system root whose DMI strings show EC2, Compute Engine and Azure.
fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("otel-kit-fuzz-dmi-{}", std::process::id()));
        let dmi = root.join("sys/class/dmi/id");
        std::fs::create_dir_all(&dmi).expect("dmi");
        for (name, value) in [
            ("sys_vendor", "Amazon EC2"),
            ("product_name", "Google Compute Engine"),
            ("chassis_asset_tag", "7783-7084-3265-9085-8269-3286-77"),
        ] {
            std::fs::write(dmi.join(name), format!("{value}\n")).expect("dmi string");
        }
        root
    })
}

fuzz_target!(|data: &[u8]| {
    let documents: Vec<Vec<u8>> = split(data, b"\n--\n").map(<[u8]>::to_vec).collect();
    *DOCUMENTS.lock().expect("documents") = documents;
    let host = server();
    let ecs = format!("http://{host}/v4");
    for detector in [
        CloudDetector::AwsEcs,
        CloudDetector::AwsEc2,
        CloudDetector::GcpComputeEngine,
        CloudDetector::GcpGke,
        CloudDetector::AzureVm,
    ] {
        let ecs = ecs.clone();
        let detection = Detection::new(
            move |name| match name {
                "ECS_CONTAINER_METADATA_URI_V4" => Some(ecs.clone()),
                "KUBERNETES_SERVICE_HOST" => Some("10.0.0.1".to_owned()),
                _ => None,
            },
            root().clone(),
        )
        .metadata_host(host);
        let options = ResourceOptions::new()
            .service_name("fuzz")
            .cloud_detectors([detector]);
        let (resource, warnings) = build_resource(&options, &detection);
        for (key, value) in resource.iter() {
            if let Value::String(text) = value {
                assert!(
                    text.as_str().len() <= 256 * 1024,
                    "{key}: {} bytes",
                    text.as_str().len()
                );
            }
        }
        for warning in &warnings {
            assert!(
                !warning.contains('\n'),
                "{detector:?}: a warning of two lines: {warning:?}"
            );
        }
    }
});

/// `data`'s pieces between `separator`s.
fn split<'a>(data: &'a [u8], separator: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
    let mut rest = Some(data);
    std::iter::from_fn(move || {
        let now = rest?;
        match now.windows(separator.len()).position(|w| w == separator) {
            Some(at) => {
                rest = Some(&now[at + separator.len()..]);
                Some(&now[..at])
            }
            None => {
                rest = None;
                Some(now)
            }
        }
    })
}
