//! Shared by otel-kit-propagators' integration tests.

pub(crate) mod own_process;
