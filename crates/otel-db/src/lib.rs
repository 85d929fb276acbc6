//! OpenTelemetry instrumentation for sqlx following the stable database semantic conventions.
//!
//! **Status: skeleton.** Nothing is implemented yet; see the crate README for what
//! this crate will hold. It exports no items, so nothing can silently do nothing.
