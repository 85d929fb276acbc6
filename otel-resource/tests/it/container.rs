//! `container.id` from sample `/proc/self/cgroup` and `/proc/self/mountinfo` files of
//! each runtime, written under a temporary root.

use otel_kit_resource::{ResourceOptions, build_resource};
use otel_kit_semconv::resource::CONTAINER_ID;

use crate::support::{TempRoot, detection, get, string};

/// A distinct, valid id per test case.
fn id(seed: char) -> String {
    std::iter::repeat_n(seed, 60).chain("0af9".chars()).collect()
}

fn detect(cgroup: Option<&str>, mountinfo: Option<&str>) -> Option<String> {
    let root = TempRoot::new();
    if let Some(text) = cgroup {
        root.write("proc/self/cgroup", text);
    }
    if let Some(text) = mountinfo {
        root.write("proc/self/mountinfo", text);
    }
    let (resource, _) = build_resource(
        &ResourceOptions::new().service_name("svc"),
        &detection(&[], root.path()),
    );
    get(&resource, CONTAINER_ID).map(|_| string(&resource, CONTAINER_ID))
}

#[test]
fn cgroup_v1_runtimes() {
    let docker = format!(
        "12:pids:/docker/{id}\n11:memory:/docker/{id}\n1:name=systemd:/docker/{id}\n",
        id = id('1')
    );
    let kubepods = format!(
        "11:cpuset:/kubepods/burstable/pod0b7c1e52-1b0a-4c1e-9a4e-2f7c5c1d9e01/{}\n",
        id('2')
    );
    let docker_scope = format!("4:devices:/system.slice/docker-{}.scope\n", id('3'));
    let containerd = format!(
        "9:cpu,cpuacct:/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-{}.scope\n",
        id('4')
    );
    let crio = format!(
        "3:memory:/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod2.slice/crio-{}.scope\n",
        id('5')
    );
    let podman = format!(
        "1:name=systemd:/machine.slice/libpod-{}.scope/container\n0::/machine.slice/libpod-{}.scope\n",
        id('6'),
        id('6')
    );
    let ecs = format!("9:perf_event:/ecs/0e1f0c6fa2/{}\n", id('7'));

    assert_eq!(detect(Some(&docker), None), Some(id('1')), "docker");
    assert_eq!(detect(Some(&kubepods), None), Some(id('2')), "kubepods");
    assert_eq!(
        detect(Some(&docker_scope), None),
        Some(id('3')),
        "docker systemd scope"
    );
    assert_eq!(detect(Some(&containerd), None), Some(id('4')), "containerd");
    assert_eq!(detect(Some(&crio), None), Some(id('5')), "cri-o");
    assert_eq!(detect(Some(&podman), None), Some(id('6')), "podman");
    assert_eq!(detect(Some(&ecs), None), Some(id('7')), "ecs");
}

#[test]
fn conmon_scopes_are_not_the_container() {
    let cgroup = format!(
        "1:name=systemd:/machine.slice/libpod-conmon-{}.scope\n0::/machine.slice/crio-conmon-{}.scope\n",
        id('8'),
        id('9')
    );
    assert_eq!(detect(Some(&cgroup), None), None);
}

#[test]
fn not_in_a_container() {
    let host = "12:pids:/user.slice/user-1000.slice/session-3.scope\n\
                1:name=systemd:/user.slice/user-1000.slice/user@1000.service/app.slice\n\
                0::/user.slice/user-1000.slice/session-3.scope\n";
    assert_eq!(detect(Some(host), None), None);
    assert_eq!(detect(None, None), None);
    // Not 64 lowercase hex digits.
    let short = format!("1:cpu:/docker/{}\n", &id('a')[..63]);
    let upper = format!("1:cpu:/docker/{}\n", id('A'));
    assert_eq!(detect(Some(&short), None), None);
    assert_eq!(detect(Some(&upper), None), None);
}

fn mount(source: &str, mount_point: &str) -> String {
    format!("1234 1200 8:1 {source} {mount_point} rw,relatime - ext4 /dev/sda1 rw\n")
}

#[test]
fn cgroup_v2_mountinfo() {
    // cgroup v2 with a private cgroup namespace: the cgroup file says nothing.
    let cgroup = "0::/\n";
    let overlay =
        "1200 1 0:52 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X\n";

    let docker = format!(
        "{overlay}{}{}{}",
        mount(
            &format!("/var/lib/docker/containers/{}/resolv.conf", id('b')),
            "/etc/resolv.conf"
        ),
        mount(
            &format!("/var/lib/docker/containers/{}/hostname", id('b')),
            "/etc/hostname"
        ),
        mount(
            &format!("/var/lib/docker/containers/{}/hosts", id('b')),
            "/etc/hosts"
        ),
    );
    assert_eq!(detect(Some(cgroup), Some(&docker)), Some(id('b')), "docker");

    let podman = mount(
        &format!(
            "/home/dev/.local/share/containers/storage/overlay-containers/{}/userdata/hostname",
            id('c')
        ),
        "/etc/hostname",
    );
    assert_eq!(detect(Some(cgroup), Some(&podman)), Some(id('c')), "podman");

    // containerd mounts /etc/hostname from the pod sandbox: not this container's id.
    let sandbox = mount(
        &format!(
            "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/{}/hostname",
            id('d')
        ),
        "/etc/hostname",
    );
    assert_eq!(detect(Some(cgroup), Some(&sandbox)), None, "containerd sandbox");

    // Another container's directory mounted elsewhere is not ours.
    let elsewhere = mount(&format!("/var/lib/docker/containers/{}", id('e')), "/data");
    assert_eq!(detect(Some(cgroup), Some(&elsewhere)), None, "unrelated mount");

    // The cgroup file wins when it names the container.
    let scoped = format!("0::/system.slice/docker-{}.scope\n", id('f'));
    assert_eq!(detect(Some(&scoped), Some(&docker)), Some(id('f')));
}

#[test]
fn reads_are_capped() {
    // An id beyond the first 64 KB is never seen: a huge file costs bounded work.
    let padding = "12:pids:/user.slice/user-1000.slice/session-3.scope\n".repeat(2_000);
    assert!(padding.len() > 64 * 1024);
    let late = format!("{padding}1:cpu:/docker/{}\n", id('1'));
    assert_eq!(detect(Some(&late), None), None);
    let early = format!("1:cpu:/docker/{}\n{padding}", id('1'));
    assert_eq!(detect(Some(&early), None), Some(id('1')));
}
