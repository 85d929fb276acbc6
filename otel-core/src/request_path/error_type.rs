//! `error.type` of an error known only by its Rust type: the service error of a server
//! layer, a GenAI call's error. The conventions ask for a predictable, low-cardinality
//! value, for an exception its fully qualified type name.
//!
//! ```
//! use otel_kit_core::__private::error_type::of_type;
//!
//! assert_eq!(of_type::<std::io::Error>(), "std::io::error::Error");
//! // Generic arguments are left out: one value per error type, whatever it is built on.
//! assert_eq!(of_type::<std::sync::PoisonError<Vec<u8>>>(), "std::sync::poison::PoisonError");
//! // A boxed trait object names no concrete type.
//! assert_eq!(of_type::<Box<dyn std::error::Error + Send + Sync>>(), "_OTHER");
//! ```

/// `error.type` when nothing more specific is known, as the conventions name it.
pub const OTHER: &str = "_OTHER";

/// `error.type` of an error of type `E`: its fully qualified path without generic
/// arguments; [`OTHER`] for a trait object (`Box<dyn Error + ...>`, tower's `BoxError`),
/// whose concrete type is only known at run time, and for a reference or tuple.
///
/// ```
/// assert_eq!(otel_kit_core::__private::error_type::of_type::<std::fmt::Error>(), "core::fmt::Error");
/// ```
pub fn of_type<E: ?Sized>() -> &'static str {
    from_type_name(std::any::type_name::<E>())
}

/// The path of `name` (a [`std::any::type_name`]) without its generic arguments.
fn from_type_name(name: &'static str) -> &'static str {
    let path = name.split('<').next().unwrap_or(name);
    let boxed_trait_object = name
        .strip_prefix(path)
        .and_then(|rest| rest.strip_prefix('<'))
        .is_some_and(|inner| inner.starts_with("dyn "));
    let not_a_path = path.is_empty()
        || path.starts_with(['&', '(', '[', '*'])
        || path.starts_with("dyn ")
        || path.contains(' ');
    if boxed_trait_object || not_a_path {
        OTHER
    } else {
        path
    }
}

/// `error.type` of a call whose future was dropped before it completed: the caller
/// went away, a timeout gave up, or the process is shutting down.
///
/// ```
/// assert_eq!(otel_kit_core::__private::error_type::ERROR_TYPE_CANCELLED, "cancelled");
/// ```
pub const ERROR_TYPE_CANCELLED: &str = "cancelled";

/// `error.type` of a call whose work panicked; the status description is the panic
/// message when it is a string.
///
/// ```
/// assert_eq!(otel_kit_core::__private::error_type::ERROR_TYPE_PANIC, "panic");
/// ```
pub const ERROR_TYPE_PANIC: &str = "panic";

#[cfg(test)]
mod tests {
    use super::{OTHER, from_type_name};

    #[test]
    fn paths_without_generics() {
        for (name, expected) in [
            ("std::io::error::Error", "std::io::error::Error"),
            ("my_app::OrderError", "my_app::OrderError"),
            ("my_app::Wrapped<my_app::Inner<u8>>", "my_app::Wrapped"),
            (
                "alloc::boxed::Box<dyn core::error::Error + core::marker::Send + core::marker::Sync>",
                OTHER,
            ),
            ("alloc::boxed::Box<my_app::OrderError>", "alloc::boxed::Box"),
            ("dyn core::error::Error", OTHER),
            ("&str", OTHER),
            ("(u8, u8)", OTHER),
            ("[u8]", OTHER),
            ("", OTHER),
        ] {
            assert_eq!(from_type_name(name), expected, "{name}");
        }
    }
}
