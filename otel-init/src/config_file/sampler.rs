//! `tracer_provider.sampler` onto the kit's [`Sampling`], for the samplers no
//! `OTEL_TRACES_SAMPLER` value says (otel-kit-config writes those that one does).

use otel_kit_config::{JaegerRemoteSampler, ParentBasedSampler, Sampler, has_default_delegates};

use crate::env::ConfigWarning;
use crate::sampling::{JaegerRemote, ParentDelegates, Sampling};

/// A sampler no `OTEL_TRACES_SAMPLER` value says.
pub(super) fn build(sampler: &Sampler, path: &str, warnings: &mut Vec<ConfigWarning>) -> Sampling {
    match sampler {
        Sampler::AlwaysOn => Sampling::always_on(),
        Sampler::AlwaysOff => Sampling::always_off(),
        // Both are the specification's ratio sampler, which decides by the consistent
        // probability rule (`RatioArithmetic::Consistent` unless the file's
        // `distribution.otel_kit` says `legacy`).
        Sampler::TraceIdRatioBased { ratio } | Sampler::Probability { ratio } => {
            Sampling::trace_id_ratio(*ratio)
        }
        Sampler::ParentBased(parent) => parent_based(parent, path, warnings),
        Sampler::JaegerRemote(remote) => Sampling::jaeger_remote(jaeger_remote(remote, path, warnings)),
        // The file's parser warned, naming it: the specification's default applies.
        Sampler::Unsupported { .. } => Sampling::default(),
    }
}

/// `parent_based`: with the default delegates, the preset that says the same (so that
/// `TelemetryControl` can change its ratio); otherwise the five-delegate sampler.
fn parent_based(parent: &ParentBasedSampler, path: &str, warnings: &mut Vec<ConfigWarning>) -> Sampling {
    let at = |key: &str| format!("{path}.parent_based.{key}");
    if has_default_delegates(parent) {
        match &parent.root {
            Sampler::AlwaysOn => return Sampling::default(),
            Sampler::TraceIdRatioBased { ratio } | Sampler::Probability { ratio } => {
                return Sampling::ratio(*ratio);
            }
            Sampler::JaegerRemote(remote) => {
                return Sampling::parent_based_jaeger_remote(jaeger_remote(remote, &at("root"), warnings));
            }
            _ => {}
        }
    }
    let root = build(&parent.root, &at("root"), warnings);
    let delegates = ParentDelegates {
        remote_parent_sampled: build(
            &parent.remote_parent_sampled,
            &at("remote_parent_sampled"),
            warnings,
        ),
        remote_parent_not_sampled: build(
            &parent.remote_parent_not_sampled,
            &at("remote_parent_not_sampled"),
            warnings,
        ),
        local_parent_sampled: build(
            &parent.local_parent_sampled,
            &at("local_parent_sampled"),
            warnings,
        ),
        local_parent_not_sampled: build(
            &parent.local_parent_not_sampled,
            &at("local_parent_not_sampled"),
            warnings,
        ),
    };
    Sampling::parent_based(root, delegates)
}

/// `jaeger_remote/development`: the endpoint, its polling interval (a zero one, which
/// would poll without pause, keeps the default with a warning) and the initial sampler.
/// Without the `jaeger-remote` feature the sampler falls back to
/// [`Sampling::FALLBACK_RATIO`] when built, with its own warning.
fn jaeger_remote(
    remote: &JaegerRemoteSampler,
    path: &str,
    warnings: &mut Vec<ConfigWarning>,
) -> JaegerRemote {
    let path = format!("{path}.jaeger_remote/development");
    let initial = build(
        &remote.initial_sampler,
        &format!("{path}.initial_sampler"),
        warnings,
    );
    let mut built = JaegerRemote::new(remote.endpoint.clone()).initial_sampling(initial);
    if remote.interval.is_zero() {
        warnings.push(ConfigWarning::new(
            format!("{path}.interval"),
            "0",
            format!(
                "would poll without pause: the default, {} ms, is used",
                built.polling_interval_value().as_millis()
            ),
        ));
    } else {
        if remote.interval < JaegerRemote::MIN_POLLING_INTERVAL {
            warnings.push(ConfigWarning::new(
                format!("{path}.interval"),
                remote.interval.as_millis().to_string(),
                format!(
                    "is under the {} ms floor: the sampler polls every {} ms",
                    JaegerRemote::MIN_POLLING_INTERVAL.as_millis(),
                    JaegerRemote::MIN_POLLING_INTERVAL.as_millis()
                ),
            ));
        }
        built = built.polling_interval(remote.interval.max(JaegerRemote::MIN_POLLING_INTERVAL));
    }
    built
}
