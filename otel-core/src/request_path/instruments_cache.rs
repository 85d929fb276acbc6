//! [`instruments_cache!`](crate::__private::instruments_cache): the per-thread cache of an
//! [`Instruments`](crate::request_path::resolver::Instruments) type, written once.
//! Exported from the crate's root as `__instruments_cache` (where `#[macro_export]`
//! puts it) and named through `__private`.

/// Writes [`Instruments::cache`](crate::request_path::resolver::Instruments::cache) for an `Instruments` type: its per-thread cache, one
/// `thread_local!` per type (a generic static cannot be declared).
///
/// ```
/// use opentelemetry::InstrumentationScope;
/// use opentelemetry::metrics::Meter;
///
/// struct Nothing;
///
/// impl otel_kit_core::__private::Instruments for Nothing {
///     fn scope() -> InstrumentationScope {
///         InstrumentationScope::builder("example").build()
///     }
///     fn new(_: Meter) -> Self {
///         Nothing
///     }
///     otel_kit_core::__private::instruments_cache!(Nothing);
/// }
/// ```
///
/// The second form, `instruments_cache!(fn name() -> Type)`, writes a method `name`
/// returning the cache of the concrete `Type`: for a trait whose implementors each pick
/// the cache of a generic `Instruments` type (`Instruments<Self>`), since a
/// `thread_local!` cannot name `Self` or a generic parameter.
///
/// ```
/// use std::marker::PhantomData;
/// use std::thread::LocalKey;
///
/// use otel_kit_core::__private::Cache;
///
/// struct Calls<F>(PhantomData<F>);
///
/// trait Front: Sized {
///     fn cache() -> &'static LocalKey<Cache<Calls<Self>>>;
/// }
///
/// struct Tower;
///
/// impl Front for Tower {
///     otel_kit_core::__private::instruments_cache!(fn cache() -> Calls<Tower>);
/// }
///
/// Tower::cache().with(|_cache| ());
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __instruments_cache {
    // First: a `ty` fragment that fails to parse is an error, not a mismatch.
    (fn $name:ident() -> $instruments:ty) => {
        fn $name() -> &'static ::std::thread::LocalKey<$crate::__private::Cache<$instruments>> {
            ::std::thread_local! {
                static CACHE: $crate::__private::Cache<$instruments> = const { $crate::__private::Cache::new() };
            }
            &CACHE
        }
    };
    ($instruments:ty) => {
        fn cache() -> &'static ::std::thread::LocalKey<$crate::__private::Cache<Self>> {
            ::std::thread_local! {
                static CACHE: $crate::__private::Cache<$instruments> = const { $crate::__private::Cache::new() };
            }
            &CACHE
        }
    };
}
