//! Stand-ins for the VM metadata services on loopback, speaking each documented
//! protocol: EC2's IMDSv2 (a token from `PUT /latest/api/token`, required on every GET),
//! the GCE metadata server (only with `Metadata-Flavor: Google`) and Azure's IMDS (only
//! with `Metadata: true`), with the documents their docs show; and a machine root whose
//! `/sys/class/dmi/id` says which cloud it is.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::support::TempRoot;

/// The IMDSv2 session token the EC2 stand-in hands out and then requires.
pub(crate) const EC2_TOKEN: &str = "AQAEAOaoOV8xW1Kk-token==";

/// The instance identity document, in the shape AWS documents.
pub(crate) const EC2_IDENTITY: &str = r#"{
  "accountId" : "123456789012",
  "architecture" : "x86_64",
  "availabilityZone" : "us-west-2b",
  "billingProducts" : null,
  "devpayProductCodes" : null,
  "marketplaceProductCodes" : null,
  "imageId" : "ami-0abcdef1234567890",
  "instanceId" : "i-1234567890abcdef0",
  "instanceType" : "t3.micro",
  "kernelId" : null,
  "pendingTime" : "2026-11-19T16:32:11Z",
  "privateIp" : "10.158.112.84",
  "ramdiskId" : null,
  "region" : "us-west-2",
  "version" : "2017-09-30"
}"#;

pub(crate) const EC2_HOSTNAME: &str = "ip-10-158-112-84.us-west-2.compute.internal";

/// The path of Azure's compute document, with the API version the detectors ask.
pub(crate) const AZURE_COMPUTE: &str = "/metadata/instance/compute?api-version=2021-12-13&format=json";

/// Azure's compute document, in the shape Microsoft documents (trimmed of the nested
/// profiles the detector does not read).
pub(crate) const AZURE_COMPUTE_DOCUMENT: &str = r#"{
  "azEnvironment": "AzurePublicCloud",
  "location": "westeurope",
  "name": "checkout-vm-1",
  "offer": "0001-com-ubuntu-server-jammy",
  "osType": "Linux",
  "platformFaultDomain": "0",
  "platformUpdateDomain": "0",
  "publisher": "canonical",
  "resourceGroupName": "shop",
  "resourceId": "/subscriptions/7b2c9f5e-1111-2222-3333-444455556666/resourceGroups/shop/providers/Microsoft.Compute/virtualMachines/checkout-vm-1",
  "sku": "22_04-lts-gen2",
  "subscriptionId": "7b2c9f5e-1111-2222-3333-444455556666",
  "tags": "team:shop",
  "version": "22.04.202311010",
  "vmId": "02aab8a4-74ef-476e-8182-f6d2ba4166a6",
  "vmScaleSetName": "checkout-vmss",
  "vmSize": "Standard_D2s_v5",
  "zone": "2"
}"#;

/// The GCE metadata server's values, by path under `/computeMetadata/v1/`.
pub(crate) const GCE_VALUES: [(&str, &str); 6] = [
    ("instance/id", "4520031799277581759"),
    ("instance/name", "checkout-vm-1"),
    (
        "instance/hostname",
        "checkout-vm-1.europe-west1-b.c.shop-prod.internal",
    ),
    (
        "instance/machine-type",
        "projects/123456789012/machineTypes/e2-standard-4",
    ),
    ("instance/zone", "projects/123456789012/zones/europe-west1-b"),
    ("project/project-id", "shop-prod"),
];

/// The DMI strings of each cloud's VMs, as the machines show them.
pub(crate) const EC2_DMI: &[(&str, &str)] = &[
    ("sys_vendor", "Amazon EC2"),
    ("product_name", "t3.micro"),
    ("bios_vendor", "Amazon EC2"),
    ("board_asset_tag", "i-1234567890abcdef0"),
];
pub(crate) const GCE_DMI: &[(&str, &str)] = &[
    ("sys_vendor", "Google"),
    ("product_name", "Google Compute Engine"),
    ("bios_vendor", "Google"),
];
pub(crate) const AZURE_DMI: &[(&str, &str)] = &[
    ("sys_vendor", "Microsoft Corporation"),
    ("product_name", "Virtual Machine"),
    ("chassis_asset_tag", "7783-7084-3265-9085-8269-3286-77"),
];
/// A machine of no cloud: a QEMU guest, as a CI runner or a laptop's VM shows it.
pub(crate) const QEMU_DMI: &[(&str, &str)] = &[
    ("sys_vendor", "QEMU"),
    ("product_name", "Standard PC (Q35 + ICH9, 2009)"),
    ("bios_vendor", "SeaBIOS"),
    ("chassis_asset_tag", ""),
];

/// A root whose `sys/class/dmi/id/<name>` files hold `files` (each a line, as sysfs
/// gives them).
pub(crate) fn machine(files: &[(&str, &str)]) -> TempRoot {
    let root = TempRoot::new();
    for (name, value) in files {
        root.write(&format!("sys/class/dmi/id/{name}"), format!("{value}\n"));
    }
    root
}

