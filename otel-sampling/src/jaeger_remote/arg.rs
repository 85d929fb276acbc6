//! `OTEL_TRACES_SAMPLER_ARG` for `jaeger_remote` and `parentbased_jaeger_remote`: a
//! comma-separated list of `endpoint=<url>`, `pollingIntervalMs=<ms>` and
//! `initialSamplingRate=<0..1>`, each optional, as the specification defines it.

use std::time::Duration;

use crate::preset::{JaegerRemote, Kind, Sampling};
use crate::remote::arg::{Problems, key_values};
use otel_kit_core::ConfigWarning;

const ENDPOINT: &str = "endpoint";
const POLLING_INTERVAL: &str = "pollingIntervalMs";
const INITIAL_RATE: &str = "initialSamplingRate";

/// The remote sampler `arg` describes, with one warning (on `variable`) listing each
/// entry not used as written: an unknown key, a value that is not valid (its default is
/// used). Keys are matched without regard to case.
pub(crate) fn parse(
    variable: &str,
    name: &str,
    arg: Option<&str>,
    warnings: &mut Vec<ConfigWarning>,
) -> JaegerRemote {
    let mut endpoint = JaegerRemote::DEFAULT_ENDPOINT.to_owned();
    let mut interval = JaegerRemote::DEFAULT_POLLING_INTERVAL;
    let mut rate = JaegerRemote::DEFAULT_INITIAL_RATIO;
    let mut problems = Problems::default();
    let keys = format!("{ENDPOINT}, {POLLING_INTERVAL} or {INITIAL_RATE}");
    for (entry, key, value) in key_values(arg, name, &keys, &mut problems) {
        if key.eq_ignore_ascii_case(ENDPOINT) {
            let candidate = JaegerRemote::new(value);
            match candidate.strategies_url() {
                Ok(_) => endpoint = value.to_owned(),
                Err(why) => problems.push(
                    entry,
                    format!(
                        "is unusable: {why}; {name} uses the default {}",
                        JaegerRemote::DEFAULT_ENDPOINT
                    ),
                ),
            }
        } else if key.eq_ignore_ascii_case(POLLING_INTERVAL) {
            match value.parse::<u64>() {
                Ok(ms) if ms > 0 && Duration::from_millis(ms) < JaegerRemote::MIN_POLLING_INTERVAL => {
                    interval = JaegerRemote::MIN_POLLING_INTERVAL;
                    problems.push(
                        entry,
                        format!(
                            "is under the {} ms floor; {name} polls every {} ms",
                            JaegerRemote::MIN_POLLING_INTERVAL.as_millis(),
                            JaegerRemote::MIN_POLLING_INTERVAL.as_millis()
                        ),
                    );
                }
                Ok(ms) if ms > 0 => interval = Duration::from_millis(ms),
                _ => problems.push(
                    entry,
                    format!(
                        "is not a whole number of milliseconds above 0; {name} polls every {} ms instead",
                        JaegerRemote::DEFAULT_POLLING_INTERVAL.as_millis()
                    ),
                ),
            }
        } else if key.eq_ignore_ascii_case(INITIAL_RATE) {
            match value.parse::<f64>() {
                Ok(r) if (0.0..=1.0).contains(&r) => rate = r,
                _ => problems.push(
                    entry,
                    format!(
                        "is not a ratio between 0.0 and 1.0; {name} uses the default {} until its first strategy arrives",
                        JaegerRemote::DEFAULT_INITIAL_RATIO
                    ),
                ),
            }
        } else {
            problems.push(
                entry,
                format!(
                    "names no key {name} knows ({ENDPOINT}, {POLLING_INTERVAL}, {INITIAL_RATE}); it is ignored"
                ),
            );
        }
    }
    problems.report(variable, name, arg, warnings);
    JaegerRemote::new(endpoint)
        .polling_interval(interval)
        .initial_sampling(Sampling::from_kind(Kind::TraceIdRatio(rate)))
}
