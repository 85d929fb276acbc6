//! The prototype's integration tests, one binary: both paths write the same protobuf,
//! and what the prototype keeps of the API's and `tracing`'s interop.

use std::sync::{Arc, Mutex, PoisonError};

use span_direct::byte_queue::RequestSink;

mod interop;
mod same_protobuf;

/// A sink that keeps each request body the worker writes.
fn collecting_sink() -> (RequestSink, Arc<Mutex<Vec<Vec<u8>>>>) {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let sink = {
        let bodies = Arc::clone(&bodies);
        Arc::new(move |body: &[u8]| {
            bodies
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(body.to_vec())
        })
    };
    (sink, bodies)
}
