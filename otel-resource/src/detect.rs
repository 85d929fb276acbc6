//! Where detection looks ([`Detection`]), and the host, OS, process and telemetry-SDK
//! attributes.

use std::fmt;
use std::fs::File;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use opentelemetry::KeyValue;
use opentelemetry_sdk::resource::{ResourceDetector as _, TelemetryResourceDetector};
use otel_kit_semconv::resource::{
    HOST_ARCH, HOST_NAME, OS_DESCRIPTION, OS_TYPE, PROCESS_CREATION_TIME, PROCESS_EXECUTABLE_NAME,
    PROCESS_PID, PROCESS_RUNTIME_NAME, TELEMETRY_DISTRO_NAME, TELEMETRY_DISTRO_VERSION,
};

use crate::process_start;

/// Small files (host name, namespace, os-release) are read up to this many bytes.
pub(super) const SMALL_FILE: u64 = 4 * 1024;

type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Where resource detection looks: an environment-variable lookup, the filesystem
/// root under which `/proc`, `/etc`, `/sys/class/dmi/id` and `/var/run/secrets` are
/// read, and optionally the VM metadata services' host ([`Detection::metadata_host`]).
///
/// [`Detection::system`] is the real process; tests and embedders pass a map and a
/// directory to [`Detection::new`], so nothing reads or changes the process environment.
///
/// ```
/// use otel_kit_resource::Detection;
///
/// let detection = Detection::new(
///     |name| (name == "HOSTNAME").then(|| "web-1".to_owned()),
///     "/nonexistent",
/// );
/// assert!(format!("{detection:?}").contains("/nonexistent"));
/// let _real = Detection::system();
/// ```
#[derive(Clone)]
pub struct Detection {
    lookup: Arc<Lookup>,
    root: PathBuf,
    metadata_host: Option<String>,
}

impl Detection {
    /// The process environment (`std::env::var`) and the real filesystem root `/`.
    ///
    /// ```
    /// use opentelemetry::{Key, Value};
    /// use otel_kit_semconv::resource::PROCESS_PID;
    /// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
    ///
    /// let (resource, _) = build_resource(&ResourceOptions::new().service_name("svc"), &Detection::system());
    /// let pid = i64::from(std::process::id());
    /// assert_eq!(resource.get(&Key::from_static_str(PROCESS_PID)), Some(Value::I64(pid)));
    /// ```
    pub fn system() -> Self {
        Self::new(|name| std::env::var(name).ok(), "/")
    }

    /// Any lookup and root: `root.join("proc/self/cgroup")` and so on are read.
    ///
    /// ```
    /// use std::collections::HashMap;
    ///
    /// use opentelemetry::{Key, Value};
    /// use otel_kit_semconv::resource::{HOST_NAME, K8S_POD_NAME};
    /// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
    ///
    /// let env = HashMap::from([
    ///     ("HOSTNAME", "web-1"),
    ///     ("KUBERNETES_SERVICE_HOST", "10.0.0.1"),
    ///     ("POD_NAME", "web-1"),
    /// ]);
    /// let detection = Detection::new(move |name| env.get(name).map(|v| v.to_string()), "/nonexistent");
    /// let (resource, _) = build_resource(&ResourceOptions::new().service_name("web"), &detection);
    /// assert_eq!(resource.get(&Key::from_static_str(HOST_NAME)), Some(Value::from("web-1")));
    /// assert_eq!(resource.get(&Key::from_static_str(K8S_POD_NAME)), Some(Value::from("web-1")));
    /// ```
    pub fn new(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        root: impl Into<PathBuf>,
    ) -> Self {
        Detection {
            lookup: Arc::new(lookup),
            root: root.into(),
            metadata_host: None,
        }
    }

    /// Asks the VM metadata services (the detectors `aws_ec2`, `gcp_compute_engine`,
    /// `azure_vm`, and `gcp_gke`) at `host` (`host[:port]`, plain HTTP) instead of
    /// their own addresses: `169.254.169.254` for EC2 and Azure,
    /// `metadata.google.internal` for Google. It wins over the variables the platforms'
    /// SDKs read (`AWS_EC2_METADATA_SERVICE_ENDPOINT`, `GCE_METADATA_HOST`). For tests
    /// against a stand-in service, and for a relay in front of the real ones; the VM
    /// detectors still ask only on a machine that shows their platform's sign.
    ///
    /// ```
    /// use otel_kit_resource::Detection;
    ///
    /// let detection = Detection::system().metadata_host("127.0.0.1:8080");
    /// assert!(format!("{detection:?}").contains("127.0.0.1:8080"));
    /// ```
    #[must_use]
    pub fn metadata_host(mut self, host: impl Into<String>) -> Self {
        self.metadata_host = Some(host.into());
        self
    }

    /// The host given to [`Detection::metadata_host`], if any.
    pub(super) fn metadata_host_override(&self) -> Option<&str> {
        self.metadata_host.as_deref()
    }

    /// The trimmed value of a variable; empty counts as unset, as for `OTEL_*`.
    pub(super) fn var(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The first of `names` that is set.
    pub(super) fn first_var(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|name| self.var(name))
    }

    /// At most `cap` bytes of `root/relative`, cut back to the last whole line when the
    /// file is longer, so a huge or endless file costs bounded work and a cut line is
    /// never parsed. Not valid UTF-8 is replaced, not refused.
    pub(super) fn read(&self, relative: &str, cap: u64) -> Option<String> {
        read_capped(&self.root.join(relative), cap)
    }

