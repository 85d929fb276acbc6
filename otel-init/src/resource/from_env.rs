//! `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`: what the environment says about
//! the service, read by the spec's rules.

use super::ResourceOptions;
use crate::env::{ConfigWarning, Env, process_env, read_with};

impl ResourceOptions {
    /// Options holding what the process environment says: `OTEL_SERVICE_NAME` and the
    /// decoded entries of `OTEL_RESOURCE_ATTRIBUTES` (a bad entry discards the whole
    /// value, with a warning). Add code values with the other methods, then build.
    ///
    /// ```
    /// use opentelemetry_sdk::trace::SdkTracerProvider;
    /// use otel_kit_init::resource::{Detection, ResourceOptions, build_resource};
    ///
    /// let (options, warnings) = ResourceOptions::from_env();
    /// let options = options.service_name("checkout").service_version(otel_kit_init::service_version!());
    /// let (resource, more) = build_resource(&options, &Detection::system());
    /// for warning in warnings.iter().map(ToString::to_string).chain(more) {
    ///     eprintln!("{warning}");
    /// }
    /// let provider = SdkTracerProvider::builder().with_resource(resource).build();
    /// # drop(provider);
    /// ```
    pub fn from_env() -> (ResourceOptions, Vec<ConfigWarning>) {
        Self::from_lookup(process_env)
    }

    /// As [`from_env`](Self::from_env), from `lookup` (a map in tests).
    ///
    /// ```
    /// use opentelemetry::{Key, Value};
    /// use otel_kit_init::resource::{Detection, ResourceOptions, build_resource};
    ///
    /// let (options, warnings) = ResourceOptions::from_lookup(|name| {
    ///     (name == "OTEL_RESOURCE_ATTRIBUTES").then(|| "host.name=edge-1,team=payments".to_owned())
    /// });
    /// assert!(warnings.is_empty());
    /// let (resource, _) = build_resource(&options, &Detection::new(|_| None, "/nonexistent"));
    /// assert_eq!(resource.get(&Key::from_static_str("team")), Some(Value::from("payments")));
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (ResourceOptions, Vec<ConfigWarning>) {
        read_with(lookup, |env| {
            let attributes = read_attributes(env);
            ResourceOptions::new()
                .env_service_name(read_service_name(env))
                .env_resource_attributes(attributes)
        })
    }
}

/// `OTEL_SERVICE_NAME`, trimmed; blank counts as unset.
pub(crate) fn read_service_name(env: &Env<'_>) -> Option<String> {
    env.get("OTEL_SERVICE_NAME")
}

/// `OTEL_RESOURCE_ATTRIBUTES`, percent-decoded, in order.
pub(crate) fn read_attributes(env: &mut Env<'_>) -> Vec<(String, String)> {
    env.key_values("OTEL_RESOURCE_ATTRIBUTES").unwrap_or_default()
}
