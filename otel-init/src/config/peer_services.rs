//! `OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING`: the address to
//! `server.service.name` mapping of the instrumentations' CLIENT spans, as the other
//! languages' agents read it (`host[:port][/path]=name`, comma-separated).

use otel_kit_core::PeerServices;

use crate::env::Env;

/// The variable's name.
pub(crate) const VARIABLE: &str = "OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING";

/// The mapping; each entry that cannot be read is one warning, and the others apply.
pub(crate) fn read(env: &mut Env<'_>) -> PeerServices {
    let Some(text) = env.get(VARIABLE) else {
        return PeerServices::new();
    };
    let (services, problems) = PeerServices::parse(&text);
    for problem in problems {
        env.warn(
            VARIABLE,
            &problem.entry,
            format!("{}; this entry is ignored, the others apply", problem.problem),
        );
    }
    services
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn each_bad_entry_is_one_warning_and_the_rest_apply() {
        let (config, warnings) = Config::from_lookup(|key| {
            (key == super::VARIABLE).then(|| "10.0.3.17=payments,nonsense,db:x=ledger".to_owned())
        });
        assert_eq!(config.peer_services.len(), 1);
        assert_eq!(
            config.peer_services.resolve("10.0.3.17", Some(443), "/"),
            Some("payments".into())
        );
        let said: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            [
                "OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING=\"nonsense\" not `host[:port][/path]=name`; this entry is ignored, the others apply",
                "OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING=\"db:x=ledger\" the port is not a number from 0 to 65535; this entry is ignored, the others apply",
            ]
        );
    }
}
