//! [`globals_changed`]: how a thread learns that the process-wide providers changed.
//!
//! An instrumentation built without providers of its own keeps, per thread, a copy of
//! what the globals resolve to ([`Resolver`](crate::request_path::resolver::Resolver)). Checking the globals
//! themselves on every request would take their read locks (a cache line every core
//! writes); comparing a generation number is one load of a line nobody writes. So
//! whatever sets a global through the kit (otel-kit-init, otel-kit-testing, the kit's
//! own global setters) counts a generation, and every thread resolves afresh at its next
//! request. A global set with the OpenTelemetry API alone is not seen at once: the copies
//! are also refreshed every [`REFRESH`](crate::request_path::resolver::REFRESH), or call [`globals_changed`] after
//! setting it.
//!
//! ```
//! let before = otel_kit_core::globals_generation::current();
//! opentelemetry::global::set_text_map_propagator(
//!     opentelemetry::trace::noop::NoopTextMapPropagator::new(),
//! );
//! otel_kit_core::globals_changed();
//! assert_ne!(otel_kit_core::globals_generation::current(), before);
//! ```

use std::sync::atomic::{AtomicU64, Ordering};

static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Tells every instrumentation that a global provider, propagator, logger provider or
/// peer-service mapping changed: each thread resolves them again at its next request.
/// otel-kit-init and otel-kit-testing call it after they set the globals; an
/// application that sets them with `opentelemetry::global` alone may call it too.
pub fn globals_changed() {
    // Release: a thread that sees the new number sees what was set before it.
    GENERATION.fetch_add(1, Ordering::Release);
}

/// The current generation: changes whenever [`globals_changed`] is called.
pub fn current() -> u64 {
    GENERATION.load(Ordering::Acquire)
}
