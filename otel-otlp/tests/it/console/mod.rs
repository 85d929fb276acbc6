//! The console exporters, behind real SDK providers.

mod logs;
mod metrics;
mod spans;