/// One request as the stand-in read it.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) method: String,
    pub(crate) path: String,
    headers: Vec<(String, String)>,
}

impl Seen {
    /// A header's value, its name matched without case.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the stand-in does with a request.
pub(crate) enum Reply {
    /// A status and a body, with `Content-Length`.
    Answer(u16, Vec<u8>),
    /// These bytes, then the connection closed: not HTTP at all.
    Raw(Vec<u8>),
    /// Nothing: the connection is held open for 30 s without a byte.
    Hold,
}

pub(crate) fn answer(status: u16, body: impl Into<Vec<u8>>) -> Reply {
    Reply::Answer(status, body.into())
}

/// A metadata service on `127.0.0.1`, each connection served on a thread of its own.
pub(crate) struct Stub {
    pub(crate) address: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    connections: Arc<AtomicUsize>,
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

impl Stub {
    pub(crate) fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let address = listener.local_addr().expect("its address").to_string();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let (log, counted) = (Arc::clone(&seen), Arc::clone(&connections));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                counted.fetch_add(1, Ordering::SeqCst);
                let (log, handler) = (Arc::clone(&log), Arc::clone(&handler));
                std::thread::spawn(move || serve(stream, &log, &*handler));
            }
        });
        Stub {
            address,
            seen,
            connections,
        }
    }

    /// Every request so far, in order.
    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// `METHOD path` of every request so far.
    pub(crate) fn lines(&self) -> Vec<String> {
        self.seen()
            .iter()
            .map(|s| format!("{} {}", s.method, s.path))
            .collect()
    }

    pub(crate) fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

fn serve(mut stream: TcpStream, log: &Mutex<Vec<Seen>>, handler: &Handler) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split_whitespace();
    let seen = Seen {
        method: request_line.next().unwrap_or_default().to_owned(),
        path: request_line.next().unwrap_or_default().to_owned(),
        headers: lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect(),
    };
    log.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(seen.clone());
    let bytes = match handler(&seen) {
        Reply::Answer(status, body) => {
            let mut bytes = format!(
                "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nMetadata-Flavor: Google\r\nConnection: close\r\n\r\n",
                if status == 200 { "OK" } else { "Error" },
                body.len()
            )
            .into_bytes();
            bytes.extend_from_slice(&body);
            bytes
        }
        Reply::Raw(bytes) => bytes,
        Reply::Hold => {
            std::thread::sleep(Duration::from_secs(30));
            return;
        }
    };
    let _ = stream.write_all(&bytes);
}

/// EC2's IMDSv2: a token for a PUT that gives its TTL, and every GET refused (401)
/// without that token, as on an instance that requires IMDSv2.
pub(crate) fn ec2(seen: &Seen) -> Reply {
    match (seen.method.as_str(), seen.path.as_str()) {
        ("PUT", "/latest/api/token") => match seen.header("X-aws-ec2-metadata-token-ttl-seconds") {
            Some(ttl) if ttl.parse::<u32>().is_ok_and(|s| (1..=21600).contains(&s)) => answer(200, EC2_TOKEN),
            _ => answer(400, ""),
        },
        ("GET", path) if seen.header("X-aws-ec2-metadata-token") != Some(EC2_TOKEN) => {
            answer(if path.starts_with("/latest/") { 401 } else { 404 }, "")
        }
        ("GET", "/latest/dynamic/instance-identity/document") => answer(200, EC2_IDENTITY),
        ("GET", "/latest/meta-data/hostname") => answer(200, EC2_HOSTNAME),
        _ => answer(404, ""),
    }
}

/// The GCE metadata server: plain-text values, 403 without `Metadata-Flavor: Google`.
pub(crate) fn gce(seen: &Seen) -> Reply {
    if seen.header("Metadata-Flavor") != Some("Google") {
        return answer(403, "Missing Metadata-Flavor:Google header.");
    }
    let value = seen
        .path
        .strip_prefix("/computeMetadata/v1/")
        .and_then(|path| GCE_VALUES.iter().find(|(p, _)| *p == path));
    match (seen.method.as_str(), value) {
        ("GET", Some((_, value))) => answer(200, *value),
        _ => answer(404, ""),
    }
}

/// Azure's IMDS: the compute document, 400 without `Metadata: true`.
pub(crate) fn azure(seen: &Seen) -> Reply {
    if !seen
        .header("Metadata")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return answer(
            400,
            r#"{"error": "Bad request. Required metadata header not specified"}"#,
        );
    }
    match (seen.method.as_str(), seen.path.as_str()) {
        ("GET", AZURE_COMPUTE) => answer(200, AZURE_COMPUTE_DOCUMENT),
        _ => answer(404, ""),
    }
}

/// The three services behind one address, told apart by their paths.
pub(crate) fn clouds(seen: &Seen) -> Reply {
    if seen.path.starts_with("/latest/") {
        ec2(seen)
    } else if seen.path.starts_with("/computeMetadata/") {
        gce(seen)
    } else {
        azure(seen)
    }
}
