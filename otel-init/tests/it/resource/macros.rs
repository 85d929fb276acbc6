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
