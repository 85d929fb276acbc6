//! One call that sets up OpenTelemetry traces, metrics and logs from the standard OTEL_* environment variables.
//!
//! **Status: skeleton.** Nothing is implemented yet; see the crate README for what
//! this crate will hold. It exports no items, so nothing can silently do nothing.
