//! The `OTEL_*` variables the kit knows, and one warning for each set variable it does
//! not: a misspelling names the closest known variable (`OTEL_EXPORTER_OTLP_ENDPIONT`
//! → `OTEL_EXPORTER_OTLP_ENDPOINT`), a variable the guides invent names the right way
//! to say it (`OTEL_SERVICE_VERSION` → `OTEL_RESOURCE_ATTRIBUTES=service.version=...`).
//! Without the warning such a variable is ignored without a word.

use super::instrumentation_switches::NAMES;
use crate::env::ConfigWarning;

/// Every variable the kit reads, in one place: a new variable is added here (a test
/// checks that every `"OTEL_..."` literal of this crate is).
pub(crate) const KNOWN: &[&str] = &[
    "OTEL_SDK_DISABLED",
    "OTEL_CONFIG_FILE",
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
    "OTEL_RESOURCE_DETECTORS",
    // The OpenTelemetry Operator's (`inject-sdk`): the first three fill in `k8s.*`
    // (otel-kit-resource's OPERATOR_VARIABLES); the addresses are injected for
    // `OTEL_EXPORTER_OTLP_ENDPOINT` to refer to and are not read.
    "OTEL_RESOURCE_ATTRIBUTES_POD_NAME",
    "OTEL_RESOURCE_ATTRIBUTES_POD_UID",
    "OTEL_RESOURCE_ATTRIBUTES_NODE_NAME",
    "OTEL_NODE_IP",
    "OTEL_POD_IP",
    "OTEL_LOG_LEVEL",
    "OTEL_PROPAGATORS",
    "OTEL_TRACES_SAMPLER",
    "OTEL_TRACES_SAMPLER_ARG",
    "OTEL_TRACES_EXPORTER",
    "OTEL_METRICS_EXPORTER",
    "OTEL_LOGS_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
    "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
    "OTEL_EXPORTER_OTLP_HEADERS",
    "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
    "OTEL_EXPORTER_OTLP_LOGS_HEADERS",
    "OTEL_EXPORTER_OTLP_TIMEOUT",
    "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
    "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT",
    "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT",
    "OTEL_EXPORTER_OTLP_COMPRESSION",
    "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
    "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION",
    "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION",
    "OTEL_EXPORTER_OTLP_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_CLIENT_KEY",
    "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY",
    "OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY",
    "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY",
    "OTEL_KIT_EXPORTER_OTLP_HEADERS_FILE",
    "OTEL_KIT_EXPORTER_OTLP_TRACES_HEADERS_FILE",
    "OTEL_KIT_EXPORTER_OTLP_METRICS_HEADERS_FILE",
    "OTEL_KIT_EXPORTER_OTLP_LOGS_HEADERS_FILE",
    "OTEL_KIT_EXPORTER_OTLP_CREDENTIALS_CHECK_INTERVAL",
    "OTEL_EXPORTER_OTLP_INSECURE",
    "OTEL_EXPORTER_OTLP_TRACES_INSECURE",
    "OTEL_EXPORTER_OTLP_METRICS_INSECURE",
    "OTEL_EXPORTER_OTLP_LOGS_INSECURE",
    "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
    "OTEL_EXPORTER_PROMETHEUS_HOST",
    "OTEL_EXPORTER_PROMETHEUS_PORT",
    "OTEL_BSP_SCHEDULE_DELAY",
    "OTEL_BSP_EXPORT_TIMEOUT",
    "OTEL_BSP_MAX_QUEUE_SIZE",
    "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
    "OTEL_BLRP_SCHEDULE_DELAY",
    "OTEL_BLRP_EXPORT_TIMEOUT",
    "OTEL_BLRP_MAX_QUEUE_SIZE",
    "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE",
    "OTEL_METRIC_EXPORT_INTERVAL",
    "OTEL_METRIC_EXPORT_TIMEOUT",
    "OTEL_METRICS_EXEMPLAR_FILTER",
    "OTEL_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_SPAN_EVENT_COUNT_LIMIT",
    "OTEL_SPAN_LINK_COUNT_LIMIT",
    "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_KIT_SAMPLER_EXCLUDED_ROUTES",
    "OTEL_KIT_SAMPLER_ARITHMETIC",
    "OTEL_KIT_REDACT",
    "OTEL_KIT_REDACT_DROP_KEYS",
    "OTEL_KIT_REDACT_HASH_KEYS",
    "OTEL_KIT_REDACT_HASH_SECRET",
    "OTEL_KIT_REDACT_HASH_SECRET_FILE",
    "OTEL_KIT_REDACT_SCRUB",
    "OTEL_KIT_BAGGAGE_ATTRIBUTES",
    "OTEL_KIT_BAGGAGE_EMAILS",
    "OTEL_KIT_REDACT_TRUNCATE_IP",
    "OTEL_KIT_REQUEST_VALUE_MAX_BYTES",
    "OTEL_KIT_DB_SLOW_QUERY_THRESHOLD",
    "OTEL_KIT_DB_QUERY_TEXT",
    "OTEL_KIT_EXPORT_THREAD_NICE",
    "OTEL_KIT_BSP_MAX_TRACE_SHARE",
    "OTEL_KIT_SPAN_EVENTS",
    "OTEL_KIT_CONSOLE_SPAN_FORMAT",
    // The Java agent's names the kit reads; `OTEL_INSTRUMENTATION_<NAME>_ENABLED` are
    // known by `instrumentation_switches::NAMES`.
    "OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED",
    "OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING",
    "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
    "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS",
    "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_RESPONSE_HEADERS",
    "OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_REQUEST_HEADERS",
    "OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_RESPONSE_HEADERS",
    "OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS",
];

