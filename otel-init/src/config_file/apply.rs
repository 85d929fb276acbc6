//! The model onto the [`Config`] the environment would give: otel-kit-config writes the
//! file as the variables that say the same, [`Config`] reads them with the
//! environment's rules, and what no variable says (typed attributes, views, some
//! samplers, the cardinality limit) is set here.

use otel_kit_config::{EnvVariables, MetricReader, OpenTelemetryConfiguration};

use super::extras::FileExtras;
use super::{ConfigSource, Loaded};
use crate::config::Config;
use crate::env::ConfigWarning;

/// The configuration, warnings and extras the file gives; `file` (the variable or
/// method, and the path) is what warnings about the file as a whole name; `lookup`, the
/// environment, gives the variables that are not `OTEL_*`.
pub(super) fn to_config(
    source: ConfigSource,
    model: &OpenTelemetryConfiguration,
    file: (&str, &str),
    lookup: impl Fn(&str) -> Option<String>,
) -> Loaded {
    let vars = otel_kit_config::env_variables(model);
    let mut warnings: Vec<ConfigWarning> = vars
        .notes
        .iter()
        .map(|note| ConfigWarning::new(file.0, file.1, format!("{}: {}", note.path, note.message)))
        .collect();
    // The file stands for the `OTEL_*` variables only: the others (the proxy
    // variables) are still the environment's.
    let (mut config, read) = Config::from_lookup(|k| match k.starts_with("OTEL_") {
        true => vars.get(k).map(str::to_owned),
        false => lookup(k),
    });
    warnings.extend(read.into_iter().map(|w| at_path(&vars, w)));
    let mut extras = FileExtras::default();
    for attribute in &model.resource.attributes {
        extras.add_attribute(&attribute.name, &attribute.value);
    }
    config.resource_attributes.extend(extras.take_string_attributes());
    extras.cloud_detection = model.resource.detection.is_some();
    extras.export_thread_nice = vars.get(crate::thread_priority::VARIABLE).map(str::to_owned);
    if let Some(provider) = &model.tracer_provider
        && vars.get("OTEL_TRACES_SAMPLER").is_none()
    {
        let sampler = super::sampler::build(&provider.sampler, "tracer_provider.sampler", &mut warnings);
        // The sampler the file names, with the routes and arithmetic its
        // `distribution.otel_kit` section gave (read as their variables).
        config.sampling = sampler
            .excluding_routes(config.sampling.excluded_routes().iter().cloned())
            .with_arithmetic(config.sampling.arithmetic());
    }
    if let Some(provider) = &model.meter_provider {
        for reader in &provider.readers {
            let limits = match reader {
                MetricReader::Periodic(periodic) => &periodic.cardinality_limits,
                MetricReader::Pull(pull) => &pull.cardinality_limits,
            };
            extras.cardinality_limit(limits.default);
        }
        extras.set_views(&provider.views);
    }
    Loaded {
        source,
        config,
        warnings,
        substituted: Vec::new(),
        extras,
    }
}

/// A warning about a variable, said about the YAML path its value came from.
fn at_path(vars: &EnvVariables, mut warning: ConfigWarning) -> ConfigWarning {
    if let Some(path) = vars.path_of(&warning.variable) {
        warning.variable = path.to_owned();
    }
    warning
}
