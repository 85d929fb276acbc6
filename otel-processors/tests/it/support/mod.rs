//! Shared by otel-kit-processors' integration tests.

pub(crate) mod own_process;
pub(crate) mod warnings;
