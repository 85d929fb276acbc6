//! The local signs of the VM platforms, read before their detectors ask the network:
//! the firmware's DMI strings that Linux shows under `/sys/class/dmi/id`, as the clouds
//! document them and cloud-init reads them. They are a few world-readable sysfs files
//! held in memory, so off a cloud the VM detectors cost a few failed or short reads and
//! no request. Off Linux there is nothing to read: the VM detectors run there only when
//! named (`CloudDetector::defaults`), and then ask without a sign.

use crate::detect::Detection;

/// A DMI string is one short line (sysfs gives a page at most).
const DMI_CAP: u64 = 256;

/// Azure's chassis asset tag, the same on every Azure VM (cloud-init's Azure data source
/// checks it). `Microsoft Corporation` / `Virtual Machine` alone is any Hyper-V guest,
/// a laptop's included, whose link-local address would never answer.
const AZURE_CHASSIS_ASSET_TAG: &str = "7783-7084-3265-9085-8269-3286-77";

/// A VM platform whose sign is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Vm {
    Ec2,
    ComputeEngine,
    Azure,
}

/// Whether this machine shows `vm`'s sign; off Linux, `true` (nothing to read: the
/// detector runs only when it was named).
pub(crate) fn shows(vm: Vm, detection: &Detection) -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let read = |path: &str| {
        detection
            .read_regular(path, DMI_CAP)
            .and_then(|text| text.lines().next().map(|line| line.trim().to_owned()))
            .filter(|line| !line.is_empty())
    };
    let dmi = |name: &str| read(&format!("sys/class/dmi/id/{name}"));
    match vm {
        // Nitro instances name Amazon EC2 as the vendor and carry the instance id as the
        // board's asset tag; Xen ones show it only in the UUIDs, which start with `ec2`
        // (`product_uuid` is readable by root only; `/sys/hypervisor/uuid` by anyone).
        Vm::Ec2 => {
            ["sys_vendor", "bios_vendor", "board_vendor"]
                .iter()
                .any(|name| dmi(name).is_some_and(|v| v == "Amazon EC2"))
                || dmi("board_asset_tag").is_some_and(|tag| tag.starts_with("i-"))
                || [dmi("product_uuid"), read("sys/hypervisor/uuid")]
                    .into_iter()
                    .flatten()
                    .any(|uuid| uuid.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("ec2")))
        }
        // What Google's own client libraries test on Linux (`metadata.OnGCE`).
        Vm::ComputeEngine => {
            dmi("product_name").is_some_and(|name| name == "Google Compute Engine" || name == "Google")
                || ["sys_vendor", "bios_vendor"]
                    .iter()
                    .any(|name| dmi(name).is_some_and(|v| v == "Google"))
        }
        Vm::Azure => dmi("chassis_asset_tag").is_some_and(|tag| tag == AZURE_CHASSIS_ASSET_TAG),
    }
}
