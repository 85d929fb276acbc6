//! `OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER` and `OTEL_LOGS_EXPORTER`: where each
//! signal goes.

use crate::Signal;
use crate::build_features::BuildFeatures;
use crate::env::Env;

/// Where a signal's data goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExporterKind {
    /// OTLP to a collector (the spec default).
    Otlp,
    /// Human-readable output on stdout, through a simple (synchronous) processor.
    Console,
    /// `/metrics` for Prometheus to scrape (metrics only; the `prometheus` feature).
    Prometheus,
}

impl ExporterKind {
    /// Its name in `OTEL_<SIGNAL>_EXPORTER`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ExporterKind::Otlp => "otlp",
            ExporterKind::Console => "console",
            ExporterKind::Prometheus => "prometheus",
        }
    }

    /// Whether this build has this exporter: the console one with the `console` cargo
    /// feature, OTLP with any of `grpc`, `http-proto` and `http-json`.
    pub fn is_built_in(self) -> bool {
        self.is_in(BuildFeatures::THIS_BUILD)
    }

    /// Whether a build with `features` has this exporter.
    pub(crate) fn is_in(self, features: BuildFeatures) -> bool {
        match self {
            ExporterKind::Otlp => super::otlp::default_protocol_in(features).is_some(),
            ExporterKind::Console => features.console,
            ExporterKind::Prometheus => features.prometheus,
        }
    }

    /// The cargo features of otel-kit-init, one of which brings this exporter.
    pub(crate) fn cargo_features(self) -> &'static str {
        match self {
            ExporterKind::Otlp => "`grpc`, `http-proto` or `http-json`",
            ExporterKind::Console => "`console`",
            ExporterKind::Prometheus => "`prometheus`",
        }
    }
}

/// `OTEL_TRACES_EXPORTER` and so on.
pub(super) fn variable(signal: Signal) -> String {
    format!("OTEL_{}_EXPORTER", signal.env_name())
}

/// `OTEL_<SIGNAL>_EXPORTER`: a list of `otlp`, `console`, `none`; unset is `otlp`. What
/// this build lacks (a signal's or an exporter's cargo feature) is left out, with a
/// warning when the variable asked for it.
pub(super) fn read(env: &mut Env<'_>, signal: Signal) -> Vec<ExporterKind> {
    let built = env.features();
    let variable = variable(signal);
    // The value as set, for the warnings; `None` (unset) asks for nothing, so what the
    // build lacks is left out silently.
    let raw = env.get(&variable);
    let mut kinds = read_names(env, signal);
    if kinds.is_empty() {
        return kinds;
    }
    if !built.has_signal(signal) {
        if let Some(raw) = &raw {
            env.warn(
                &variable,
                raw,
                format!(
                    "needs otel-kit-init's `{}` cargo feature, which this build lacks; nothing is exported",
                    signal.env_name().to_ascii_lowercase()
                ),
            );
        }
        return Vec::new();
    }
    kinds.retain(|kind| {
        kind.is_in(built) || {
            if let Some(raw) = &raw {
                env.warn(
                    &variable,
                    raw,
                    format!(
                        "names {}, which needs otel-kit-init's {} cargo feature, missing from this build; it is skipped",
                        kind.name(),
                        kind.cargo_features()
                    ),
                );
            }
            false
        }
    });
    kinds
}

/// The names in the variable, as exporters, before the build's features are considered.
fn read_names(env: &mut Env<'_>, signal: Signal) -> Vec<ExporterKind> {
    let variable = variable(signal);
    let variable = variable.as_str();
    // Names the specification defines for exporters this kit does not ship.
    let known_unsupported: &[&str] = match signal {
        Signal::Traces => &["zipkin", "jaeger"],
        Signal::Metrics => &[],
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
    // What was left out, and why: one warning each when something is left to use, one
    // for all when nothing is.
    let mut skipped: Vec<(String, &str)> = Vec::new();
    for name in &names {
        let kind = if name.eq_ignore_ascii_case("otlp") {
            ExporterKind::Otlp
        } else if name.eq_ignore_ascii_case("console") || name.eq_ignore_ascii_case("logging") {
            ExporterKind::Console
        } else if signal == Signal::Metrics && name.eq_ignore_ascii_case("prometheus") {
            ExporterKind::Prometheus
        } else {
            skipped.push(
                if known_unsupported.iter().any(|u| u.eq_ignore_ascii_case(name)) {
                    (
                        format!("names `{name}`, which this kit does not support"),
                        " (send OTLP to a collector that converts)",
                    )
                } else {
                    // Echoed escaped: a warning is one log line.
                    (
                        format!("names the unknown exporter `{}`", name.escape_debug()),
                        "",
                    )
                },
            );
            continue;
        };
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    if out.is_empty() {
        let why: Vec<&str> = skipped.iter().map(|(why, _)| why.as_str()).collect();
        let hint = skipped
            .iter()
            .map(|(_, hint)| *hint)
            .find(|h| !h.is_empty())
            .unwrap_or("");
        let why = if why.is_empty() {
            "has no supported exporter".to_owned()
        } else {
            why.join("; ")
        };
        env.warn(variable, &raw, format!("{why}; using otlp{hint}"));
        out.push(ExporterKind::Otlp);
        return out;
    }
    for (why, hint) in skipped {
        env.warn(variable, &raw, format!("{why}; it is skipped{hint}"));
    }
    out
}
