//! `OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER` and `OTEL_LOGS_EXPORTER`: where each
//! signal goes.

use crate::env::Env;
use crate::signal::Signal;

/// Where a signal's data goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExporterKind {
    /// OTLP to a collector (the spec default).
    Otlp,
    /// Human-readable output on stdout, through a simple (synchronous) processor.
    Console,
}

/// `OTEL_TRACES_EXPORTER` and so on.
pub(super) fn variable(signal: Signal) -> String {
    format!("OTEL_{}_EXPORTER", signal.env_name())
}

/// `OTEL_<SIGNAL>_EXPORTER`: a list of `otlp`, `console`, `none`; unset is `otlp`.
pub(super) fn read(env: &mut Env<'_>, signal: Signal) -> Vec<ExporterKind> {
    let variable = variable(signal);
    let variable = variable.as_str();
    // Names the specification defines for exporters this kit does not ship.
    let known_unsupported: &[&str] = match signal {
        Signal::Traces => &["zipkin", "jaeger"],
        Signal::Metrics => &["prometheus"],
        Signal::Logs => &[],
    };
    let Some(names) = env.list(variable) else {
        return vec![ExporterKind::Otlp];
    };
    let raw = names.join(",");
    if names.iter().any(|n| n.eq_ignore_ascii_case("none")) {
        if names.len() > 1 {
            env.warn(
                variable,
                &raw,
                "combines `none` with other exporters; exporting nothing",
            );
        }
        return Vec::new();
    }
    let mut out = Vec::new();
    for name in &names {
        let kind = if name.eq_ignore_ascii_case("otlp") {
            ExporterKind::Otlp
        } else if name.eq_ignore_ascii_case("console") || name.eq_ignore_ascii_case("logging") {
            ExporterKind::Console
        } else {
            let why = if known_unsupported.iter().any(|u| u.eq_ignore_ascii_case(name)) {
                format!(
                    "names `{name}`, which this kit does not support; it is skipped (send OTLP to a collector that converts)"
                )
            } else {
                format!("names the unknown exporter `{name}`; it is skipped")
            };
            env.warn(variable, &raw, why);
            continue;
        };
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    if out.is_empty() {
        env.warn(variable, &raw, "has no supported exporter; using otlp");
        out.push(ExporterKind::Otlp);
    }
    out
}
