//! The checks of the project's dependency graph, on scratch workspaces with one planted
//! fault each, and one without.

use crate::doctor::run;
use crate::scratch::{Fake, Scratch, dep, plain};

const QUIET: &[(&str, &str)] = &[("OTEL_SERVICE_NAME", "scratch")];
const ARGS: &[&str] = &["--offline", "--format", "json"];

fn texts(findings: &[serde_json::Value]) -> String {
    serde_json::to_string_pretty(findings).unwrap_or_default()
}

#[test]
fn two_opentelemetry_versions_are_an_error_naming_who_pulls_each_and_the_fix() {
    let scratch = Scratch::new(
        &[
            dep("opentelemetry", "opentelemetry", "0.33.1", ""),
            dep("legacy-metrics", "legacy-metrics", "1.0.0", ""),
        ],
        &[
            plain("opentelemetry", "0.33.1"),
            plain("opentelemetry", "0.32.0"),
            Fake {
                name: "legacy-metrics",
                version: "1.0.0",
                features: &[],
                dependencies: &[&dep("opentelemetry", "opentelemetry", "0.32.0", "")],
            },
        ],
    );
    let out = run(&scratch.workspace, ARGS, QUIET);
    assert_eq!(out.code, Some(1), "an error-level finding: {out:?}");
    let found = out.of("versions");
    assert_eq!(found.len(), 1, "{}", texts(&found));
    let f = &found[0];
    assert_eq!(f["severity"], "error");
    let finding = f["finding"].as_str().unwrap_or_default();
    assert!(finding.contains("opentelemetry 0.32.0"), "{finding}");
    assert!(finding.contains("opentelemetry 0.33.1"), "{finding}");
    assert!(
        finding.contains("app 0.1.0 -> legacy-metrics 1.0.0 -> opentelemetry 0.32.0"),
        "the path that pulls the stray version: {finding}"
    );
    let fix = f["fix"].as_str().unwrap_or_default();
    assert!(
        fix.contains("legacy-metrics 1.0.0") && fix.contains("0.33"),
        "{fix}"
    );
}

#[test]
fn a_stray_version_in_the_applications_own_manifest_gets_the_line_to_change() {
    let scratch = Scratch::new(
        &[
            dep("opentelemetry", "opentelemetry", "0.32.0", ""),
            dep("tracing-opentelemetry", "tracing-opentelemetry", "0.34.0", ""),
        ],
        &[
            plain("opentelemetry", "0.33.1"),
            plain("opentelemetry", "0.32.0"),
            Fake {
                name: "tracing-opentelemetry",
                version: "0.34.0",
                features: &[],
                dependencies: &[&dep("opentelemetry", "opentelemetry", "0.33.1", "")],
            },
        ],
    );
    let out = run(&scratch.workspace, ARGS, QUIET);
    let found = out.of("versions");
    assert_eq!(found.len(), 1, "{}", texts(&found));
    let fix = found[0]["fix"].as_str().unwrap_or_default();
    assert!(
        fix.contains("app/Cargo.toml: opentelemetry = \"0.33\" (was 0.32.0)"),
        "{fix}"
    );
}

#[test]
fn axum_0_9_beside_the_kits_http_layer_is_an_error_saying_routes_are_lost() {
    let scratch = Scratch::new(
        &[
            dep("axum", "axum", "0.9.0", ""),
            dep(
                "otel-kit-http",
                "otel-kit-http",
                "0.1.0",
                ", features = [\"axum\"]",
            ),
        ],
        &[
            plain("axum", "0.9.0"),
            plain("axum", "0.8.9"),
            Fake {
                name: "otel-kit-http",
                version: "0.1.0",
                features: &["axum", "client", "actix"],
                dependencies: &[&dep("axum", "axum", "0.8.9", "")],
            },
        ],
    );
    let out = run(&scratch.workspace, ARGS, QUIET);
    assert_eq!(out.code, Some(1), "{out:?}");
    let found = out.of("instrumented-versions");
    assert_eq!(found.len(), 1, "{}", texts(&found));
    assert_eq!(found[0]["severity"], "error");
    assert!(
        found[0]["finding"]
            .as_str()
            .unwrap_or_default()
            .contains("axum 0.9.0")
    );
    assert!(
        found[0]["why"]
            .as_str()
            .unwrap_or_default()
            .contains("MatchedPath")
    );
    assert!(
        found[0]["fix"]
            .as_str()
            .unwrap_or_default()
            .contains("axum = \"0.8\"")
    );
    assert!(
        out.of("features").is_empty(),
        "the axum feature is on: {}",
        out.stdout
    );
}

