//! `rpc.method` and the span name, from the request path `/package.Service/Method`.
//!
//! Method names repeat from call to call, so they are shared instead of allocated per
//! call, but only once a method is known to exist: a name is shared (leaked once per
//! process, within a budget) after a call to it ended with a status other than
//! `UNIMPLEMENTED`, or at once when its service is declared known. A scanner sending
//! random paths therefore costs only the allocations of its own calls.

use std::borrow::Cow;
use std::cell::RefCell;

use opentelemetry::StringValue;
use otel_kit_core::SharedNames;
use rustc_hash::FxHashSet;

/// `rpc.method` of a call whose method is not known to exist.
pub const OTHER: &str = "_OTHER";

/// The span name of a call whose method is not known: `rpc.system.name`, so a
/// scanner cannot create span names.
pub(crate) const UNKNOWN_SPAN_NAME: &str = crate::GRPC;

/// Bytes of method names shared for the life of the process; past this, names of
/// newly seen methods are allocated per call.
const MAX_SHARED_BYTES: usize = 256 * 1024;

thread_local! {
    /// This thread's copy of the shared names, read without a lock.
    static SHARED: RefCell<FxHashSet<&'static str>> = RefCell::new(FxHashSet::default());
}

/// The service and the fully qualified method (`package.Service/Method`) of a gRPC
/// request path, or `None` when the path is not of that form.
///
/// ```
/// use otel_kit_grpc::method::parse_path;
/// assert_eq!(
///     parse_path("/otel.test.Echo/Unary"),
///     Some(("otel.test.Echo", "otel.test.Echo/Unary"))
/// );
/// assert_eq!(parse_path("/favicon.ico"), None);
/// assert_eq!(parse_path("/a/b/c"), None);
/// ```
pub fn parse_path(path: &str) -> Option<(&str, &str)> {
    let full = path.strip_prefix('/')?;
    let (service, method) = full.split_once('/')?;
    (!service.is_empty() && !method.is_empty() && !method.contains('/')).then_some((service, full))
}

/// `rpc.method` and the span name of the fully qualified method `full`: shared when
/// the method is confirmed, else allocated.
pub(crate) fn named(full: &str) -> (StringValue, Cow<'static, str>) {
    let shared = SHARED
        .try_with(|names| names.try_borrow().ok()?.get(full).copied())
        .ok()
        .flatten();
    match shared {
        Some(name) => (StringValue::from(name), Cow::Borrowed(name)),
        None => (StringValue::from(full.to_owned()), Cow::Owned(full.to_owned())),
    }
}

/// Records that `full` exists, so later calls share its name.
pub(crate) fn confirm(full: &str) {
    let known = SHARED
        .try_with(|names| names.try_borrow().is_ok_and(|names| names.contains(full)))
        .unwrap_or(true);
    if known {
        return;
    }
    static NAMES: SharedNames = SharedNames::new(MAX_SHARED_BYTES);
    if let Some(name) = NAMES.share(full) {
        let _ = SHARED.try_with(|names| {
            if let Ok(mut names) = names.try_borrow_mut() {
                names.insert(name);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_shared_once_confirmed() {
        let (value, name) = named("otel.unit.Svc/Confirmed");
        assert_eq!(value.as_str(), "otel.unit.Svc/Confirmed");
        assert!(matches!(name, Cow::Owned(_)));
        confirm("otel.unit.Svc/Confirmed");
        let (_, name) = named("otel.unit.Svc/Confirmed");
        assert!(matches!(name, Cow::Borrowed("otel.unit.Svc/Confirmed")));
        assert_eq!(parse_path("//x"), None);
        assert_eq!(parse_path("/svc/"), None);
        assert_eq!(parse_path("svc/m"), None);
    }
}
