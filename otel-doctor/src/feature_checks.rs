//! Instrumentation the code seems to need but that is off: the project uses a library
//! directly, and neither the kit crate that instruments it (with the right feature) nor
//! the `otel-kit` facade's feature for it is on.

use crate::finding::{Finding, Severity};
use crate::kit_source::KitSource;
use crate::metadata::Graph;
use crate::version_checks::uses_kit;

/// A library and what instruments it.
struct Rule {
    /// The library the workspace's code depends on.
    library: &'static str,
    /// A feature of the library that must be on for the rule to apply (sqlx's driver).
    library_feature: Option<&'static str>,
    /// Libraries of which the same member must use one too for the rule to apply, none
    /// when empty: a crate with gRPC services or clients has generated code, which needs
    /// tonic-prost (or prost), while one that uses tonic only for `tonic::Status` has
    /// nothing to instrument.
    companions: &'static [&'static str],
    /// The kit crate that instruments it.
    kit_crate: &'static str,
    /// Its feature, `None` when the crate alone does.
    kit_feature: Option<&'static str>,
    /// The `otel-kit` facade's feature.
    facade_feature: &'static str,
    /// What is missing without it.
    missing: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        library: "axum",
        library_feature: None,
        companions: &[],
        kit_crate: "otel-kit-http",
        kit_feature: Some("axum"),
        facade_feature: "axum",
        missing: "no server spans or http.server.* metrics with route templates for the axum router",
    },
    Rule {
        library: "actix-web",
        library_feature: None,
        companions: &[],
        kit_crate: "otel-kit-http",
        kit_feature: Some("actix"),
        facade_feature: "actix",
        missing: "no server spans or metrics for the actix App",
    },
    Rule {
        library: "reqwest",
        library_feature: None,
        companions: &[],
        kit_crate: "otel-kit-http",
        kit_feature: Some("client"),
        facade_feature: "reqwest",
        missing: "outgoing HTTP calls get no client spans and carry no traceparent: the next service starts a new trace",
    },
    Rule {
        library: "awc",
        library_feature: None,
        companions: &[],
        kit_crate: "otel-kit-http",
        kit_feature: Some("awc"),
        facade_feature: "awc",
        missing: "outgoing awc calls get no client spans and carry no traceparent: the next service starts a new trace",
    },
    Rule {
        library: "tonic",
        library_feature: None,
        companions: &["tonic-prost", "prost"],
        kit_crate: "otel-kit-grpc",
        kit_feature: None,
        facade_feature: "tonic",
        missing: "gRPC calls get no spans or rpc.* metrics, and trace context does not cross them",
    },
    Rule {
        library: "sqlx",
        library_feature: Some("postgres"),
        companions: &[],
        kit_crate: "otel-kit-db",
        kit_feature: Some("postgres"),
        facade_feature: "postgres",
        missing: "PostgreSQL queries through sqlx get no db spans or metrics",
    },
    Rule {
        library: "sqlx",
        library_feature: Some("mysql"),
        companions: &[],
        kit_crate: "otel-kit-db",
        kit_feature: Some("mysql"),
        facade_feature: "mysql",
        missing: "MySQL queries through sqlx get no db spans or metrics",
    },
    Rule {
        library: "sqlx",
        library_feature: Some("sqlite"),
        companions: &[],
        kit_crate: "otel-kit-db",
        kit_feature: Some("sqlite"),
        facade_feature: "sqlite",
        missing: "SQLite queries through sqlx get no db spans or metrics",
    },
    Rule {
        library: "tokio-postgres",
        library_feature: None,
        companions: &[],
        kit_crate: "otel-kit-db",
        kit_feature: Some("tokio-postgres"),
        facade_feature: "tokio-postgres",
        missing: "tokio-postgres queries get no db spans or metrics",
    },
    Rule {
        library: "diesel",
        library_feature: None,
        companions: &[],
        kit_crate: "otel-kit-db",
        kit_feature: Some("diesel"),
        facade_feature: "diesel",
        missing: "diesel queries get no db spans or metrics",
    },
    Rule {
        library: "redis",
        library_feature: None,
        companions: &[],
        kit_crate: "otel-kit-db",
        kit_feature: Some("redis"),
        facade_feature: "redis",
        missing: "Redis commands get no db spans or metrics",
    },
    Rule {
        library: "async-nats",
        library_feature: None,
        companions: &[],
        kit_crate: "otel-kit-messaging",
        kit_feature: Some("nats"),
        facade_feature: "nats",
        missing: "NATS messages get no messaging spans and carry no trace context",
    },
    Rule {
        library: "lapin",
        library_feature: None,
        companions: &[],
        kit_crate: "otel-kit-messaging",
        kit_feature: Some("rabbitmq"),
        facade_feature: "rabbitmq",
        missing: "RabbitMQ messages get no messaging spans and carry no trace context",
    },
    Rule {
        library: "rdkafka",
        library_feature: None,
        companions: &[],
        kit_crate: "otel-kit-messaging",
        kit_feature: Some("kafka"),
        facade_feature: "kafka",
        missing: "Kafka records get no messaging spans and carry no trace context",
    },
];

