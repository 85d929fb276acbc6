//! Whether the metrics SDK in this process implements bound instruments.
//!
//! The API's `bind` (`experimental_metrics_bound_instruments`, which this crate's
//! `bound-instruments` feature turns on) falls back, in an SDK built without that
//! feature, to a handle that drops every measurement, and an instrumentation cannot
//! tell such a handle from a real one. So an instrumentation binds only once a crate
//! that builds the SDK with the feature has declared it: otel-kit-init (its
//! `bound-instruments` feature) and otel-kit-testing (its `bound-instruments` feature)
//! do, when they build a meter provider. Cargo builds one `opentelemetry_sdk` per
//! version with the union of the features asked of it, so the declaration then holds
//! for every meter provider of that SDK in the binary, the application's own included.
//!
//! Without this crate's `bound-instruments` feature, [`sdk_binds`] is always `false`:
//! every instrumentation records with attributes.
//!
//! ```
//! use otel_kit_core::__private::bound_instruments;
//!
//! bound_instruments::declare_sdk_binds();
//! // `true` with the `bound-instruments` feature, `false` without.
//! let _binds = bound_instruments::sdk_binds();
//! ```

use std::sync::atomic::{AtomicBool, Ordering};

static DECLARED: AtomicBool = AtomicBool::new(false);

/// Declares that the SDK in this binary is built with
/// `experimental_metrics_bound_instruments`: its instruments' `bind` records.
pub fn declare_sdk_binds() {
    DECLARED.store(true, Ordering::Relaxed);
}

/// Whether the instrumentations may bind: this crate's `bound-instruments` feature is
/// on and [`declare_sdk_binds`] was called. Until then, instrumentations record with
/// attributes rather than through bound handles.
pub fn sdk_binds() -> bool {
    cfg!(feature = "bound-instruments") && DECLARED.load(Ordering::Relaxed)
}