    /// [`Detection::read`] of a regular file only (sysfs attributes are): opening a FIFO
    /// or a device could block without end, so anything else is not opened.
    pub(super) fn read_regular(&self, relative: &str, cap: u64) -> Option<String> {
        let path = self.root.join(relative);
        if !std::fs::metadata(&path).ok()?.is_file() {
            return None;
        }
        read_capped(&path, cap)
    }
}

impl fmt::Debug for Detection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Detection")
            .field("root", &self.root)
            .field("metadata_host", &self.metadata_host)
            .finish_non_exhaustive()
    }
}

fn read_capped(path: &Path, cap: u64) -> Option<String> {
    let mut bytes = Vec::new();
    File::open(path)
        .ok()?
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    if bytes.len() as u64 > cap {
        let whole_lines = bytes.iter().rposition(|&b| b == b'\n').unwrap_or(0);
        bytes.truncate(whole_lines);
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The base name of the running executable, as `process.executable.name` wants it.
pub(super) fn executable_name() -> Option<String> {
    std::env::current_exe()
        .ok()?
        .file_name()?
        .to_str()
        .map(str::to_owned)
}

/// `host.*`, `os.*`, `process.*`: everything about this machine and process.
pub(super) fn host_os_process(detection: &Detection) -> Vec<KeyValue> {
    let mut out = vec![
        KeyValue::new(HOST_ARCH, host_arch(std::env::consts::ARCH)),
        KeyValue::new(PROCESS_PID, i64::from(std::process::id())),
        // A Rust binary has no separate runtime; like Go's SDK (which reports "go"),
        // name the language so backends grouping by runtime see Rust services. The
        // compiler version is not knowable without a build script, so it is left out.
        KeyValue::new(PROCESS_RUNTIME_NAME, "rust"),
    ];
    if let Some(os) = os_type(std::env::consts::OS) {
        out.push(KeyValue::new(OS_TYPE, os));
    }
    // The kernel's name first: `HOSTNAME` is often a stale shell variable.
    let host = first_line(detection.read("proc/sys/kernel/hostname", SMALL_FILE))
        .or_else(|| detection.var("HOSTNAME"));
    if let Some(host) = host {
        out.push(KeyValue::new(HOST_NAME, host));
    }
    if let Some(description) = os_description(detection) {
        out.push(KeyValue::new(OS_DESCRIPTION, description));
    }
    if let Some(exe) = executable_name() {
        out.push(KeyValue::new(PROCESS_EXECUTABLE_NAME, exe));
    }
    if let Some(started) = process_creation_time(detection) {
        out.push(KeyValue::new(PROCESS_CREATION_TIME, started));
    }
    out
}

/// `telemetry.sdk.*` from the SDK's own detector (so the version is the linked
/// `opentelemetry_sdk`'s), plus this kit as the distribution.
pub(super) fn telemetry() -> Vec<KeyValue> {
    let sdk = TelemetryResourceDetector.detect();
    let mut out: Vec<KeyValue> = sdk
        .iter()
        .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
        .collect();
    out.push(KeyValue::new(TELEMETRY_DISTRO_NAME, "otel-kit"));
    out.push(KeyValue::new(TELEMETRY_DISTRO_VERSION, env!("CARGO_PKG_VERSION")));
    out
}

/// `process.creation.time` from `/proc` (Linux).
fn process_creation_time(detection: &Detection) -> Option<String> {
    let pid_stat = detection.read("proc/self/stat", process_start::PID_STAT_CAP)?;
    let proc_stat = detection.read("proc/stat", process_start::PROC_STAT_CAP)?;
    process_start::creation_time(&pid_stat, &proc_stat)
}

fn first_line(text: Option<String>) -> Option<String> {
    let line = text?.lines().next()?.trim().to_owned();
    (!line.is_empty()).then_some(line)
}

/// Rust's architecture names mapped to the semconv `host.arch` well-known values;
/// others pass through, as the open enum allows.
fn host_arch(arch: &str) -> &str {
    match arch {
        "x86_64" => "amd64",
        "x86" => "x86",
        "aarch64" => "arm64",
        "arm" => "arm32",
        "powerpc" => "ppc32",
        "powerpc64" => "ppc64",
        "s390x" => "s390x",
        other => other,
    }
}

/// Rust's OS names mapped to the semconv `os.type` values; `None` where none fits.
fn os_type(os: &str) -> Option<&'static str> {
    Some(match os {
        "linux" | "android" => "linux",
        "macos" | "ios" | "tvos" | "watchos" | "visionos" => "darwin",
        "windows" => "windows",
        "freebsd" => "freebsd",
        "netbsd" => "netbsd",
        "openbsd" => "openbsd",
        "dragonfly" => "dragonflybsd",
        "solaris" | "illumos" => "solaris",
        "aix" => "aix",
        _ => return None,
    })
}

/// `PRETTY_NAME` from os-release (`/etc` first, then `/usr/lib`, as systemd specifies).
fn os_description(detection: &Detection) -> Option<String> {
    ["etc/os-release", "usr/lib/os-release"]
        .iter()
        .find_map(|path| detection.read(path, SMALL_FILE))
        .and_then(|text| {
            text.lines().find_map(|line| {
                let value = line.trim().strip_prefix("PRETTY_NAME=")?.trim();
                let value = value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                    .unwrap_or(value);
                (!value.is_empty()).then(|| value.to_owned())
            })
        })
}
