//! The prototype's integration tests, one binary: both paths write the same protobuf,
//! and what the prototype keeps of the API's and `tracing`'s interop.

mod interop;
mod same_protobuf;
