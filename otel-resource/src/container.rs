//! `container.id` from `/proc/self/cgroup` and, when the cgroup namespace hides it
//! (cgroup v2), from `/proc/self/mountinfo`.

use super::detect::Detection;

/// `/proc/self/cgroup` and `mountinfo` are a few KB even on busy Kubernetes nodes.
const PROC_FILE: u64 = 64 * 1024;

/// The container id, or `None` outside a container or when the runtime hides it.
pub(super) fn container_id(detection: &Detection) -> Option<String> {
    if let Some(id) = detection
        .read("proc/self/cgroup", PROC_FILE)
        .and_then(|text| text.lines().find_map(from_cgroup_line))
    {
        return Some(id);
    }
    detection
        .read("proc/self/mountinfo", PROC_FILE)
        .and_then(|text| text.lines().find_map(from_mountinfo_line))
}

/// One `hierarchy:controllers:path` line. The id is the last path segment, bare
/// (`/docker/<id>`, `/kubepods/.../<id>`) or in a systemd scope named by the runtime
/// (`docker-<id>.scope`, `cri-containerd-<id>.scope`, `crio-<id>.scope`,
/// `libpod-<id>.scope`). The same parsing serves cgroup v2 with a host cgroup
/// namespace, whose single line is `0::<path>`.
fn from_cgroup_line(line: &str) -> Option<String> {
    let path = line.splitn(3, ':').nth(2)?;
    let last = path.trim_end().rsplit('/').next()?;
    // crio and podman put their monitor (conmon) in a sibling scope; its id is not the
    // container's.
    if last.contains("conmon") {
        return None;
    }
    let name = last.strip_suffix(".scope").unwrap_or(last);
    let id = name.rsplit('-').next()?;
    is_container_id(id).then(|| id.to_owned())
}

/// One mountinfo line. Runtimes bind-mount the container's own `/etc/hostname`,
/// `/etc/hosts` and `/etc/resolv.conf` from a directory named by its id:
/// `/var/lib/docker/containers/<id>/hostname`,
/// `.../containers/storage/overlay-containers/<id>/userdata/hostname` (podman).
/// containerd mounts them from the pod *sandbox* directory, whose id is not this
/// container's, so only a directory under `containers` counts.
fn from_mountinfo_line(line: &str) -> Option<String> {
    let mut fields = line.split_whitespace();
    let source = fields.nth(3)?;
    let mount_point = fields.next()?;
    if !matches!(mount_point, "/etc/hostname" | "/etc/hosts" | "/etc/resolv.conf") {
        return None;
    }
    let segments: Vec<&str> = source.split('/').collect();
    segments
        .windows(2)
        .find(|pair| pair[0].ends_with("containers") && is_container_id(pair[1]))
        .map(|pair| pair[1].to_owned())
}

/// Docker, containerd, CRI-O and podman ids: 64 lowercase hex digits.
fn is_container_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
