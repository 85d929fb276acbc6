//! [`init()`] and [`builder()`]: where a service starts.

use crate::{Builder, InitError, Telemetry};

/// Sets up traces, metrics and logs from the `OTEL_*` environment variables alone.
/// The same as `builder().init()`.
pub fn init() -> Result<Telemetry, InitError> {
    builder().init()
}

/// A [`Builder`] to override the environment in code.
pub fn builder() -> Builder {
    Builder::default()
}
