//! OpenTelemetry middleware for HTTP: a tower layer for axum/hyper servers and
//! reqwest-middleware for clients.
//!
//! **Status: in progress.** What exists: [`conventions`], the HTTP semantic-convention
//! pieces both sides share (method normalisation, URL and query redaction, header
//! capture rules, duration buckets). The server layer and client middleware are being
//! built; see the crate README.

pub mod conventions;
