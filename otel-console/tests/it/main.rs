//! otel-kit-console's integration tests, in one binary: each builds the SDK's providers
//! with this crate's exporters writing into a buffer, as any SDK user would.

mod buffer;
mod logs;
mod metrics;
mod spans;
mod waterfall;
