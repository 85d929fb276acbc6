//! The signal type, otel-kit-core's, under the path the console exporters import it by.

pub(crate) use otel_kit_core::otlp::Signal;
