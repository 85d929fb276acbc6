//! `OTEL_TRACES_SAMPLER_ARG` for `xray`: a comma-separated list of `endpoint=<url>` and
//! `polling_interval=<seconds>`, each optional, as AWS's OpenTelemetry distributions read
//! it (`endpoint=http://localhost:2000,polling_interval=300`).

use std::time::Duration;

use crate::remote::arg::{Problems, key_values};
use crate::xray::remote::XrayRemote;
use otel_kit_core::ConfigWarning;

const ENDPOINT: &str = "endpoint";
const POLLING_INTERVAL: &str = "polling_interval";

/// The sampler `arg` describes, with one warning (on `variable`) listing each entry not
/// used as written: an unknown key, a value that is not valid (its default is used).
/// Keys are matched without regard to case.
pub(crate) fn parse(
    variable: &str,
    name: &str,
    arg: Option<&str>,
    warnings: &mut Vec<ConfigWarning>,
) -> XrayRemote {
    let mut remote = XrayRemote::new(XrayRemote::DEFAULT_ENDPOINT);
    let mut problems = Problems::default();
    let default_seconds = XrayRemote::DEFAULT_POLLING_INTERVAL.as_secs();
    let keys = format!("{ENDPOINT} or {POLLING_INTERVAL}");
    for (entry, key, value) in key_values(arg, name, &keys, &mut problems) {
        if key.eq_ignore_ascii_case(ENDPOINT) {
            let candidate = XrayRemote::new(value);
            match candidate.check() {
                Ok(()) => remote.endpoint = value.to_owned(),
                Err(why) => problems.push(
                    entry,
                    format!(
                        "is unusable: {why}; {name} uses the default {}",
                        XrayRemote::DEFAULT_ENDPOINT
                    ),
                ),
            }
        } else if key.eq_ignore_ascii_case(POLLING_INTERVAL) {
            match value.parse::<u64>() {
                Ok(seconds)
                    if (XrayRemote::MIN_ENV_POLLING_INTERVAL..=XrayRemote::MAX_ENV_POLLING_INTERVAL)
                        .contains(&Duration::from_secs(seconds)) =>
                {
                    remote.polling_interval = Duration::from_secs(seconds);
                }
                Ok(seconds) if Duration::from_secs(seconds) > XrayRemote::MAX_ENV_POLLING_INTERVAL => problems.push(
                    entry,
                    format!(
                        "is over {} seconds (a day); {name} polls every {default_seconds} seconds, the default",
                        XrayRemote::MAX_ENV_POLLING_INTERVAL.as_secs()
                    ),
                ),
                // As AWS's Python sampler: too short an interval gets the default, not the
                // floor, so that the same variables poll alike in both.
                Ok(_) => problems.push(
                    entry,
                    format!(
                        "is under {} seconds; {name} polls every {default_seconds} seconds, the default",
                        XrayRemote::MIN_ENV_POLLING_INTERVAL.as_secs()
                    ),
                ),
                Err(_) => problems.push(
                    entry,
                    format!("is not a whole number of seconds; {name} polls every {default_seconds} seconds instead"),
                ),
            }
        } else {
            problems.push(
                entry,
                format!("names no key {name} knows ({ENDPOINT}, {POLLING_INTERVAL}); it is ignored"),
            );
        }
    }
    problems.report(variable, name, arg, warnings);
    remote
}
