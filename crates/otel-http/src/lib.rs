//! OpenTelemetry middleware for HTTP: a tower layer for axum/hyper servers and reqwest-middleware for clients.
//!
//! **Status: skeleton.** Nothing is implemented yet; see the crate README for what
//! this crate will hold. It exports no items, so nothing can silently do nothing.
