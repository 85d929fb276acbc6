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
use otel_kit_core::__private::SharedNames;
use rustc_hash::FxHashSet;

/// `rpc.system.name` of every span and metric point of this crate.
pub(crate) const GRPC: &str = "grpc";

/// `rpc.method` of a call whose method is not known to exist.
pub const OTHER: &str = "_OTHER";

/// The span name of a call whose method is not known: `rpc.system.name`, so a
/// scanner cannot create span names.
pub(crate) const UNKNOWN_SPAN_NAME: &str = GRPC;

/// Bytes of method names shared for the life of the process; past this, names of
/// newly seen methods are allocated per call.
const MAX_SHARED_BYTES: usize = 256 * 1024;

thread_local! {
    /// This thread's copy of the shared names, read without a lock.
    static SHARED: RefCell<FxHashSet<&'static str>> = RefCell::new(FxHashSet::default());
    /// This thread's copy of `SERVED`.
    static SERVED_HERE: RefCell<FxHashSet<&'static str>> = RefCell::new(FxHashSet::default());
}

/// The process's shared method names (clients' and servers').
static NAMES: SharedNames = SharedNames::new(MAX_SHARED_BYTES);

/// The methods a server of this process is known to serve: a call to them ended with
/// a status other than `UNIMPLEMENTED`, or their service is declared. Kept apart from
/// `NAMES`, which a client's calls also fill, and its own budget.
static SERVED: SharedNames = SharedNames::new(MAX_SHARED_BYTES);

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

/// Adds `full` to `names` and this thread's copy `local`.
fn keep(
    local: &'static std::thread::LocalKey<RefCell<FxHashSet<&'static str>>>,
    names: &SharedNames,
    full: &str,
) {
    let kept = local
        .try_with(|here| here.try_borrow().is_ok_and(|here| here.contains(full)))
        .unwrap_or(true);
    if kept {
        return;
    }
    if let Some(name) = names.share(full) {
        let _ = local.try_with(|here| here.try_borrow_mut().map(|mut here| here.insert(name)));
    }
}

/// `rpc.method` and the span name of the fully qualified method `full`: shared when
/// the method is confirmed on this thread, else allocated.
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
    keep(&SHARED, &NAMES, full);
}

/// The kept name of `full` if a server of this process is known to serve it (see
/// [`confirm_served`]), on any thread; usable as `rpc.method` and the span name.
#[cfg(feature = "server")]
pub(crate) fn served(full: &str) -> Option<&'static str> {
    SERVED_HERE
        .try_with(|here| here.try_borrow().ok()?.get(full).copied())
        .ok()
        .flatten()
        .or_else(|| {
            // Confirmed on another thread: this thread keeps its own copy from now on.
            let name = SERVED.get(full)?;
            let _ = SERVED_HERE.try_with(|here| here.try_borrow_mut().map(|mut here| here.insert(name)));
            Some(name)
        })
}

/// Records that a server of this process serves `full`: its later calls' `rpc.method`
/// is decided at span start (never corrected to `_OTHER`), and they share its name.
pub(crate) fn confirm_served(full: &str) {
    confirm(full);
    keep(&SERVED_HERE, &SERVED, full);
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

    #[cfg(feature = "server")]
    #[test]
    fn a_served_method_is_known_on_every_thread() {
        confirm("otel.unit.Svc/Served");
        // A client's confirmation is not a server's.
        assert_eq!(served("otel.unit.Svc/Served"), None);
        confirm_served("otel.unit.Svc/Served");
        assert_eq!(served("otel.unit.Svc/Served"), Some("otel.unit.Svc/Served"));
        let elsewhere = std::thread::spawn(|| served("otel.unit.Svc/Served"))
            .join()
            .expect("thread");
        assert_eq!(elsewhere, Some("otel.unit.Svc/Served"));
    }
}
