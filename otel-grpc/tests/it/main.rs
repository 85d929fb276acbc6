//! otel-kit-grpc's integration tests, one binary, each through a real tonic server and
//! client over loopback: unary calls (`unary`), streaming calls (`streaming`), calls
//! that fail (`failures`) and their exception events (`exceptions`), one trace across
//! HTTP and gRPC hops (`chain`), the layers' hooks (`hooks`), calls counted by their
//! incoming context (`incoming_context`), the server span from a
//! handler (`server_span`), and what the conventions ask that a layer could miss, with
//! the registry check (`conventions`). `support` holds
//! the test protos, the Echo service, the server and the traced clients.
//!
//! Tests that install the harness globally run one at a time (the harness's global
//! lock); the others run in parallel. hyper and h2 make `tracing` spans of their own,
//! which reach whichever harness is installed: the tests assert on their own trace.

mod chain;
mod conventions;
mod exceptions;
mod failures;
mod hooks;
mod incoming_context;
mod request_caps;
mod server_span;
mod streaming;
mod support;
mod unary;
