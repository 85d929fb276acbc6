//! The environment as `init()` reads it: every warning it would give (through
//! `otel_kit_init::environment_warnings`, the same table), `OTEL_CONFIG_FILE`'s errors,
//! and what the environment asks for that the project's build of otel-kit-init lacks.

use otel_kit_init::Signal;
use otel_kit_init::config::{Compression, Config, ExporterKind, ProtocolFeature as _};

use crate::finding::{Finding, Severity};
use crate::kit_source::KitSource;
use crate::metadata::Graph;
use otel_kit_otlp::printable_endpoint;

/// `init()`'s warnings about the environment and the configuration file.
pub(crate) fn init_warnings() -> Vec<Finding> {
    match otel_kit_init::environment_warnings() {
        Ok(warnings) => warnings.iter().map(|w| from_warning(w)).collect(),
        Err(error) => vec![Finding::new(
            Severity::Error,
            "config-file",
            format!("init() fails: {error}"),
            "the service does not start its telemetry (or does not start at all, if it propagates the error)",
            "correct the configuration file at the place the error names; `OTEL_CONFIG_FILE` names it",
        )],
    }
}

/// The variable a warning line starts with (`VAR="value" ...`), if it starts with one.
fn variable_of(warning: &str) -> Option<&str> {
    let (name, _) = warning.split_once('=')?;
    let looks_like_one = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == ',');
    looks_like_one.then_some(name)
}

fn from_warning(warning: &str) -> Finding {
    // The doctor cannot see a name given in code: said, but as information.
    if warning.starts_with("service.name is not set") {
        return Finding::new(
            Severity::Info,
            "environment",
            "OTEL_SERVICE_NAME is not set",
            "unless the service names itself in code (`builder().service_name(..)`), its telemetry is reported as unknown_service:<executable>, and dashboards cannot tell it apart",
            "set OTEL_SERVICE_NAME=<the service's name>, or name it in code",
        );
    }
    let variable = variable_of(warning);
    let check = match variable {
        Some("OTEL_CONFIG_FILE") => "config-file",
        _ => "environment",
    };
    let fix = match (variable, warning.split_once("did you mean ")) {
        (Some(variable), Some((_, rest))) => {
            let known = rest.split(['?', ' ']).next().unwrap_or_default();
            format!("rename {variable} to {known}")
        }
        (Some(variable), None) if warning.contains("ignored: the configuration") => {
            format!("unset {variable}, or read it in the configuration file through ${{VAR}} substitution")
        }
        (Some(variable), None) => format!(
            "set {variable} to a value the message accepts, or unset it (docs/configuration.md lists every variable and its values)"
        ),
        (None, _) => {
            "follow the message; docs/configuration.md lists every variable and its values".to_owned()
        }
    };
    Finding::new(
        Severity::Warning,
        check,
        warning.to_owned(),
        "init() logs this once at start-up and carries on with a default: what the setting asked for is not in effect",
        fix,
    )
}

/// Where a Cargo.toml change for otel-kit-init goes: the member that depends on it (or
/// on the facade), else the first member.
fn manifest_for_init(graph: &Graph) -> String {
    graph
        .direct_users("otel-kit-init")
        .into_iter()
        .chain(graph.direct_users("otel-kit"))
        .map(|(member, _)| member.manifest_path.clone())
        .next()
        .or_else(|| {
            graph
                .members
                .first()
                .and_then(|m| graph.package(m))
                .map(|p| p.manifest_path.clone())
        })
        .unwrap_or_else(|| "Cargo.toml".to_owned())
}