#[test]
fn instrumentation_left_off_names_the_feature_to_turn_on() {
    let scratch = Scratch::new(
        &[
            dep("axum", "axum", "0.8.9", ""),
            dep("sqlx", "sqlx", "0.9.0", ", features = [\"postgres\"]"),
            dep("tonic", "tonic", "0.14.9", ""),
            // Generated service code: what a gRPC server or client needs.
            dep("tonic-prost", "tonic-prost", "0.14.2", ""),
            dep(
                "otel-kit-http",
                "otel-kit-http",
                "0.1.0",
                ", features = [\"client\"]",
            ),
            dep("otel-kit-db", "otel-kit-db", "0.1.0", ", features = [\"mysql\"]"),
        ],
        &[
            plain("axum", "0.8.9"),
            plain("tonic", "0.14.9"),
            plain("tonic-prost", "0.14.2"),
            Fake {
                name: "sqlx",
                version: "0.9.0",
                features: &["postgres", "mysql"],
                dependencies: &[],
            },
            Fake {
                name: "otel-kit-http",
                version: "0.1.0",
                features: &["axum", "client"],
                dependencies: &[],
            },
            Fake {
                name: "otel-kit-db",
                version: "0.1.0",
                features: &["postgres", "mysql"],
                dependencies: &[],
            },
        ],
    );
    let out = run(&scratch.workspace, ARGS, QUIET);
    let found = out.of("features");
    let all = texts(&found);
    assert_eq!(found.len(), 3, "axum, sqlx postgres, tonic: {all}");
    // The fixes name the kit as the project's manifest does, here by path: a crate it
    // has by its own folder, one it lacks by the kit checkout's folder for it (the unit
    // tests of `kit_source.rs` cover the registry and git forms).
    let fakes = scratch.workspace.parent().expect("a parent").join("fakes");
    let fakes = fakes.display();
    assert!(
        all.contains(&format!(
            "otel-kit-http = {{ path = \\\"{fakes}/otel-kit-http-0.1.0\\\", features = [\\\"axum\\\"] }}"
        )),
        "{all}"
    );
    assert!(all.contains("features = [\\\"postgres\\\"]"), "{all}");
    assert!(
        all.contains(&format!("otel-kit-grpc = {{ path = \\\"{fakes}/otel-grpc\\\" }}")),
        "{all}"
    );
    assert!(
        !all.contains("version = "),
        "a path project is never told a registry line: {all}"
    );
    assert!(!all.contains("mysql"), "sqlx's mysql is instrumented: {all}");
    assert_eq!(out.code, Some(0), "warnings only: {out:?}");
}

#[test]
fn tonic_used_only_for_its_status_type_is_not_a_missing_instrumentation() {
    let scratch = Scratch::new(
        &[
            dep("tonic", "tonic", "0.14.9", ""),
            dep("otel-kit-http", "otel-kit-http", "0.1.0", ""),
        ],
        &[plain("tonic", "0.14.9"), plain("otel-kit-http", "0.1.0")],
    );
    let out = run(&scratch.workspace, ARGS, QUIET);
    let found = out.of("features");
    assert!(
        !texts(&found).contains("tonic"),
        "no generated gRPC code (no tonic-prost, no prost): nothing for otel-kit-grpc to trace: {}",
        texts(&found)
    );
}

