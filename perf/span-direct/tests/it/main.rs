//! The crate's integration tests, one binary: the prototype's two paths write the same
//! protobuf, what the prototype keeps of the API's and `tracing`'s interop, and the
//! recorded-span benchmark's spans as a collector receives them.

use std::sync::{Arc, Mutex, PoisonError};

use span_direct::byte_queue::RequestSink;

mod interop;
mod recorded;
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