/// What the environment asks of otel-kit-init that the project builds it without.
pub(crate) fn missing_init_features(graph: &Graph) -> Vec<Finding> {
    if !graph.has("otel-kit-init") {
        return Vec::new();
    }
    let (config, _) = Config::from_env();
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    // (feature, what asks for it, what happens without it, severity)
    let mut needs: Vec<(&'static str, String, &'static str, Severity)> = Vec::new();
    if !config.sdk_disabled {
        for signal in Signal::ALL {
            if !config.exporters(signal).contains(&ExporterKind::Otlp) {
                continue;
            }
            let otlp = config.export.otlp.signal(signal);
            needs.push((
                otlp.settings.protocol.cargo_feature(),
                format!(
                    "{} are exported over {} ({})",
                    signal.as_str(),
                    otlp.settings.protocol,
                    printable_endpoint(otlp.endpoint())
                ),
                "init() warns once and exports nothing for that signal",
                Severity::Error,
            ));
            if otlp.settings.is_https() {
                needs.push((
                    "tls-ring",
                    format!(
                        "the {} endpoint is https ({})",
                        signal.as_str(),
                        printable_endpoint(otlp.endpoint())
                    ),
                    "without a TLS feature (`tls-ring` or `tls-aws-lc`) init() warns once and exports nothing for that signal",
                    Severity::Error,
                ));
            }
            if matches!(otlp.settings.compression, Some(Compression::Gzip)) {
                needs.push((
                    "gzip",
                    format!("{} exports ask for gzip compression", signal.as_str()),
                    "init() sends uncompressed, with a warning",
                    Severity::Warning,
                ));
            }
        }
        if config
            .export
            .metrics_exporters
            .contains(&ExporterKind::Prometheus)
        {
            needs.push((
                "prometheus",
                "OTEL_METRICS_EXPORTER names prometheus".to_owned(),
                "nothing serves /metrics",
                Severity::Error,
            ));
        }
        let console = Signal::ALL
            .into_iter()
            .any(|s| config.exporters(s).contains(&ExporterKind::Console));
        if console {
            needs.push((
                "console",
                "an OTEL_*_EXPORTER names console".to_owned(),
                "nothing is printed",
                Severity::Warning,
            ));
        }
    }
    if set("OTEL_CONFIG_FILE") {
        needs.push((
            "config-file",
            "OTEL_CONFIG_FILE is set".to_owned(),
            "the file is not read: the OTEL_* variables are used instead, with one warning",
            Severity::Error,
        ));
    }
    if [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .iter()
    .any(|v| set(v))
    {
        needs.push((
            "proxy",
            "a proxy variable (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY) is set".to_owned(),
            "exports ignore the proxy and connect directly, which a closed network refuses",
            Severity::Warning,
        ));
    }
    let propagators = std::env::var("OTEL_PROPAGATORS")
        .unwrap_or_default()
        .to_ascii_lowercase();
    if propagators.split(',').any(|p| p.trim() == "xray") {
        needs.push((
            "xray",
            "OTEL_PROPAGATORS names xray".to_owned(),
            "the X-Ray header is neither read nor written",
            Severity::Warning,
        ));
    }
    let sampler = std::env::var("OTEL_TRACES_SAMPLER")
        .unwrap_or_default()
        .to_ascii_lowercase();
    if sampler.contains("jaeger_remote") {
        needs.push((
            "jaeger-remote",
            format!("OTEL_TRACES_SAMPLER={sampler}"),
            "the sampler falls back to a fixed ratio",
            Severity::Warning,
        ));
    }
    // X-Ray's sampling rules come with the X-Ray propagator's feature.
    if sampler.trim() == "xray" {
        needs.push((
            "xray",
            "OTEL_TRACES_SAMPLER=xray".to_owned(),
            "the sampler falls back to a fixed ratio instead of following X-Ray's rules",
            Severity::Warning,
        ));
    }
    // With a file the variable is ignored; the file's own `export_thread_nice` is not
    // read here (the doctor reads no file's values for features).
    let nice = std::env::var("OTEL_KIT_EXPORT_THREAD_NICE").unwrap_or_default();
    if !set("OTEL_CONFIG_FILE") && matches!(nice.trim().parse::<i32>(), Ok(1..=19)) {
        needs.push((
            "thread-priority",
            format!("OTEL_KIT_EXPORT_THREAD_NICE={}", nice.trim()),
            "telemetry's threads keep the process's priority, and init() warns once",
            Severity::Warning,
        ));
    }
    let manifest = manifest_for_init(graph);
    let source = KitSource::of(graph);
    // Only the facade names the kit: its fix is the facade's feature (same name).
    let facade = graph.direct_users("otel-kit-init").is_empty() && !graph.direct_users("otel-kit").is_empty();
    let mut findings: Vec<Finding> = Vec::new();
    for (feature, asked, without, severity) in needs {
        let has = match feature {
            "tls-ring" => {
                graph.has_feature("otel-kit-init", "tls-ring")
                    || graph.has_feature("otel-kit-init", "tls-aws-lc")
            }
            f => graph.has_feature("otel-kit-init", f),
        };
        if has
            || findings
                .iter()
                .any(|f| f.fix.contains(&format!("[\"{feature}\"]")))
        {
            continue;
        }
        findings.push(Finding::new(
            severity,
            "features",
            format!("{asked}, and the project builds otel-kit-init without its `{feature}` feature"),
            without,
            // A facade user names the facade, whose feature of the same name turns it on.
            format!(
                "in {manifest}: {}",
                source.dependency(
                    graph,
                    if facade { "otel-kit" } else { "otel-kit-init" },
                    &[feature]
                )
            ),
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warning_names_its_variable_and_a_misspelling_its_fix() {
        let f = from_warning(
            "OTEL_EXPORTER_OTLP_ENDPIONT=\"<not shown>\" is not a variable otel-kit reads: did you mean OTEL_EXPORTER_OTLP_ENDPOINT? It is ignored",
        );
        assert_eq!(
            f.fix,
            "rename OTEL_EXPORTER_OTLP_ENDPIONT to OTEL_EXPORTER_OTLP_ENDPOINT"
        );
        assert_eq!(variable_of("service.name is not set, so ..."), None);
        assert_eq!(
            variable_of("OTEL_A,OTEL_B=\"<set>\" ignored"),
            Some("OTEL_A,OTEL_B")
        );
        assert_eq!(
            from_warning("OTEL_CONFIG_FILE=\"/x\" names no readable file").check,
            "config-file"
        );
    }
}
