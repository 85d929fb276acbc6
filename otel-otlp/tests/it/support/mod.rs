//! Shared by otel-kit-otlp's integration tests.

pub(crate) mod own_process;
pub(crate) mod warnings;
