//! The resource macros and the Operator's variables; otel-kit-resource tests the
//! detection and the precedence.

mod macros;
mod operator;
