//! The `service_version!` macro: the calling crate's version onto the resource.

use opentelemetry::{Key, Value};
use otel_kit_resource::{Detection, ResourceOptions, build_resource};
use otel_kit_semconv::resource::SERVICE_VERSION;

#[test]
fn service_version_macro_is_the_callers_version() {
    let options = ResourceOptions::new()
        .service_name("svc")
        .service_version(otel_kit_init::service_version!());
    let (resource, _) = build_resource(&options, &Detection::new(|_| None, "/nonexistent"));
    // This test crate is part of otel-kit-init, so the caller's version is the package's.
    assert_eq!(
        resource.get(&Key::from_static_str(SERVICE_VERSION)),
        Some(Value::from(env!("CARGO_PKG_VERSION")))
    );
}

/// What `builder!` gives: the calling crate's version, except for a crate whose manifest
/// declares none (Cargo's `0.0.0`), whose telemetry has no `service.version` at all.
#[test]
fn the_builder_macro_leaves_out_the_version_cargo_makes_up() {
    let effective = |version: &'static str| {
        let telemetry = otel_kit_init::builder_with_cargo_version(version)
            .service_name("svc")
            .without_globals()
            .exporter(otel_kit_init::Exporter::None)
            .init()
            .expect("init");
        telemetry.effective_config().service_version.clone()
    };
    assert_eq!(effective("1.4.2").as_deref(), Some("1.4.2"));
    assert_eq!(effective("0.0.0"), None, "no made-up version");
    let telemetry = otel_kit_init::builder!()
        .service_name("svc")
        .without_globals()
        .exporter(otel_kit_init::Exporter::None)
        .init()
        .expect("init");
    assert_eq!(
        telemetry.effective_config().service_version.as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
}
