//! The macros a service's `main` calls: [`init!`](crate::init!), [`builder!`](crate::builder!)
//! and [`service_version!`](crate::service_version!), which read the calling crate's
//! Cargo version.

/// The calling crate's version (`CARGO_PKG_VERSION`), for
/// `ResourceOptions::service_version` or [`Builder::service_version`](crate::Builder::service_version).
///
/// A macro because `env!` expands where it is written: a function in this crate would
/// report `otel-kit-init`'s version, not the service's.
///
/// ```
/// let version: &str = otel_kit_init::service_version!();
/// assert_eq!(version, env!("CARGO_PKG_VERSION"));
/// ```
#[macro_export]
macro_rules! service_version {
    () => {
        env!("CARGO_PKG_VERSION")
    };
}

/// [`init()`](fn@crate::init) with `service.version` set to the calling crate's Cargo
/// version (`CARGO_PKG_VERSION`), unless `OTEL_RESOURCE_ATTRIBUTES` gives one: what a
/// service's `main` calls.
///
/// ```no_run
/// # fn main() -> Result<(), otel_kit_init::InitError> {
/// let _telemetry = otel_kit_init::init!()?;
/// # Ok(())
/// # }
/// ```
#[macro_export]
macro_rules! init {
    () => {
        $crate::builder!().init()
    };
}

/// [`builder()`](fn@crate::builder) with `service.version` set to the calling crate's
/// Cargo version (left out for a crate that declares none, which Cargo reads as
/// `0.0.0`), unless `OTEL_RESOURCE_ATTRIBUTES` gives one
/// ([`Builder::default_service_version`](crate::Builder::default_service_version)).
///
/// ```
/// let telemetry = otel_kit_init::builder!()
///     .without_globals()
///     .exporter(otel_kit_init::Exporter::None)
///     .init()?;
/// assert_eq!(telemetry.effective_config().service_version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
/// # Ok::<(), otel_kit_init::InitError>(())
/// ```
#[macro_export]
macro_rules! builder {
    () => {
        $crate::builder_with_cargo_version($crate::service_version!())
    };
}
