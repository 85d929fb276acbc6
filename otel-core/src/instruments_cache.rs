//! [`instruments_cache!`](crate::instruments_cache): the per-thread cache of an
//! [`Instruments`](crate::Instruments) type, written once.

/// Writes [`Instruments::cache`](crate::Instruments::cache) for an `Instruments` type: its per-thread cache, one
/// `thread_local!` per type (a generic static cannot be declared).
///
/// ```
/// use opentelemetry::InstrumentationScope;
/// use opentelemetry::metrics::Meter;
///
/// struct Nothing;
///
/// impl otel_kit_core::Instruments for Nothing {
///     fn scope() -> InstrumentationScope {
///         InstrumentationScope::builder("example").build()
///     }
///     fn new(_: Meter) -> Self {
///         Nothing
///     }
///     otel_kit_core::instruments_cache!(Nothing);
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
/// use otel_kit_core::Cache;
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
///     otel_kit_core::instruments_cache!(fn cache() -> Calls<Tower>);
/// }
///
/// Tower::cache().with(|_cache| ());
/// ```
#[macro_export]
macro_rules! instruments_cache {
    // First: a `ty` fragment that fails to parse is an error, not a mismatch.
    (fn $name:ident() -> $instruments:ty) => {
        fn $name() -> &'static ::std::thread::LocalKey<$crate::Cache<$instruments>> {
            ::std::thread_local! {
                static CACHE: $crate::Cache<$instruments> = const { $crate::Cache::new() };
            }
            &CACHE
        }
    };
    ($instruments:ty) => {
        fn cache() -> &'static ::std::thread::LocalKey<$crate::Cache<Self>> {
            ::std::thread_local! {
                static CACHE: $crate::Cache<$instruments> = const { $crate::Cache::new() };
            }
            &CACHE
        }
    };
}
