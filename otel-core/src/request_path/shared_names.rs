//! [`SharedNames`]: names (span names, method names) kept for the life of the process,
//! so that a span naming them costs no allocation, within a byte budget.
//!
//! Span names are `Cow<'static, str>` in the OpenTelemetry API: a `&'static` name costs
//! nothing per span, an owned one an allocation. Instrumentations name spans from a
//! bounded set (route templates, RPC methods), so each name is leaked once; past the
//! budget, names are no longer shared and callers allocate per span as before.
//!
//! [`same_str`]: string equality that looks at the address first, for strings that are
//! mostly shared (`'static`, kept here, or in an `Arc`).

use std::sync::{Mutex, PoisonError};

use rustc_hash::FxHashSet;

/// A process-wide set of leaked names with a byte budget. Declare one per
/// instrumentation as a `static`.
///
/// ```
/// use otel_kit_core::__private::SharedNames;
///
/// static NAMES: SharedNames = SharedNames::new(16);
/// let name = NAMES.share("GET /users").expect("within the budget");
/// assert!(std::ptr::eq(name, NAMES.share("GET /users").expect("shared")));
/// assert_eq!(NAMES.share("POST /orders/{id}"), None, "over the 16-byte budget");
/// ```
#[derive(Debug)]
pub struct SharedNames {
    budget: usize,
    leaked: Mutex<(Option<FxHashSet<&'static str>>, usize)>,
}

impl SharedNames {
    /// An empty set that leaks at most `budget` bytes in all.
    pub const fn new(budget: usize) -> Self {
        Self {
            budget,
            leaked: Mutex::new((None, 0)),
        }
    }

    /// The kept copy of `name`, if it was shared before; never leaks.
    ///
    /// ```
    /// use otel_kit_core::__private::SharedNames;
    ///
    /// static NAMES: SharedNames = SharedNames::new(64);
    /// assert_eq!(NAMES.get("GET /users"), None);
    /// let name = NAMES.share("GET /users").expect("within the budget");
    /// assert!(std::ptr::eq(name, NAMES.get("GET /users").expect("kept")));
    /// ```
    pub fn get(&self, name: &str) -> Option<&'static str> {
        let leaked = self.leaked.lock().unwrap_or_else(PoisonError::into_inner);
        leaked.0.as_ref()?.get(name).copied()
    }

    /// `name` for the life of the process: the one already kept, or a new one while
    /// the budget lasts; `None` past it.
    pub fn share(&self, name: &str) -> Option<&'static str> {
        let mut leaked = self.leaked.lock().unwrap_or_else(PoisonError::into_inner);
        let (names, bytes) = &mut *leaked;
        let names = names.get_or_insert_with(FxHashSet::default);
        if let Some(shared) = names.get(name) {
            return Some(shared);
        }
        if *bytes + name.len() > self.budget {
            return None;
        }
        *bytes += name.len();
        let shared: &'static str = Box::leak(name.into());
        names.insert(shared);
        Some(shared)
    }
}

/// `a == b`, comparing where the strings are first: shared strings (a `'static` name, a
/// scope's strings that every span's clone borrows, an `Arc`'d value) are mostly the same
/// bytes, and then no byte is read. A shorter string at the same address is not equal.
///
/// ```
/// use otel_kit_core::__private::shared_names::same_str;
///
/// static NAME: &str = "otel-kit-http";
/// assert!(same_str(NAME, NAME));
/// assert!(same_str(NAME, &NAME.to_owned()), "equal text elsewhere");
/// assert!(!same_str(NAME, &NAME[..8]), "same address, shorter");
/// ```
pub fn same_str(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}
