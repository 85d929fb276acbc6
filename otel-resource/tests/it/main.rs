//! otel-kit-resource's integration tests, in one binary: the detectors over a throwaway
//! filesystem root and an injected environment (`support`), the VM detectors against
//! stand-ins of their metadata services (`metadata_stub`) and, for EC2, against Python's
//! detector (`ec2_python`), and the precedence.

mod cloud;
// The VM detectors' signs are Linux's DMI files; elsewhere they have none to read.
#[cfg(target_os = "linux")]
mod cloud_vm;
#[cfg(target_os = "linux")]
mod cloud_vm_hostile;
mod container;
mod detect;
#[cfg(target_os = "linux")]
mod ec2_python;
#[cfg(target_os = "linux")]
mod metadata_stub;
mod precedence;
mod support;
