//! The versions this release of the kit is built on: the OpenTelemetry crates it pins and
//! the libraries it instruments. A unit test keeps every entry equal to the workspace's
//! `[workspace.dependencies]`, so the doctor and the kit cannot drift apart.

/// A crate and the version the kit's workspace pins for it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pinned {
    pub(crate) name: &'static str,
    pub(crate) version: &'static str,
}

/// The OpenTelemetry crates the kit is built on. A second version of any of them (or of
/// any `opentelemetry*` crate) splits the application's telemetry in two.
pub(crate) const OPENTELEMETRY: &[Pinned] = &[
    Pinned {
        name: "opentelemetry",
        version: "0.33.1",
    },
    Pinned {
        name: "opentelemetry_sdk",
        version: "0.33.1",
    },
    Pinned {
        name: "opentelemetry-otlp",
        version: "0.33.1",
    },
    Pinned {
        name: "opentelemetry-proto",
        version: "0.33.1",
    },
    Pinned {
        name: "opentelemetry-propagator-b3",
        version: "0.33.1",
    },
    Pinned {
        name: "opentelemetry-appender-tracing",
        version: "0.33.1",
    },
    Pinned {
        name: "opentelemetry-http",
        version: "0.33.1",
    },
    Pinned {
        name: "opentelemetry-prometheus",
        version: "0.33.1",
    },
    Pinned {
        name: "opentelemetry-aws",
        version: "0.21",
    },
    Pinned {
        name: "tracing-opentelemetry",
        version: "0.34.0",
    },
];

/// The version of the `opentelemetry` family itself, for crates the table does not name.
pub(crate) const OPENTELEMETRY_FAMILY: &str = "0.33.1";

/// A library the kit instruments, at the version its instrumentation is compiled against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Instrumented {
    pub(crate) pinned: Pinned,
    /// What silently breaks when the application uses another release.
    pub(crate) breaks: &'static str,
}

/// The libraries the kit instruments or hooks into.
pub(crate) const INSTRUMENTED: &[Instrumented] = &[
    Instrumented {
        pinned: Pinned {
            name: "axum",
            version: "0.8.9",
        },
        breaks: "the HTTP layer reads axum 0.8's MatchedPath: with another axum the route template is lost (span names and http.route fall back to the method alone, metrics lose the route)",
    },
    Instrumented {
        pinned: Pinned {
            name: "actix-web",
            version: "4.18.1",
        },
        breaks: "the actix middleware is written against actix-web 4: it does not wrap another major's App, and the route template is lost",
    },
    Instrumented {
        pinned: Pinned {
            name: "awc",
            version: "3.11.0",
        },
        breaks: "otel-kit-http's awc middleware is an awc 3 middleware: another major's client skips it, so its calls get no client spans and carry no trace context",
    },
    Instrumented {
        pinned: Pinned {
            name: "tonic",
            version: "0.14.9",
        },
        breaks: "otel-kit-grpc's layers and interceptors are tonic 0.14 types: another tonic's server and channel get no spans, metrics or propagation",
    },
    Instrumented {
        pinned: Pinned {
            name: "reqwest",
            version: "0.13.5",
        },
        breaks: "otel-kit-http's client middleware wraps reqwest 0.13's client: calls made with another reqwest get no client spans and carry no trace context",
    },
    Instrumented {
        pinned: Pinned {
            name: "reqwest-middleware",
            version: "0.5.2",
        },
        breaks: "the tracing middleware implements reqwest-middleware 0.5's trait: another release's client chain skips it",
    },
    Instrumented {
        pinned: Pinned {
            name: "tower",
            version: "0.5.3",
        },
        breaks: "the layers implement tower 0.5's Layer and Service: another tower's stack does not accept them",
    },
    Instrumented {
        pinned: Pinned {
            name: "hyper",
            version: "1.12",
        },
        breaks: "the server and client instrumentation speak hyper 1 (http 1.x types): a hyper 0.14 service is not instrumented",
    },
    Instrumented {
        pinned: Pinned {
            name: "sqlx",
            version: "0.9.0",
        },
        breaks: "otel-kit-db's executors wrap sqlx 0.9's pools: queries through another sqlx get no spans or metrics",
    },
    Instrumented {
        pinned: Pinned {
            name: "tokio-postgres",
            version: "0.7.18",
        },
        breaks: "otel-kit-db wraps tokio-postgres 0.7's client: another release's queries get no spans",
    },
    Instrumented {
        pinned: Pinned {
            name: "deadpool-postgres",
            version: "0.14.2",
        },
        breaks: "otel-kit-db wraps deadpool-postgres 0.14's pool: another release's connections get no spans",
    },
    Instrumented {
        pinned: Pinned {
            name: "diesel",
            version: "2.3.9",
        },
        breaks: "otel-kit-db hooks diesel 2's Instrumentation: another major's connections get no spans",
    },
    Instrumented {
        pinned: Pinned {
            name: "redis",
            version: "1.8",
        },
        breaks: "otel-kit-db wraps redis 1's connections: commands through another release get no spans",
    },
    Instrumented {
        pinned: Pinned {
            name: "async-nats",
            version: "0.51",
        },
        breaks: "otel-kit-messaging wraps async-nats 0.51's client: messages through another release get no spans and carry no trace context",
    },
    Instrumented {
        pinned: Pinned {
            name: "lapin",
            version: "4.12",
        },
        breaks: "otel-kit-messaging wraps lapin 4's channels: messages through another release get no spans and carry no trace context",
    },
    Instrumented {
        pinned: Pinned {
            name: "rdkafka",
            version: "0.39",
        },
        breaks: "otel-kit-messaging wraps rdkafka 0.39's producer and consumer: messages through another release get no spans and carry no trace context",
    },
];

