//! `docs/architecture.md` stays true: every file path and every type or macro name it
//! writes in backticks exists in the repository.
//!
//! - A **path** (a token with a `/`, or ending in `.rs`, `.md` or `.toml`) exists
//!   relative to the repository root, or, when the page writes it relative to a crate or
//!   a module it has just named (`src/lib.rs`, `server/head.rs`), as the end of a path in
//!   the repository.
//! - A **type name** (an UpperCamelCase identifier, bare or after `otel_kit_x::`,
//!   `crate::` or a module path, with or without generics: `Resolver<I>`) is defined in
//!   some crate's `src/` (`struct`, `enum`, `trait`, `type`, `union`, or a `pub use`
//!   naming it). `Type::method` checks `Type`. A name after an external crate's path
//!   (`opentelemetry_sdk::`, `tokio_postgres::`) is not ours and is skipped, and so are
//!   the few external names the page writes bare ([`EXTERNAL_TYPES`]).
//! - A **macro** (`name!`, other than std's) is defined by a `macro_rules!` in some
//!   crate's `src/`.
//!
//! Code and commands (a token with a space, `(`, `=`, or starting with `cargo` or
//! `OTEL_`) are skipped, and so are fenced code blocks.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// External types the page names without their crate's path.
const EXTERNAL_TYPES: &[&str] = &[
    // std and core
    "None",
    "Some",
    "Arc",
    "Box",
    "Vec",
    "String",
    "HashMap",
    "Option",
    "Result",
    "SystemTime",
    "OnceLock",
    // opentelemetry (API and SDK)
    "Context",
    "TextMapPropagator",
    "SdkTracerProvider",
    "SdkMeterProvider",
    "SpanData",
    "BatchSpanProcessor",
    "TraceContextPropagator",
    "BoxedTracer",
    "SynchronizedSpan",
    "ManualReader",
    "MetricReader",
    "SpanExporter",
    "LogExporter",
    "MetricExporter",
    "LogBatch",
    "ResourceMetrics",
    "InstrumentationScope",
    // frameworks and clients
    "ServiceRequest",
    "ConnectionInfo",
    "MatchedPath",
    "HeaderMap",
    "Transform",
    "Service",
    "Layer",
    "Router",
    "HyperClient",
    "RuntimeMetrics",
    // Go otelhttp's options, named as the pattern the kit follows
    "WithTracerProvider",
    "WithMeterProvider",
    "WithPropagators",
];

/// Macros of std the page names.
const EXTERNAL_MACROS: &[&str] = &["thread_local", "include_str", "format", "vec", "println"];

/// Crate paths that are the workspace's own: a type after them must be defined here.
fn is_own_crate(segment: &str) -> bool {
    segment == "crate" || segment == "self" || segment == "super" || segment.starts_with("otel_kit_")
}

/// Crate paths that are known external crates: a type after them is not checked.
fn is_external_crate(segment: &str) -> bool {
    const EXTERNAL: &[&str] = &[
        "std",
        "core",
        "alloc",
        "opentelemetry",
        "opentelemetry_sdk",
        "opentelemetry_otlp",
        "opentelemetry_proto",
        "opentelemetry_http",
        "opentelemetry_semantic_conventions",
        "tokio",
        "tokio_postgres",
        "tower",
        "tower_http",
        "axum",
        "hyper",
        "hyper_util",
        "http",
        "tonic",
        "reqwest",
        "reqwest_middleware",
        "actix_web",
        "sqlx",
        "diesel",
        "redis",
        "lapin",
        "async_nats",
        "tracing",
        "tracing_subscriber",
        "prost",
        "serde",
        "serde_json",
        "rustls",
        "prometheus",
    ];
    EXTERNAL.contains(&segment)
}

pub(crate) fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository root")
}

/// Every path under `dir`, relative to `root`, with `/` separators (folders end in `/`).
fn walk(root: &Path, dir: &Path, paths: &mut Vec<String>, sources: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == "target" || name.starts_with('.') && name != ".ci" {
            continue;
        }
        let relative = path
            .strip_prefix(root)
            .expect("under the root")
            .to_string_lossy()
            .replace('\\', "/");
        if path.is_dir() {
            paths.push(format!("{relative}/"));
            walk(root, &path, paths, sources);
        } else {
            if relative.ends_with(".rs") && relative.split('/').any(|part| part == "src") {
                sources.push(path.clone());
            }
            paths.push(relative);
        }
    }
}

