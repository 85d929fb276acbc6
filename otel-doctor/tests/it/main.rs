//! `cargo otel-doctor` run as users run it: the binary, against scratch workspaces with
//! planted faults, environments with bad values, and endpoints wrong in each way.

mod dependencies;
mod doctor;
mod environment;
mod export;
mod scratch;
