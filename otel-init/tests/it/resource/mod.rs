//! The resource macros; otel-kit-resource tests the detection and the precedence.

mod macros;