/// Every variable the kit reads, the switches `OTEL_INSTRUMENTATION_<NAME>_ENABLED`
/// spelled out.
pub(crate) fn all() -> Vec<String> {
    KNOWN
        .iter()
        .map(|name| (*name).to_owned())
        .chain(
            NAMES
                .iter()
                .map(|name| format!("OTEL_INSTRUMENTATION_{name}_ENABLED")),
        )
        .collect()
}

/// `OTEL_INSTRUMENTATION_<NAME>_ENABLED`'s `<NAME>`, for any name.
fn switch_name(variable: &str) -> Option<&str> {
    variable
        .strip_prefix("OTEL_INSTRUMENTATION_")?
        .strip_suffix("_ENABLED")
        .filter(|name| !name.is_empty() && *name != "COMMON_DEFAULT")
}

/// Whether the kit reads `name`.
fn is_known(name: &str) -> bool {
    KNOWN.contains(&name) || switch_name(name).is_some_and(|n| NAMES.contains(&n))
}

/// Variables people set that say something the spec says another way.
const SAID_ANOTHER_WAY: &[(&str, &str)] = &[
    (
        "OTEL_SERVICE_VERSION",
        "OTEL_RESOURCE_ATTRIBUTES=service.version=...",
    ),
    (
        "OTEL_SERVICE_NAMESPACE",
        "OTEL_RESOURCE_ATTRIBUTES=service.namespace=...",
    ),
    (
        "OTEL_SERVICE_INSTANCE_ID",
        "OTEL_RESOURCE_ATTRIBUTES=service.instance.id=...",
    ),
    (
        "OTEL_DEPLOYMENT_ENVIRONMENT",
        "OTEL_RESOURCE_ATTRIBUTES=deployment.environment.name=...",
    ),
    (
        "OTEL_ENVIRONMENT",
        "OTEL_RESOURCE_ATTRIBUTES=deployment.environment.name=...",
    ),
    (
        "OTEL_EXPORTER",
        "OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER and OTEL_LOGS_EXPORTER",
    ),
    ("OTEL_SAMPLER", "OTEL_TRACES_SAMPLER"),
    (
        "OTEL_TRACES_SAMPLER_RATIO",
        "OTEL_TRACES_SAMPLER=parentbased_traceidratio with OTEL_TRACES_SAMPLER_ARG=<ratio>",
    ),
];

/// The largest edit distance still read as a misspelling.
const MAX_TYPO_DISTANCE: usize = 3;

/// One warning per set `OTEL_*` variable the kit does not know, naming the closest known
/// one or the right way to say it. The value is never shown: it may be a secret.
pub(crate) fn check<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<ConfigWarning> {
    let mut warnings = Vec::new();
    for name in names {
        if !name.starts_with("OTEL_") || is_known(name) {
            continue;
        }
        let message = match SAID_ANOTHER_WAY.iter().find(|(said, _)| *said == name) {
            Some((_, instead)) => {
                format!("is not read by otel-kit (nor by any OpenTelemetry SDK); set {instead}")
            }
            // The Java agent has hundreds of these: one for an instrumentation the kit
            // does not have is not a misspelling of another one's.
            None if let Some(switch) = switch_name(name) => match closest_switch(switch) {
                Some(known) => format!(
                    "is not a variable otel-kit reads: did you mean OTEL_INSTRUMENTATION_{known}_ENABLED? It is ignored"
                ),
                None => format!(
                    "names no instrumentation of otel-kit (its names: {}); it is ignored",
                    NAMES.join(", ")
                ),
            },
            None => match closest(name) {
                Some(known) => {
                    format!("is not a variable otel-kit reads: did you mean {known}? It is ignored")
                }
                None => "is not a variable otel-kit reads (docs/configuration.md lists them); it is ignored"
                    .to_owned(),
            },
        };
        warnings.push(ConfigWarning::new(name, "<not shown>", message));
    }
    warnings
}

/// The instrumentation name closest to `name`, if it is close enough to be a misspelling
/// (one edit in a short name, two in a longer one: `JDBC` is not `GRPC`).
fn closest_switch(name: &str) -> Option<&'static str> {
    nearest(name, NAMES, if name.len() <= 4 { 1 } else { 2 })
}

/// The known variable closest to `name`, if it is close enough to be a misspelling.
fn closest(name: &str) -> Option<&'static str> {
    nearest(name, KNOWN, MAX_TYPO_DISTANCE)
}

