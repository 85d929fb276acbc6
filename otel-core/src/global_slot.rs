//! [`GlobalSlot`]: a process-wide value the kit keeps where the OpenTelemetry API has no
//! global of its own (the logger provider, the peer-service mapping).

use std::sync::{Arc, RwLock};

/// A replaceable process-wide `Arc<T>`, empty until set. Read when an instrumentation
/// resolves its providers (after a change, or at most every `REFRESH` per thread),
/// never per request.
pub(crate) struct GlobalSlot<T: ?Sized>(RwLock<Option<Arc<T>>>);

impl<T: ?Sized> GlobalSlot<T> {
    pub(crate) const fn new() -> Self {
        Self(RwLock::new(None))
    }

    pub(crate) fn set(&self, value: Option<Arc<T>>) {
        // A poisoned lock held only an `Option` being replaced: the value is still whole.
        *self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = value;
        // Every thread's copy of the globals is resolved again at its next request.
        crate::globals_changed();
    }

    pub(crate) fn get(&self) -> Option<Arc<T>> {
        self.0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}
