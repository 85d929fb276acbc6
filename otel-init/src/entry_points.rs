//! [`init()`] and [`builder()`]: where a service starts; [`environment_warnings()`]:
//! what `init()` would say about the environment, without starting anything.

use crate::{Builder, InitError, Telemetry};

/// Sets up traces, metrics and logs from the `OTEL_*` environment variables alone.
/// The same as `builder().init()`.
pub fn init() -> Result<Telemetry, InitError> {
    builder().init()
}

/// A [`Builder`] to override the environment in code.
pub fn builder() -> Builder {
    Builder::default()
}

/// Every warning [`init()`] would log about the process environment, without building
/// or installing anything: bad `OTEL_*` values (the sampler, propagators, exporters,
/// limits, redaction, baggage, ...), unknown `OTEL_*` variables, `OTEL_CONFIG_FILE`'s
/// problems, the resource's, `OTEL_KIT_SPAN_EVENTS`, `RUST_LOG` and
/// `OTEL_KIT_EXPORT_THREAD_NICE`. What only code, the exporters' files or this build's
/// features could add (values set on a [`Builder`], unreadable certificate files, a
/// feature the environment asks for) is not here. `cargo otel-doctor` prints these.
///
/// An invalid configuration file is the error `init()` would fail with.
///
/// ```
/// let warnings = otel_kit_init::environment_warnings()?;
/// for warning in &warnings {
///     eprintln!("{warning}");
/// }
/// # Ok::<(), otel_kit_init::InitError>(())
/// ```
pub fn environment_warnings() -> Result<Vec<String>, InitError> {
    builder().environment_warnings()
}

/// What [`builder!`](crate::builder!) expands to, given the calling crate's Cargo
/// version: [`builder()`](fn@crate::builder) with it as the default `service.version`,
/// except `0.0.0`, the version Cargo gives a manifest that declares none (a crate that
/// is never published need not): no version is better than a made-up one.
#[doc(hidden)]
pub fn builder_with_cargo_version(version: &'static str) -> Builder {
    let builder = builder();
    match version {
        "0.0.0" => builder,
        version => builder.default_service_version(version),
    }
}
