//! [`KitSource`]: where the project takes the kit from (crates.io, a git repository, or a
//! checkout on disk), so that a fix line names a kit crate the way the project's own
//! manifest does, and the line resolves when pasted.

use std::path::{Path, PathBuf};

use crate::kit_versions::{KIT, is_kit_crate, line};
use crate::metadata::Graph;

/// How the project's manifest names the kit's crates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KitSource {
    /// A registry (or no kit crate yet): `version = "0.2"`.
    Registry,
    /// A git repository: `git = "<url>"`, with its `branch`, `tag` or `rev` when the
    /// project names one.
    Git {
        url: String,
        reference: Option<(String, String)>,
    },
    /// A checkout on disk: `path = "<checkout>/<crate's folder>"`.
    Path { checkout: PathBuf },
}

/// The kit's crates, by the folder each sits in within the kit's repository.
fn folder(name: &str) -> String {
    match name.strip_prefix("otel-kit-") {
        Some(rest) => format!("otel-{rest}"),
        None => name.to_owned(),
    }
}

impl KitSource {
    /// The source of the kit's crates in `graph`: the first kit crate a member depends on
    /// directly, else any kit crate in it; [`Registry`](Self::Registry) without one.
    pub(crate) fn of(graph: &Graph) -> KitSource {
        let direct = graph
            .names()
            .into_iter()
            .filter(|name| is_kit_crate(name))
            .find_map(|name| graph.direct_users(name).first().map(|(_, kit)| *kit));
        let any = || {
            graph
                .names()
                .into_iter()
                .filter(|name| is_kit_crate(name))
                .find_map(|name| graph.named(name).first().copied())
        };
        let Some(package) = direct.or_else(any) else {
            return KitSource::Registry;
        };
        match package.source.as_deref() {
            None => {
                // The crate's folder sits in the kit's checkout.
                let dir = Path::new(&package.manifest_path)
                    .parent()
                    .unwrap_or(Path::new(""));
                KitSource::Path {
                    checkout: dir.parent().unwrap_or(dir).to_path_buf(),
                }
            }
            Some(source) => match source.strip_prefix("git+") {
                Some(git) => {
                    let git = git.split('#').next().unwrap_or(git);
                    let (url, query) = git.split_once('?').unwrap_or((git, ""));
                    let reference = query
                        .split('&')
                        .filter_map(|pair| pair.split_once('='))
                        .find(|(key, _)| matches!(*key, "branch" | "tag" | "rev"))
                        .map(|(key, value)| (key.to_owned(), value.to_owned()));
                    KitSource::Git {
                        url: url.to_owned(),
                        reference,
                    }
                }
                None => KitSource::Registry,
            },
        }
    }

    /// The manifest line that depends on kit crate `name` with `features`: as the
    /// project names the kit, at the kit's release line for a registry. A crate already
    /// in `graph` from a checkout keeps its own folder.
    pub(crate) fn dependency(&self, graph: &Graph, name: &str, features: &[&str]) -> String {
        let features = match features {
            [] => String::new(),
            some => {
                let quoted: Vec<String> = some.iter().map(|f| format!("\"{f}\"")).collect();
                format!(", features = [{}]", quoted.join(", "))
            }
        };
        let place = match self {
            KitSource::Registry if features.is_empty() => return format!("{name} = \"{}\"", line(KIT)),
            KitSource::Registry => format!("version = \"{}\"", line(KIT)),
            KitSource::Git { url, reference } => match reference {
                Some((key, value)) => format!("git = \"{url}\", {key} = \"{value}\""),
                None => format!("git = \"{url}\""),
            },
            KitSource::Path { checkout } => {
                let own = graph
                    .named(name)
                    .first()
                    .filter(|p| p.source.is_none())
                    .and_then(|p| Path::new(&p.manifest_path).parent().map(Path::to_path_buf));
                let dir = own.unwrap_or_else(|| checkout.join(folder(name)));
                format!("path = \"{}\"", dir.display())
            }
        };
        format!("{name} = {{ {place}{features} }}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A graph whose member `app` depends on otel-kit-http from `source` (at `manifest`).
    fn graph(source: serde_json::Value, manifest: &str) -> Graph {
        Graph::from_json(&json!({
            "packages": [
                {"id": "app", "name": "app", "version": "0.1.0", "manifest_path": "/w/app/Cargo.toml", "source": null},
                {"id": "http", "name": "otel-kit-http", "version": KIT, "manifest_path": manifest, "source": source},
            ],
            "workspace_members": ["app"],
            "resolve": {"nodes": [
                {"id": "app", "deps": [{"pkg": "http", "dep_kinds": [{"kind": null}]}], "features": []},
                {"id": "http", "deps": [], "features": []},
            ]},
        }))
    }

    #[test]
    fn each_source_gives_a_line_in_its_own_form() {
        let version = line(KIT);
        let registry = graph(
            json!("registry+https://github.com/rust-lang/crates.io-index"),
            "/r/otel-kit-http/Cargo.toml",
        );
        let source = KitSource::of(&registry);
        assert_eq!(source, KitSource::Registry);
        assert_eq!(
            source.dependency(&registry, "otel-kit-grpc", &[]),
            format!("otel-kit-grpc = \"{version}\"")
        );
        assert_eq!(
            source.dependency(&registry, "otel-kit-db", &["postgres"]),
            format!("otel-kit-db = {{ version = \"{version}\", features = [\"postgres\"] }}")
        );

        let git = graph(
            json!("git+https://example.com/acme/otel-kit?branch=main#0123abcd"),
            "/g/otel-http/Cargo.toml",
        );
        let source = KitSource::of(&git);
        assert_eq!(
            source.dependency(&git, "otel-kit-db", &["postgres", "mysql"]),
            "otel-kit-db = { git = \"https://example.com/acme/otel-kit\", branch = \"main\", features = [\"postgres\", \"mysql\"] }"
        );
        let pinned = graph(
            json!("git+https://example.com/acme/otel-kit#0123abcd"),
            "/g/otel-http/Cargo.toml",
        );
        assert_eq!(
            KitSource::of(&pinned).dependency(&pinned, "otel-kit-grpc", &[]),
            "otel-kit-grpc = { git = \"https://example.com/acme/otel-kit\" }"
        );

        let path = graph(json!(null), "/src/kit/otel-http/Cargo.toml");
        let source = KitSource::of(&path);
        assert_eq!(
            source,
            KitSource::Path {
                checkout: PathBuf::from("/src/kit")
            }
        );
        assert_eq!(
            source.dependency(&path, "otel-kit-grpc", &[]),
            "otel-kit-grpc = { path = \"/src/kit/otel-grpc\" }"
        );
        assert_eq!(
            source.dependency(&path, "otel-kit-http", &["axum"]),
            "otel-kit-http = { path = \"/src/kit/otel-http\", features = [\"axum\"] }"
        );
        assert_eq!(
            source.dependency(&path, "otel-kit", &["axum"]),
            "otel-kit = { path = \"/src/kit/otel-kit\", features = [\"axum\"] }"
        );
    }

    #[test]
    fn a_project_without_the_kit_is_told_the_registry_form() {
        let empty =
            Graph::from_json(&json!({"packages": [], "workspace_members": [], "resolve": {"nodes": []}}));
        assert_eq!(KitSource::of(&empty), KitSource::Registry);
    }
}
