//! [`env_variables`]: the file, written as the `OTEL_*` (and the kit's `OTEL_KIT_*`)
//! variables that say the same, each with the YAML path it came from. otel-kit-init
//! reads them with the rules (and checks) it reads the environment with, so the file
//! and the environment put the same things in effect, and a warning about a value
//! names its YAML path.
//!
//! What no variable says is left to the caller: `resource.attributes` (typed), views, samplers other than the `OTEL_TRACES_SAMPLER` values (no
//! `OTEL_TRACES_SAMPLER` is then written), and the cardinality limits.

mod sections;
mod signals;

use std::time::Duration;

use crate::model::{OpenTelemetryConfiguration, ParentBasedSampler, Sampler, TextMapPropagator};

/// What a zero timeout, the schema's "no limit", is written as: 60 s, in milliseconds.
/// A timeout with no limit would let one collector that accepts and never answers hold
/// an export for good (and the queue behind it); a minute outlasts any export that can
/// still succeed.
pub const ZERO_TIMEOUT_MILLIS: u64 = 60_000;

/// The longest duration, in milliseconds, the variables can give (`u32::MAX`, about 49
/// days).
const LONGEST_MILLIS: u64 = u32::MAX as u64;

/// One variable the file stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVariable {
    /// The variable, e.g. `OTEL_BSP_SCHEDULE_DELAY`.
    pub name: String,
    /// Its value, in the variable's own format.
    pub value: String,
    /// The YAML path it came from, e.g. `tracer_provider.processors[0].batch.schedule_delay`.
    pub path: String,
}

/// Something the file asks for that one pipeline per signal cannot build as written,
/// said about its YAML path (e.g. a second OTLP exporter of a signal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVariablesNote {
    /// The YAML path.
    pub path: String,
    /// What is built instead.
    pub message: String,
}

/// The variables a file stands for, and the notes about what they cannot say.
///
/// ```
/// let parsed = otel_kit_config::parse_str(
///     "file_format: \"1.0\"\ntracer_provider:\n  processors:\n    - batch:\n        schedule_delay: 200\n        exporter:\n          otlp_grpc:\n            endpoint: http://collector:4317\n",
///     |_| None,
/// )?;
/// let vars = otel_kit_config::env_variables(&parsed.model);
/// assert_eq!(vars.get("OTEL_TRACES_EXPORTER"), Some("otlp"));
/// assert_eq!(vars.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"), Some("grpc"));
/// assert_eq!(vars.get("OTEL_BSP_SCHEDULE_DELAY"), Some("200"));
/// assert_eq!(vars.path_of("OTEL_BSP_SCHEDULE_DELAY"), Some("tracer_provider.processors[0].batch.schedule_delay"));
/// assert_eq!(vars.get("OTEL_METRICS_EXPORTER"), Some("none"), "no meter_provider: no metrics");
/// # Ok::<(), otel_kit_config::ConfigFileError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvVariables {
    entries: Vec<EnvVariable>,
    /// What the variables cannot say as written.
    pub notes: Vec<EnvVariablesNote>,
}

impl EnvVariables {
    /// The value of `name`, as the environment would give it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.value.as_str())
    }

    /// The YAML path `name`'s value came from.
    pub fn path_of(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.path.as_str())
    }

    /// Every variable, in the order set.
    pub fn iter(&self) -> impl Iterator<Item = &EnvVariable> {
        self.entries.iter()
    }

    pub(crate) fn set(&mut self, name: impl Into<String>, value: impl Into<String>, path: impl Into<String>) {
        let name = name.into();
        self.entries.retain(|v| v.name != name);
        self.entries.push(EnvVariable {
            name,
            value: value.into(),
            path: path.into(),
        });
    }

    pub(crate) fn note(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.notes.push(EnvVariablesNote {
            path: path.into(),
            message: message.into(),
        });
    }

    /// A duration in milliseconds; zero (the schema's "no limit") is
    /// [`ZERO_TIMEOUT_MILLIS`].
    pub(crate) fn set_timeout(&mut self, name: &str, timeout: Duration, path: &str) {
        let millis = match u64::try_from(timeout.as_millis()) {
            Ok(0) => ZERO_TIMEOUT_MILLIS,
            Ok(ms) => ms.min(LONGEST_MILLIS),
            Err(_) => LONGEST_MILLIS,
        };
        self.set(name, millis.to_string(), path);
    }
}