#[test]
fn the_facade_without_a_feature_gets_the_facades_feature_as_the_fix() {
    let scratch = Scratch::new(
        &[
            dep("axum", "axum", "0.8.9", ""),
            dep("otel-kit", "otel-kit", "0.1.0", ", features = [\"reqwest\"]"),
        ],
        &[
            plain("axum", "0.8.9"),
            Fake {
                name: "otel-kit",
                version: "0.1.0",
                features: &["axum", "reqwest"],
                dependencies: &[],
            },
        ],
    );
    let out = run(&scratch.workspace, ARGS, QUIET);
    let found = out.of("features");
    assert_eq!(found.len(), 1, "{}", texts(&found));
    let fix = found[0]["fix"].as_str().unwrap_or_default();
    assert!(fix.contains("add \"axum\" to otel-kit's features"), "{fix}");
}

#[test]
fn bound_instruments_on_in_the_api_but_off_in_the_kit_is_an_error() {
    let fakes = |init_features: &'static [&'static str]| {
        [
            Fake {
                name: "opentelemetry",
                version: "0.33.1",
                features: &["experimental_metrics_bound_instruments"],
                dependencies: &[],
            },
            Fake {
                name: "otel-kit-init",
                version: "0.1.0",
                features: init_features,
                dependencies: &[],
            },
        ]
    };
    let api = dep(
        "opentelemetry",
        "opentelemetry",
        "0.33.1",
        ", features = [\"experimental_metrics_bound_instruments\"]",
    );
    let planted = Scratch::new(
        &[api.clone(), dep("otel-kit-init", "otel-kit-init", "0.1.0", "")],
        &fakes(&["bound-instruments"]),
    );
    let out = run(&planted.workspace, ARGS, QUIET);
    assert_eq!(out.code, Some(1), "{out:?}");
    let all = texts(&out.of("features"));
    assert!(all.contains("without its `bound-instruments` feature"), "{all}");
    assert!(all.contains("features = [\\\"bound-instruments\\\"]"), "{all}");

    let aligned = Scratch::new(
        &[
            api,
            dep(
                "otel-kit-init",
                "otel-kit-init",
                "0.1.0",
                ", features = [\"bound-instruments\"]",
            ),
        ],
        &fakes(&["bound-instruments"]),
    );
    let out = run(&aligned.workspace, ARGS, QUIET);
    let all = texts(&out.of("features"));
    assert!(!all.contains("bound-instruments"), "{all}");
}

#[test]
fn the_environment_asking_for_grpc_of_a_build_without_it_is_an_error() {
    let scratch = Scratch::new(
        &[dep(
            "otel-kit-init",
            "otel-kit-init",
            "0.1.0",
            ", default-features = false, features = [\"http-proto\"]",
        )],
        &[Fake {
            name: "otel-kit-init",
            version: "0.1.0",
            features: &["grpc", "http-proto", "tls-ring", "config-file"],
            dependencies: &[],
        }],
    );
    // Credentials in the endpoint (a password with a '/', as base64 has, and a query
    // key): the findings name the endpoint masked, in every stream the doctor writes.
    let env = [
        ("OTEL_SERVICE_NAME", "scratch"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "https://alice:pa/ssw0rd@collector.example:4317?api_key=K3Y",
        ),
    ];
    let out = run(&scratch.workspace, ARGS, &env);
    assert_eq!(out.code, Some(1), "{out:?}");
    let all = texts(&out.of("features"));
    assert!(all.contains("without its `grpc` feature"), "{all}");
    assert!(all.contains("without its `tls-ring` feature"), "{all}");
    assert!(all.contains("features = [\\\"grpc\\\"]"), "{all}");
    assert!(
        all.contains("https://alice:***@collector.example:4317?***"),
        "{all}"
    );
    for stream in [&out.stdout, &out.stderr] {
        assert!(
            !stream.contains("ssw0rd") && !stream.contains("K3Y"),
            "a credential printed: {stream}"
        );
    }
}

