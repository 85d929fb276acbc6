//! Resource detection for any `opentelemetry_sdk` user: the service's own attributes
//! layered over the detected host, OS, process, container, Kubernetes and cloud ones,
//! by the precedence the README's table gives.
//!
//! - [`ResourceOptions`] (`options`): what the code and the (already read) environment
//!   say about the service.
//! - [`build_resource`] (`build`): detection and the options layered into one
//!   `Resource`, with the warnings to log.
//! - [`Detection`] (`detect`): where detection looks (a variable lookup and a
//!   filesystem root); the host, OS, process and `telemetry.*` attributes.
//! - `process_start`: `process.creation.time`, which with `process.pid` identifies the
//!   process.
//! - [`CloudDetector`] (`cloud/`): the cloud platforms (`mod.rs`, `aws_ecs`, `gcp_gke`),
//!   the metadata endpoints they ask, with a deadline (`metadata_get`); the VMs'
//!   metadata services (`aws_ec2`, `gcp_compute_engine`, `azure_vm`: EC2's IMDSv2, the
//!   GCE metadata server, Azure's IMDS), each asked only when the machine's DMI strings
//!   show its cloud (`dmi`).
//! - `container`, `k8s`, `instance_id`: `container.id`, `k8s.*`, `service.instance.id`.
//! - `detectors`: [`Detection`] and [`CloudDetector`] as
//!   `opentelemetry_sdk::resource::ResourceDetector`s.

mod build;
mod cloud;
mod container;
mod detect;
mod detectors;
mod instance_id;
mod k8s;
mod options;
mod process_start;

pub use build::{RESOURCE_DETECTORS, build_resource};
pub use cloud::CloudDetector;
pub use detect::Detection;
pub use k8s::OPERATOR_VARIABLES;
pub use options::ResourceOptions;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