/// The backticked tokens of `markdown` outside fenced code blocks, with their line numbers.
pub(crate) fn backticked(markdown: &str) -> Vec<(usize, String)> {
    let mut tokens = Vec::new();
    let mut in_fence = false;
    for (index, line) in markdown.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let mut parts = line.split('`');
        parts.next();
        while let (Some(inside), Some(_)) = (parts.next(), parts.next()) {
            tokens.push((index + 1, inside.to_owned()));
        }
    }
    tokens
}

fn is_upper_camel(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|first| first.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && name.chars().any(|c| c.is_ascii_lowercase())
}

fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

enum Claim {
    Path(String),
    Type(String),
    Macro(String),
}

/// What a token claims exists, if it claims anything.
fn claim(token: &str) -> Option<Claim> {
    let token = token.trim();
    if token.is_empty()
        || token.contains([' ', '(', '='])
        || token.starts_with("cargo")
        || token.starts_with("OTEL_")
    {
        return None;
    }
    // A URL, a URL path (`/metrics`) or the build's output folder is no file of the repository.
    if token.starts_with('/') || token.starts_with("target/") {
        return None;
    }
    if token.contains("://") || token.contains(['*', '{', '<', '>']) && token.contains('/') {
        return None;
    }
    if token.contains('/') || token.ends_with(".rs") || token.ends_with(".md") || token.ends_with(".toml") {
        return Some(Claim::Path(token.to_owned()));
    }
    if let Some(name) = token.strip_suffix('!') {
        return (is_identifier(name) && !EXTERNAL_MACROS.contains(&name))
            .then(|| Claim::Macro(name.to_owned()));
    }
    let without_generics = token.split('<').next().unwrap_or(token);
    let segments: Vec<&str> = without_generics.split("::").collect();
    if !segments.iter().all(|segment| is_identifier(segment)) {
        return None;
    }
    if segments.len() > 1 && is_external_crate(segments[0]) {
        return None;
    }
    // `Type::method` or `Type::CONSTANT`: the type is the claim.
    let name = segments.iter().rev().find(|segment| is_upper_camel(segment))?;
    let own_path = segments.len() > 1 && is_own_crate(segments[0]);
    if !own_path && EXTERNAL_TYPES.contains(name) {
        return None;
    }
    Some(Claim::Type((*name).to_owned()))
}

