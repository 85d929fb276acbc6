//! Version skew in the graph: a second version of an OpenTelemetry crate, and libraries
//! at a release the kit does not instrument.

use crate::finding::{Finding, Severity};
use crate::kit_versions::{self, INSTRUMENTED, OPENTELEMETRY_FAMILY};
use crate::metadata::{Graph, Package, chain};

/// Whether the project uses the kit at all (any `otel-kit*` package in its graph).
pub(crate) fn uses_kit(graph: &Graph) -> bool {
    graph.names().into_iter().any(crate::kit_versions::is_kit_crate)
}

/// One finding per OpenTelemetry crate found in more than one version.
pub(crate) fn duplicate_opentelemetry(graph: &Graph) -> Vec<Finding> {
    let mut findings = Vec::new();
    for name in graph.names() {
        let pinned = if kit_versions::is_opentelemetry(name) {
            kit_versions::opentelemetry_pin(name).map_or(OPENTELEMETRY_FAMILY, |p| p.version)
        } else if kit_versions::is_kit(name) {
            kit_versions::KIT
        } else {
            continue;
        };
        let versions = graph.named(name);
        if versions.len() < 2 {
            continue;
        }
        let target = kit_versions::line(pinned);
        let mut found = Vec::new();
        let mut fixes = Vec::new();
        for package in &versions {
            let path = graph.path_to(&package.id);
            let pulled_by: Vec<String> = graph
                .dependents(&package.id)
                .iter()
                .map(|p| format!("{} {}", p.name, p.version))
                .collect();
            found.push(format!(
                "{} {} (pulled in by {}; path: {})",
                name,
                package.version,
                if pulled_by.is_empty() {
                    "nothing".to_owned()
                } else {
                    pulled_by.join(", ")
                },
                if path.is_empty() {
                    "not reachable from a member".to_owned()
                } else {
                    chain(&path)
                }
            ));
            if !kit_versions::same_line(&package.version, pinned) {
                fixes.push(fix_for(name, package, &path, &target));
            }
        }
        findings.push(Finding::new(
            Severity::Error,
            "versions",
            format!("{} versions of {name} in the graph: {}", versions.len(), found.join("; ")),
            format!(
                "each version has its own globals: instrumentation built on one reports to a provider (or reads settings) nobody installed, so its spans, metrics and logs silently disappear (this otel-kit release wants {name} {target})"
            ),
            if fixes.is_empty() {
                format!("align every dependency on {name} to {target}: `cargo tree -i {name}` shows who asks for which")
            } else {
                fixes.join("\n")
            },
        ));
    }
    findings
}

/// The fix for one stray version: the member's own line, or the dependency that pulls it.
fn fix_for(name: &str, package: &Package, path: &[&Package], target: &str) -> String {
    match path {
        [member, direct, ..] if direct.id == package.id => format!(
            "in {}: {name} = \"{target}\" (was {})",
            member.manifest_path, package.version
        ),
        [member, direct, ..] => format!(
            "{} {} (a dependency of {} in {}) pulls {name} {}: upgrade it to a release built on {name} {target}, or drop it; `cargo tree -i {name}@{}` shows the chain",
            direct.name, direct.version, member.name, member.manifest_path, package.version, package.version
        ),
        _ => format!(
            "remove {name} {} or align it to {target}: `cargo tree -i {name}@{}`",
            package.version, package.version
        ),
    }
}

/// Libraries the workspace's code depends on directly, at a release the kit does not
/// instrument.
pub(crate) fn uninstrumented_versions(graph: &Graph) -> Vec<Finding> {
    let kit = uses_kit(graph);
    let mut findings = Vec::new();
    for lib in INSTRUMENTED {
        let pinned = lib.pinned;
        let target = kit_versions::line(pinned.version);
        for (member, dep) in graph.direct_users(pinned.name) {
            if kit_versions::same_line(&dep.version, pinned.version) {
                continue;
            }
            findings.push(Finding::new(
                if kit { Severity::Error } else { Severity::Warning },
                "instrumented-versions",
                format!(
                    "{} uses {} {}; otel-kit instruments {} {}",
                    member.name, pinned.name, dep.version, pinned.name, target
                ),
                lib.breaks.to_owned(),
                format!(
                    "in {}: {} = \"{target}\" (or wait for an otel-kit release that supports {} {})",
                    member.manifest_path,
                    pinned.name,
                    pinned.name,
                    kit_versions::line(&dep.version)
                ),
            ));
        }
    }
    findings
}