/// The candidate nearest `name`, at most `most` edits away.
fn nearest(name: &str, candidates: &[&'static str], most: usize) -> Option<&'static str> {
    candidates
        .iter()
        .map(|known| (edit_distance(name, known), *known))
        .filter(|(distance, _)| *distance <= most)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, known)| known)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
/// two neighbours (`ENDPIONT`) each count one.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// Every `OTEL_*` variable otel-kit reads (docs/configuration.md describes each), the
/// instrumentation switches `OTEL_INSTRUMENTATION_<NAME>_ENABLED` spelled out: the list
/// a set `OTEL_*` variable is checked against, so that a misspelling is warned about.
///
/// ```
/// let names = otel_kit_init::config::known_variables();
/// assert!(names.iter().any(|n| n == "OTEL_EXPORTER_OTLP_TIMEOUT"));
/// assert!(names.iter().any(|n| n == "OTEL_INSTRUMENTATION_AXUM_ENABLED"));
/// ```
pub fn known_variables() -> Vec<String> {
    all()
}

#[cfg(test)]
mod tests {
    use super::{KNOWN, NAMES, check, is_known};

    fn said(name: &str) -> String {
        let warnings = check([name]);
        assert_eq!(warnings.len(), 1, "{name}: {warnings:?}");
        warnings[0].to_string()
    }

    #[test]
    fn a_misspelling_names_the_variable_meant() {
        assert!(said("OTEL_EXPORTER_OTLP_ENDPIONT").contains("did you mean OTEL_EXPORTER_OTLP_ENDPOINT?"));
        assert!(said("OTEL_SERVICE_NAM").contains("did you mean OTEL_SERVICE_NAME?"));
        assert!(said("OTEL_TRACE_EXPORTER").contains("did you mean OTEL_TRACES_EXPORTER?"));
    }

    #[test]
    fn a_misspelled_instrumentation_variable_names_the_one_meant() {
        assert!(
            said("OTEL_INSTRUMENTATION_AXM_ENABLED")
                .contains("did you mean OTEL_INSTRUMENTATION_AXUM_ENABLED?")
        );
        assert!(
            said("OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQEUST_HEADERS")
                .contains("did you mean OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS?")
        );
        assert!(
            said("OTEL_INSTRUMENTATION_HTTP_KNOWN_METHOD")
                .contains("OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS?")
        );
        // The Java agent's own instrumentations are not misspellings of the kit's.
        let jdbc = said("OTEL_INSTRUMENTATION_JDBC_ENABLED");
        assert!(
            jdbc.contains("names no instrumentation of otel-kit")
                && jdbc.contains("SQLX")
                && !jdbc.contains("did you mean"),
            "{jdbc}"
        );
    }

    #[test]
    fn a_variable_the_spec_says_another_way_names_that_way() {
        assert!(said("OTEL_SERVICE_VERSION").contains("set OTEL_RESOURCE_ATTRIBUTES=service.version=..."));
        assert!(
            said("OTEL_DEPLOYMENT_ENVIRONMENT")
                .contains("OTEL_RESOURCE_ATTRIBUTES=deployment.environment.name=...")
        );
    }

    #[test]
    fn known_variables_and_other_prefixes_say_nothing_and_values_are_never_shown() {
        assert!(check(KNOWN.iter().copied()).is_empty());
        assert!(check(["OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS", "PATH", "RUST_LOG"]).is_empty());
        let switches: Vec<String> = NAMES
            .iter()
            .map(|name| format!("OTEL_INSTRUMENTATION_{name}_ENABLED"))
            .collect();
        assert!(check(switches.iter().map(String::as_str)).is_empty());
        let far = said("OTEL_SOMETHING_ELSE_ENTIRELY");
        assert!(
            far.contains("is not a variable otel-kit reads") && !far.contains("did you mean"),
            "{far}"
        );
        assert!(far.contains("<not shown>"), "{far}");
    }

    /// Every `"OTEL_..."` literal of this crate's sources names a known variable, a
    /// known prefix, or one the warnings suggest: the list cannot fall behind.
    #[test]
    fn every_variable_this_crate_reads_is_known() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![root];
        let mut unknown = Vec::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).expect("dir").flatten().map(|e| e.path()));
                continue;
            }
            if path.ends_with("known_variables.rs") {
                continue;
            }
            // Code only: a doc example may show a misspelling on purpose.
            let text: String = std::fs::read_to_string(&path)
                .expect("source")
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for literal in text.split("\"OTEL_").skip(1) {
                let name: String = literal
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                let name = format!("OTEL_{name}");
                let is_prefix = name.ends_with('_');
                let known = is_known(&name)
                    || name == "OTEL_INSTRUMENTATION_"
                    || super::SAID_ANOTHER_WAY.iter().any(|(said, _)| *said == name)
                    || is_prefix && KNOWN.iter().any(|k| k.starts_with(&name))
                    || name == "OTEL_BSP"
                    || name == "OTEL_BLRP"
                    || name == "OTEL_KIT_REDACT";
                if !known {
                    unknown.push(format!("{name} ({})", path.display()));
                }
            }
        }
        assert!(unknown.is_empty(), "add to KNOWN: {unknown:?}");
    }
}