/// Whether `name` is defined in `source` as a type, re-exported by a `pub use`, or
/// (for `macro`) defined by `macro_rules!`.
fn defines(source: &str, name: &str, is_macro: bool) -> bool {
    let is_word = |text: &str, at: usize| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if is_macro {
        return source.match_indices("macro_rules!").any(|(at, _)| {
            let rest = source[at + "macro_rules!".len()..].trim_start();
            rest.strip_prefix(name)
                .is_some_and(|after| !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
        });
    }
    for keyword in ["struct ", "enum ", "trait ", "type ", "union "] {
        for (at, _) in source.match_indices(keyword) {
            let rest = &source[at + keyword.len()..];
            if rest.starts_with(name) && is_word(source, at + keyword.len()) {
                return true;
            }
        }
    }
    // `pub use a::b::Name;`, `pub use a::{B, Name};`, `pub use a::X as Name;`
    let mut rest = source;
    while let Some(at) = rest.find("pub use ") {
        let statement = &rest[at..];
        let end = statement.find(';').unwrap_or(statement.len());
        let statement = &statement[..end];
        if statement
            .match_indices(name)
            .any(|(found, _)| is_word(statement, found))
        {
            return true;
        }
        rest = &rest[at + end.max(1)..];
    }
    false
}

#[test]
fn every_path_and_type_that_architecture_md_names_exists() {
    let root = repository_root();
    let page = std::fs::read_to_string(root.join("docs/architecture.md")).expect("the page");
    let mut paths = Vec::new();
    let mut sources = Vec::new();
    walk(&root, &root, &mut paths, &mut sources);
    let sources: Vec<String> = sources
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .collect();

    let mut missing = BTreeSet::new();
    for (line, token) in backticked(&page) {
        let absent = match claim(&token) {
            None => None,
            Some(Claim::Path(path)) => {
                let path = path.trim_start_matches("./");
                let exists = root.join(path.trim_end_matches('/')).exists()
                    || paths.iter().any(|known| {
                        known
                            .strip_suffix(path)
                            .is_some_and(|prefix| prefix.ends_with('/'))
                    });
                (!exists).then(|| format!("path `{path}`"))
            }
            Some(Claim::Type(name)) => (!sources.iter().any(|source| defines(source, &name, false)))
                .then(|| format!("type `{name}` (in `{token}`)")),
            Some(Claim::Macro(name)) => (!sources.iter().any(|source| defines(source, &name, true)))
                .then(|| format!("macro `{name}!`")),
        };
        if let Some(what) = absent {
            missing.insert((line, what));
        }
    }
    assert!(
        missing.is_empty(),
        "docs/architecture.md names what does not exist:\n{}",
        missing
            .iter()
            .map(|(line, what)| format!("  line {line}: {what}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_check_tells_paths_types_and_code_apart() {
    assert!(matches!(
        claim("otel-core/src/request_path/call.rs"),
        Some(Claim::Path(_))
    ));
    assert!(matches!(claim("proto_export/"), Some(Claim::Path(_))));
    assert!(matches!(claim("docs/performance.md"), Some(Claim::Path(_))));
    assert!(matches!(claim("Resolver<I>"), Some(Claim::Type(name)) if name == "Resolver"));
    assert!(
        matches!(claim("otel_kit_core::__private::call::CallFuture"), Some(Claim::Type(name)) if name == "CallFuture")
    );
    assert!(matches!(claim("Reservoirs::metric"), Some(Claim::Type(name)) if name == "Reservoirs"));
    assert!(matches!(claim("tower_layer!"), Some(Claim::Macro(name)) if name == "tower_layer"));
    assert!(claim("opentelemetry_sdk::trace::SdkTracerProvider").is_none());
    assert!(claim("SdkTracerProvider").is_none());
    assert!(claim("cargo tree -p otel-kit-grpc").is_none());
    assert!(claim("OTEL_EXPORTER_OTLP_ENDPOINT").is_none());
    assert!(claim(".providers(..)").is_none());
    assert!(claim("error.type").is_none());
    assert!(claim("/metrics").is_none());
    assert!(claim("thread_local!").is_none());
    assert!(claim("HTTP_RPC_DURATION_BUCKETS").is_none());
    assert!(defines("pub struct Resolver<I> {", "Resolver", false));
    assert!(!defines("pub struct ResolverCache {", "Resolver", false));
    assert!(defines("pub use crate::a::{B, Resolver};", "Resolver", false));
    assert!(defines("macro_rules! tower_layer {", "tower_layer", true));
}

/// `docs/reliability.md` names the test behind each promise: every path it writes exists
/// (the same rule as for the architecture page: from the root, or as the end of a path
/// when written relative to a crate or a folder it has just named).
#[test]
fn every_path_that_reliability_md_names_exists() {
    let root = repository_root();
    let page = std::fs::read_to_string(root.join("docs/reliability.md")).expect("the page");
    let mut paths = Vec::new();
    walk(&root, &root, &mut paths, &mut Vec::new());
    let missing: BTreeSet<(usize, String)> = backticked(&page)
        .into_iter()
        .filter_map(|(line, token)| match claim(&token) {
            // Files and folders of the repository: not a home folder or a formula.
            Some(Claim::Path(path))
                if !path.contains(['{', '*', '<', '~'])
                    && [".rs", ".md", ".toml", ".sh", ".py", "/"]
                        .iter()
                        .any(|end| path.ends_with(end)) =>
            {
                let path = path.trim_start_matches("./").to_owned();
                let exists = root.join(path.trim_end_matches('/')).exists()
                    || paths.iter().any(|known| {
                        known
                            .strip_suffix(path.as_str())
                            .is_some_and(|prefix| prefix.ends_with('/'))
                    });
                (!exists).then_some((line, path))
            }
            _ => None,
        })
        .collect();
    assert!(
        missing.is_empty(),
        "docs/reliability.md names paths that do not exist:\n{}",
        missing
            .iter()
            .map(|(line, path)| format!("  line {line}: `{path}`"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
