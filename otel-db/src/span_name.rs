//! Span names shared for the life of the process. The OpenTelemetry API takes a span
//! name as `Cow<'static, str>`: a `&'static str` costs nothing per span, an owned name
//! an allocation and a copy. Names come from query summaries, which are few by design
//! (operations and table names), so each distinct one is leaked once, up to
//! [`MAX_LEAKED_BYTES`] for the process; after that, names are allocated per span.

use std::borrow::Cow;
use std::sync::{Mutex, PoisonError};

use rustc_hash::FxHashSet;

/// The most bytes of span names leaked per process.
const MAX_LEAKED_BYTES: usize = 256 * 1024;

struct Leaked {
    names: FxHashSet<&'static str>,
    bytes: usize,
}

static LEAKED: Mutex<Option<Leaked>> = Mutex::new(None);

/// `name` as a `'static` string when it is already shared or there is room to share it,
/// else as it is. Called once per statement a thread describes, not per span.
pub(crate) fn shared(name: String) -> Cow<'static, str> {
    let mut leaked = LEAKED.lock().unwrap_or_else(PoisonError::into_inner);
    let leaked = leaked.get_or_insert_with(|| Leaked {
        names: FxHashSet::default(),
        bytes: 0,
    });
    if let Some(&name) = leaked.names.get(name.as_str()) {
        return Cow::Borrowed(name);
    }
    if leaked.bytes + name.len() > MAX_LEAKED_BYTES {
        return Cow::Owned(name);
    }
    leaked.bytes += name.len();
    let name: &'static str = Box::leak(name.into_boxed_str());
    leaked.names.insert(name);
    Cow::Borrowed(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_leaked_once() {
        let a = shared("SELECT span_name_test".to_owned());
        let b = shared("SELECT span_name_test".to_owned());
        match (a, b) {
            (Cow::Borrowed(a), Cow::Borrowed(b)) => assert!(std::ptr::eq(a, b)),
            other => panic!("not shared: {other:?}"),
        }
    }
}