/// The file as the variables that say the same. See [`EnvVariables`].
pub fn env_variables(model: &OpenTelemetryConfiguration) -> EnvVariables {
    let mut vars = EnvVariables::default();
    vars.set("OTEL_SDK_DISABLED", model.disabled.to_string(), "disabled");
    if let Some(level) = model.log_level {
        let level = if level.level() == "fatal" {
            "error"
        } else {
            level.level()
        };
        vars.set("OTEL_LOG_LEVEL", level, "log_level");
    }
    resource(model, &mut vars);
    let limits = &model.attribute_limits;
    let at = |key: &str| format!("attribute_limits.{key}");
    vars.set(
        "OTEL_ATTRIBUTE_COUNT_LIMIT",
        limits.attribute_count_limit.to_string(),
        at("attribute_count_limit"),
    );
    if let Some(length) = limits.attribute_value_length_limit {
        vars.set(
            "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
            length.to_string(),
            at("attribute_value_length_limit"),
        );
    }
    // Without `propagator`, the schema's SDKs propagate nothing.
    let names: Vec<String> = model
        .propagator
        .iter()
        .flat_map(|p| p.propagators())
        .filter(|p| !matches!(p, TextMapPropagator::Unsupported { .. }))
        .map(|p| p.name().to_owned())
        .collect();
    let names = if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(",")
    };
    vars.set("OTEL_PROPAGATORS", names, "propagator");
    signals::traces(model, &mut vars);
    signals::metrics(model, &mut vars);
    signals::logs(model, &mut vars);
    if let Some(section) = &model.instrumentation {
        sections::instrumentation(section, &mut vars);
    }
    if let Some(section) = &model.distribution {
        sections::distribution(section, &mut vars);
    }
    vars
}

/// `resource.attributes_list` as `OTEL_RESOURCE_ATTRIBUTES` (one bad entry discards it
/// whole, as it does the variable). `resource.attributes` are the caller's: typed, and
/// never discarded with the list.
fn resource(model: &OpenTelemetryConfiguration, vars: &mut EnvVariables) {
    if let Some(list) = &model.resource.attributes_list {
        vars.set(
            "OTEL_RESOURCE_ATTRIBUTES",
            list.clone(),
            "resource.attributes_list",
        );
    }
    if model.resource.schema_url.is_some() {
        vars.note(
            "resource.schema_url",
            "not built: the resource's schema URL is the kit's",
        );
    }
    if model
        .resource
        .detection
        .as_ref()
        .is_some_and(|d| d.attributes != Default::default())
    {
        let path = "resource.detection/development.attributes";
        vars.note(path, "not built: every detected attribute is kept");
    }
}

/// The `OTEL_TRACES_SAMPLER` value (and argument) that says `sampler`, if one does.
pub(crate) fn sampler_variable(sampler: &Sampler) -> Option<(&'static str, Option<String>)> {
    Some(match sampler {
        Sampler::AlwaysOn => ("always_on", None),
        Sampler::AlwaysOff => ("always_off", None),
        Sampler::TraceIdRatioBased { ratio } => ("traceidratio", Some(ratio.to_string())),
        Sampler::ParentBased(parent) if has_default_delegates(parent) => match &parent.root {
            Sampler::AlwaysOn => ("parentbased_always_on", None),
            Sampler::AlwaysOff => ("parentbased_always_off", None),
            Sampler::TraceIdRatioBased { ratio } => ("parentbased_traceidratio", Some(ratio.to_string())),
            _ => return None,
        },
        _ => return None,
    })
}

/// Whether the parent-based sampler's four delegates are the schema's defaults.
pub fn has_default_delegates(parent: &ParentBasedSampler) -> bool {
    let default = ParentBasedSampler::default();
    parent.remote_parent_sampled == default.remote_parent_sampled
        && parent.remote_parent_not_sampled == default.remote_parent_not_sampled
        && parent.local_parent_sampled == default.local_parent_sampled
        && parent.local_parent_not_sampled == default.local_parent_not_sampled
}

/// `value` with every byte but ASCII letters, digits and `-._~` percent-encoded, as
/// the `key=value,...` variables decode it.
pub(crate) fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