/// The kit's own version (every otel-kit-* crate shares it).
pub(crate) const KIT: &str = env!("CARGO_PKG_VERSION");

/// Whether package `name` is one of the kit's crates: `otel-kit` or `otel-kit-*`.
pub(crate) fn is_kit_crate(name: &str) -> bool {
    name == "otel-kit" || name.starts_with("otel-kit-")
}

/// `major.minor.patch` as numbers; a missing part is 0, pre-release and build are dropped.
pub(crate) fn parse(version: &str) -> (u64, u64, u64) {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let mut parts = core.split('.').map(|p| p.trim().parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// The part of a version cargo's caret requirement keeps fixed: `0.33` for 0.33.1, `2`
/// for 2.3.9 (`0.0.3` for 0.0.3). Two versions of a crate in one graph always differ in it.
pub(crate) fn line(version: &str) -> String {
    match parse(version) {
        (0, 0, patch) => format!("0.0.{patch}"),
        (0, minor, _) => format!("0.{minor}"),
        (major, _, _) => major.to_string(),
    }
}

/// Whether `version` is on the same caret line as the kit's `pinned`.
pub(crate) fn same_line(version: &str, pinned: &str) -> bool {
    line(version) == line(pinned)
}

/// The pinned entry for `name` among the OpenTelemetry crates.
pub(crate) fn opentelemetry_pin(name: &str) -> Option<&'static Pinned> {
    OPENTELEMETRY.iter().find(|p| p.name == name)
}

/// Whether `name` is an OpenTelemetry crate whose versions must agree.
pub(crate) fn is_opentelemetry(name: &str) -> bool {
    name.starts_with("opentelemetry") || opentelemetry_pin(name).is_some()
}

/// Whether `name` is one of the kit's own crates, released together with one version:
/// two releases in one graph split its globals (the peer-service map, the
/// instrumentation switches, the log-event provider) as two `opentelemetry`s would.
pub(crate) fn is_kit(name: &str) -> bool {
    name == "otel-kit" || name.starts_with("otel-kit-")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `name = "1.2"` or `name = { version = "1.2", ... }` lines of the workspace's
    /// `[workspace.dependencies]`.
    fn workspace_pins() -> Vec<(String, String)> {
        let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml"))
            .expect("the workspace's Cargo.toml");
        let section = manifest
            .split("[workspace.dependencies]")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .expect("a [workspace.dependencies] section");
        section
            .lines()
            .filter_map(|line| {
                let (name, value) = line.split_once('=')?;
                let name = name.trim();
                if name.starts_with('#') || name.is_empty() {
                    return None;
                }
                let version = match value.split_once("version = \"") {
                    Some((_, rest)) => rest.split('"').next()?,
                    None => value.trim().trim_matches('"'),
                };
                Some((name.to_owned(), version.to_owned()))
            })
            .collect()
    }

    #[test]
    fn every_pin_is_the_workspaces() {
        let pins = workspace_pins();
        assert!(pins.len() > 30, "the parser read the section: {pins:?}");
        let all = OPENTELEMETRY
            .iter()
            .copied()
            .chain(INSTRUMENTED.iter().map(|i| i.pinned));
        for pinned in all {
            let found = pins.iter().find(|(name, _)| name == pinned.name);
            assert_eq!(
                found.map(|(_, v)| v.as_str()),
                Some(pinned.version),
                "{} differs from [workspace.dependencies]",
                pinned.name
            );
        }
        let family = pins.iter().find(|(name, _)| name == "opentelemetry");
        assert_eq!(family.map(|(_, v)| v.as_str()), Some(OPENTELEMETRY_FAMILY));
    }

    #[test]
    fn every_opentelemetry_crate_of_the_workspace_is_in_the_table() {
        for (name, _) in workspace_pins() {
            // Contrib's instrumentations (actix-web, tower) are perf/http-peers' peers, not the kit's family.
            if name.starts_with("opentelemetry") && !name.starts_with("opentelemetry-instrumentation-") {
                assert!(
                    opentelemetry_pin(&name).is_some(),
                    "{name} is missing from OPENTELEMETRY"
                );
            }
        }
    }

    #[test]
    fn lines_follow_cargos_caret_rule() {
        assert_eq!(line("0.33.1"), "0.33");
        assert_eq!(line("2.3.9"), "2");
        assert_eq!(line("0.0.3"), "0.0.3");
        assert_eq!(line("1.0.0-rc.1"), "1");
        assert!(same_line("0.33.0", "0.33.1"));
        assert!(!same_line("0.32.0", "0.33.1"));
        assert!(!same_line("0.9.0", "0.8.9"));
        assert_eq!(parse("garbage"), (0, 0, 0));
    }
}