#[test]
fn a_facade_user_is_told_the_facades_feature_not_otel_kit_init() {
    let init = Fake {
        name: "otel-kit-init",
        version: "0.1.0",
        features: &["grpc", "http-proto"],
        dependencies: &[],
    };
    let scratch = Scratch::new(
        &[dep("otel-kit", "otel-kit", "0.1.0", ", default-features = false")],
        &[
            Fake {
                name: "otel-kit",
                version: "0.1.0",
                features: &["grpc = [\"otel-kit-init/grpc\"]"],
                dependencies: &[&dep(
                    "otel-kit-init",
                    "otel-kit-init",
                    "0.1.0",
                    ", features = [\"http-proto\"]",
                )],
            },
            init,
        ],
    );
    let env = [
        ("OTEL_SERVICE_NAME", "scratch"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
    ];
    let out = run(&scratch.workspace, ARGS, &env);
    let found = out.of("features");
    let grpc = found
        .iter()
        .find(|f| f["finding"].as_str().unwrap_or_default().contains("`grpc`"))
        .unwrap_or_else(|| panic!("a finding for grpc: {}", texts(&found)));
    let fix = grpc["fix"].as_str().unwrap_or_default();
    assert!(
        fix.contains("otel-kit = { path") && fix.contains("features = [\"grpc\"]"),
        "{fix}"
    );
    assert!(
        !fix.contains("otel-kit-init"),
        "the facade user never names otel-kit-init: {fix}"
    );
}

#[test]
fn a_nice_value_for_a_build_without_thread_priority_is_a_warning_and_with_it_nothing() {
    let project = |features: &str| {
        Scratch::new(
            &[dep("otel-kit-init", "otel-kit-init", "0.1.0", features)],
            &[Fake {
                name: "otel-kit-init",
                version: "0.1.0",
                features: &["default = [\"http-proto\"]", "http-proto", "thread-priority"],
                dependencies: &[],
            }],
        )
    };
    let env = [
        ("OTEL_SERVICE_NAME", "scratch"),
        ("OTEL_KIT_EXPORT_THREAD_NICE", "10"),
    ];
    let without = project("");
    let out = run(&without.workspace, ARGS, &env);
    assert_eq!(out.code, Some(0), "a warning only: {out:?}");
    let all = texts(&out.of("features"));
    assert!(
        all.contains("OTEL_KIT_EXPORT_THREAD_NICE=10, and the project builds otel-kit-init without its `thread-priority` feature"),
        "{all}"
    );
    assert!(all.contains("features = [\\\"thread-priority\\\"]"), "{all}");
    let with = project(", features = [\"thread-priority\"]");
    let out = run(&with.workspace, ARGS, &env);
    assert_eq!(out.findings(), Vec::<serde_json::Value>::new(), "{}", out.stdout);
    // 0 is off: nothing to build for.
    let out = run(
        &without.workspace,
        ARGS,
        &[env[0], ("OTEL_KIT_EXPORT_THREAD_NICE", "0")],
    );
    assert_eq!(out.findings(), Vec::<serde_json::Value>::new(), "{}", out.stdout);
}

#[test]
fn the_xray_sampler_in_a_build_without_xray_is_a_warning_and_with_it_nothing() {
    let project = |features: &str| {
        Scratch::new(
            &[dep("otel-kit-init", "otel-kit-init", "0.1.0", features)],
            &[Fake {
                name: "otel-kit-init",
                version: "0.1.0",
                features: &["default = [\"http-proto\"]", "http-proto", "xray"],
                dependencies: &[],
            }],
        )
    };
    let env = [("OTEL_SERVICE_NAME", "scratch"), ("OTEL_TRACES_SAMPLER", "xray")];
    let without = project("");
    let out = run(&without.workspace, ARGS, &env);
    assert_eq!(out.code, Some(0), "a warning only: {out:?}");
    let all = texts(&out.of("features"));
    assert!(
        all.contains(
            "OTEL_TRACES_SAMPLER=xray, and the project builds otel-kit-init without its `xray` feature"
        ),
        "{all}"
    );
    let with = project(", features = [\"xray\"]");
    let out = run(&with.workspace, ARGS, &env);
    assert_eq!(out.findings(), Vec::<serde_json::Value>::new(), "{}", out.stdout);
}

#[test]
fn a_clean_project_has_no_findings_and_exits_0() {
    let scratch = Scratch::new(
        &[
            dep("opentelemetry", "opentelemetry", "0.33.1", ""),
            dep("axum", "axum", "0.8.9", ""),
            dep(
                "otel-kit-http",
                "otel-kit-http",
                "0.1.0",
                ", features = [\"axum\"]",
            ),
            dep("otel-kit-init", "otel-kit-init", "0.1.0", ""),
        ],
        &[
            plain("opentelemetry", "0.33.1"),
            plain("axum", "0.8.9"),
            Fake {
                name: "otel-kit-http",
                version: "0.1.0",
                features: &["axum"],
                dependencies: &[],
            },
            Fake {
                name: "otel-kit-init",
                version: "0.1.0",
                features: &["default = [\"http-proto\"]", "http-proto"],
                dependencies: &[],
            },
        ],
    );
    let out = run(&scratch.workspace, ARGS, QUIET);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(out.findings(), Vec::<serde_json::Value>::new(), "{}", out.stdout);
    let human = run(&scratch.workspace, &["--offline"], QUIET);
    assert!(human.stdout.contains("no findings"), "{}", human.stdout);
}

#[test]
fn a_manifest_that_does_not_exist_is_an_error_finding_not_a_panic() {
    let dir = std::env::temp_dir();
    let out = run(
        &dir,
        &[
            "--offline",
            "--format",
            "json",
            "--manifest-path",
            "/nonexistent/Cargo.toml",
        ],
        QUIET,
    );
    assert_eq!(out.code, Some(1), "{out:?}");
    assert_eq!(out.of("dependencies").len(), 1, "{}", out.stdout);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn a_bad_command_line_exits_2_with_the_usage() {
    let dir = std::env::temp_dir();
    let out = run(&dir, &["--format", "xml"], QUIET);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("--format is human or json"), "{}", out.stderr);
}

#[test]
fn two_releases_of_the_kit_are_an_error_too() {
    let scratch = Scratch::new(
        &[
            dep("otel-kit-init", "otel-kit-init", "0.1.0", ""),
            dep("old-tracing-setup", "old-tracing-setup", "1.0.0", ""),
        ],
        &[
            Fake {
                name: "otel-kit-init",
                version: "0.1.0",
                features: &[],
                dependencies: &[&dep("otel-kit-core", "otel-kit-core", "0.1.0", "")],
            },
            plain("otel-kit-core", "0.1.0"),
            plain("otel-kit-core", "0.0.7"),
            Fake {
                name: "old-tracing-setup",
                version: "1.0.0",
                features: &[],
                dependencies: &[&dep("otel-kit-core", "otel-kit-core", "0.0.7", "")],
            },
        ],
    );
    let out = run(&scratch.workspace, ARGS, QUIET);
    let found = out.of("versions");
    assert_eq!(found.len(), 1, "{}", texts(&found));
    assert!(
        found[0]["finding"]
            .as_str()
            .unwrap_or_default()
            .contains("otel-kit-core 0.0.7")
    );
    assert!(
        found[0]["fix"]
            .as_str()
            .unwrap_or_default()
            .contains("old-tracing-setup 1.0.0")
    );
}