/// One finding per library the workspace uses whose instrumentation is off. Only for a
/// project that uses the kit: for one that does not, every library would be a finding.
pub(crate) fn missing_instrumentation(graph: &Graph) -> Vec<Finding> {
    if !uses_kit(graph) {
        return Vec::new();
    }
    let source = KitSource::of(graph);
    let mut findings = Vec::new();
    for rule in RULES {
        let users = graph.direct_users(rule.library);
        let Some((member, library)) = users.first() else {
            continue;
        };
        if let Some(feature) = rule.library_feature
            && !graph.has_feature(rule.library, feature)
        {
            continue;
        }
        let with_companion = |name: &str| {
            graph
                .direct_users(name)
                .iter()
                .any(|(user, _)| user.id == member.id)
        };
        if !rule.companions.is_empty() && !rule.companions.iter().any(|c| with_companion(c)) {
            continue;
        }
        let by_crate = graph.has(rule.kit_crate)
            && rule
                .kit_feature
                .is_none_or(|f| graph.has_feature(rule.kit_crate, f));
        let by_facade = graph.has_feature("otel-kit", rule.facade_feature);
        if by_crate || by_facade {
            continue;
        }
        let what = match rule.library_feature {
            Some(f) => format!("{} with `{f}`", rule.library),
            None => rule.library.to_owned(),
        };
        let crate_line = source.dependency(graph, rule.kit_crate, rule.kit_feature.as_slice());
        let facade_line = source.dependency(graph, "otel-kit", &[rule.facade_feature]);
        let (finding, fix) = if graph.has("otel-kit") {
            (
                format!(
                    "{} uses {what} ({}), and otel-kit's `{}` feature is off",
                    member.name, library.version, rule.facade_feature
                ),
                format!(
                    "in {}: add \"{}\" to otel-kit's features, e.g. {facade_line}",
                    member.manifest_path, rule.facade_feature
                ),
            )
        } else if graph.has(rule.kit_crate) {
            (
                format!(
                    "{} uses {what} ({}), and {} is built without its `{}` feature",
                    member.name,
                    library.version,
                    rule.kit_crate,
                    rule.kit_feature.unwrap_or_default()
                ),
                format!("in {}: {crate_line}", member.manifest_path),
            )
        } else {
            (
                format!(
                    "{} uses {what} ({}), and no otel-kit crate instruments it",
                    member.name, library.version
                ),
                format!(
                    "in {}: {crate_line} (or {facade_line}), then wrap the client, pool or router as its docs show",
                    member.manifest_path
                ),
            )
        };
        findings.push(Finding::new(
            Severity::Warning,
            "features",
            finding,
            rule.missing,
            fix,
        ));
    }
    findings
}

/// opentelemetry's feature for the metrics API's experimental bound instruments.
const BOUND_API_FEATURE: &str = "experimental_metrics_bound_instruments";

/// The API's bound instruments turned on by someone else while otel-kit-init is built
/// without `bound-instruments`: the kit's meter provider then declares none, and what
/// code records through a bound handle from it is dropped.
pub(crate) fn bound_instruments_mismatch(graph: &Graph) -> Vec<Finding> {
    if !graph.has("otel-kit-init")
        || graph.has_feature("otel-kit-init", "bound-instruments")
        || !graph.has_feature("opentelemetry", BOUND_API_FEATURE)
    {
        return Vec::new();
    }
    let named = if graph.has("otel-kit") {
        "otel-kit"
    } else {
        "otel-kit-init"
    };
    let fix = format!(
        "add \"bound-instruments\" to {named}'s features, e.g. {}",
        KitSource::of(graph).dependency(graph, named, &["bound-instruments"])
    );
    vec![Finding::new(
        Severity::Error,
        "features",
        format!(
            "opentelemetry is built with `{BOUND_API_FEATURE}`, and otel-kit-init without its `bound-instruments` feature"
        ),
        "metrics recorded through a bound handle (`bind`) on the kit's meter provider are dropped: the provider declares no bound instruments when the feature is off",
        fix,
    )]
}
