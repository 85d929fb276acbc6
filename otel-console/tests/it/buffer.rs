//! The buffer the exporters under test write into, shared with the test.

use std::sync::{Arc, Mutex};

/// What the exporters write, for the test to read.
pub(crate) type Buffer = Arc<Mutex<Vec<u8>>>;

pub(crate) fn buffer() -> Buffer {
    Arc::new(Mutex::new(Vec::new()))
}

/// Everything written so far.
pub(crate) fn text(buf: &Buffer) -> String {
    String::from_utf8(buf.lock().expect("not poisoned").clone()).expect("utf-8 output")
}
