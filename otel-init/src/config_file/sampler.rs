//! `tracer_provider.sampler` onto the kit's [`Sampling`], for the samplers no
//! `OTEL_TRACES_SAMPLER` value says (otel-kit-config writes those that one does).

use otel_kit_config::{JaegerRemoteSampler, ParentBasedSampler, Sampler, has_default_delegates};

use crate::env::ConfigWarning;
use crate::sampling::Sampling;

/// A sampler no `OTEL_TRACES_SAMPLER` value says.
pub(super) fn build(sampler: &Sampler, path: &str, warnings: &mut Vec<ConfigWarning>) -> Sampling {
    match sampler {
        Sampler::AlwaysOn => Sampling::always_on(),
        Sampler::AlwaysOff => Sampling::always_off(),
        Sampler::TraceIdRatioBased { ratio } => {
            crate::sampling::from_env_values(Some("traceidratio"), Some(&ratio.to_string())).0
        }
        Sampler::Probability { ratio } => probability(*ratio, path, warnings),
        Sampler::ParentBased(parent) => parent_based(parent, path, warnings),
        Sampler::JaegerRemote(remote) => jaeger_remote(remote, path, warnings),
        // The file's parser warned, naming it: the specification's default applies.
        Sampler::Unsupported { .. } => Sampling::default(),
    }
}

/// `probability/development`: consistent probability sampling. Until the kit's
/// consistent sampler (`Sampling::trace_id_ratio`) is wired here, the trace-id ratio
/// sampler with the same ratio, and a warning saying so.
fn probability(ratio: f64, path: &str, warnings: &mut Vec<ConfigWarning>) -> Sampling {
    warnings.push(ConfigWarning::new(
        format!("{path}.probability/development"),
        ratio.to_string(),
        "is sampled with the trace-id ratio sampler's arithmetic (the consistent rule is not in this build)",
    ));
    crate::sampling::from_env_values(Some("traceidratio"), Some(&ratio.to_string())).0
}

/// `parent_based` with delegates other than the defaults, or a root no variable says.
/// Until the kit's five-delegate sampler (`Sampling::parent_based`) is wired here: the
/// root, parent-based with the default delegates, and a warning naming the delegates
/// that are not used.
fn parent_based(parent: &ParentBasedSampler, path: &str, warnings: &mut Vec<ConfigWarning>) -> Sampling {
    if !has_default_delegates(parent) {
        warnings.push(ConfigWarning::new(
            format!("{path}.parent_based"),
            "",
            "sets delegates other than the defaults, which this build cannot build: children follow their parent",
        ));
    }
    let root = format!("{path}.parent_based.root");
    match &parent.root {
        Sampler::AlwaysOff => crate::sampling::from_env_values(Some("parentbased_always_off"), None).0,
        Sampler::TraceIdRatioBased { ratio } | Sampler::Probability { ratio } => Sampling::ratio(*ratio),
        Sampler::JaegerRemote(remote) => jaeger_remote(remote, &root, warnings),
        _ => Sampling::default(),
    }
}

/// `jaeger_remote/development`. Until the kit's Jaeger remote sampler
/// (`Sampling::jaeger_remote`) is wired here: its `initial_sampler`, which is what it
/// decides with before the first strategy arrives, and a warning saying so (never
/// always_on unless the initial sampler says so).
fn jaeger_remote(remote: &JaegerRemoteSampler, path: &str, warnings: &mut Vec<ConfigWarning>) -> Sampling {
    warnings.push(ConfigWarning::new(
        format!("{path}.jaeger_remote/development"),
        remote.endpoint.clone(),
        "cannot be built in this build: its initial_sampler applies",
    ));
    build(
        &remote.initial_sampler,
        &format!("{path}.jaeger_remote/development.initial_sampler"),
        warnings,
    )
}
