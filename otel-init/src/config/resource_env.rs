//! `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`: what the environment says about
//! the service, read by the spec's rules onto otel-kit-resource's [`ResourceOptions`].

use otel_kit_resource::ResourceOptions;

use crate::env::{ConfigWarning, Env, FromEnv, read_with};

/// Reads [`ResourceOptions`](otel_kit_resource::ResourceOptions) from `OTEL_SERVICE_NAME`
/// and `OTEL_RESOURCE_ATTRIBUTES` (a bad entry discards the whole value, with a warning).
/// Add code values with the other methods, then build.
///
/// ```
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_init::config::ResourceOptionsFromEnv as _;
/// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
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
///
/// From a map:
///
/// ```
/// use opentelemetry::{Key, Value};
/// use otel_kit_init::config::ResourceOptionsFromEnv as _;
/// use otel_kit_resource::{Detection, ResourceOptions, build_resource};
///
/// let (options, warnings) = ResourceOptions::from_lookup(|name| {
///     (name == "OTEL_RESOURCE_ATTRIBUTES").then(|| "host.name=edge-1,team=payments".to_owned())
/// });
/// assert!(warnings.is_empty());
/// let (resource, _) = build_resource(&options, &Detection::new(|_| None, "/nonexistent"));
/// assert_eq!(resource.get(&Key::from_static_str("team")), Some(Value::from("payments")));
/// ```
pub use crate::env::FromEnv as ResourceOptionsFromEnv;

impl FromEnv for ResourceOptions {
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<ConfigWarning>) {
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
///
/// A value that is a whole Kubernetes reference, `$(NAME)`, is one the kubelet left
/// unexpanded (it expands only variables listed before): it takes `NAME`'s value, or is
/// left out with a warning, so the literal reference never becomes an attribute. The
/// OpenTelemetry Operator writes `k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME)`.
pub(crate) fn read_attributes(env: &mut Env<'_>) -> Vec<(String, String)> {
    let entries = env.key_values("OTEL_RESOURCE_ATTRIBUTES").unwrap_or_default();
    let mut out = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let Some(name) = kubernetes_reference(&value) else {
            out.push((key, value));
            continue;
        };
        match env.get(name) {
            Some(expanded) => out.push((key, expanded)),
            None => env.warn(
                "OTEL_RESOURCE_ATTRIBUTES",
                &format!("{key}={value}"),
                format!(
                    "`{key}` refers to {name}, which is not set (the kubelet expands only \
                     variables listed before OTEL_RESOURCE_ATTRIBUTES); `{key}` is left out"
                ),
            ),
        }
    }
    out
}

/// `NAME` of a value that is exactly `$(NAME)`.
fn kubernetes_reference(value: &str) -> Option<&str> {
    let name = value.strip_prefix("$(")?.strip_suffix(')')?;
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    valid.then_some(name)
}
