//! The project's dependency graph, from `cargo metadata --format-version 1`: its
//! packages, the workspace members, who depends on whom, and the features cargo resolved.
//! Read as untyped JSON; a field that is missing reads as empty, never a panic.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// One package of the graph.
#[derive(Debug, Clone)]
pub(crate) struct Package {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) manifest_path: String,
    /// Where cargo got it: `registry+<index>`, `git+<url>[?branch=..]#<commit>`, or
    /// `None` for a path dependency (and the workspace's members).
    pub(crate) source: Option<String>,
}

/// The resolved graph.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    packages: HashMap<String, Package>,
    /// Workspace members' ids.
    pub(crate) members: Vec<String>,
    /// Package id to the ids it depends on (normal, build and dev).
    deps: HashMap<String, Vec<String>>,
    /// Package id to the ids it depends on as a normal dependency of the workspace's
    /// code (no dev or build dependency).
    normal_deps: HashMap<String, Vec<String>>,
    /// Package id to its enabled features.
    features: HashMap<String, HashSet<String>>,
}

/// How long `cargo metadata` may take (it may resolve and download an index).
pub(crate) const METADATA_DEADLINE: Duration = Duration::from_secs(120);

/// Runs `cargo metadata` for the manifest (or the current directory's) and reads it.
pub(crate) fn load(manifest_path: Option<&PathBuf>, offline: bool) -> Result<Graph, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["metadata", "--format-version", "1"]);
    if let Some(path) = manifest_path {
        command.arg("--manifest-path").arg(path);
    }
    if offline {
        command.arg("--offline");
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run `cargo metadata`: {e}"))?;
    let mut stdout = child.stdout.take().ok_or("no stdout from cargo metadata")?;
    let mut stderr = child.stderr.take().ok_or("no stderr from cargo metadata")?;
    let out = std::thread::spawn(move || {
        let mut text = Vec::new();
        stdout.read_to_end(&mut text).map(|_| text)
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > METADATA_DEADLINE => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`cargo metadata` did not finish within {} s (resolving the dependencies?); run it once by hand, or pass --offline",
                    METADATA_DEADLINE.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for `cargo metadata`: {e}")),
        }
    };
    let stdout = out
        .join()
        .map_err(|_| "reading cargo metadata's output failed")?
        .map_err(|e| format!("reading cargo metadata's output: {e}"))?;
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        let last = stderr.trim().lines().last().unwrap_or("no message").to_owned();
        return Err(format!("`cargo metadata` failed ({status}): {last}"));
    }
    let json: Value =
        serde_json::from_slice(&stdout).map_err(|e| format!("cargo metadata's output is not JSON: {e}"))?;
    Ok(Graph::from_json(&json))
}

fn string(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

impl Graph {
    /// Reads `cargo metadata`'s JSON.
    pub(crate) fn from_json(json: &Value) -> Graph {
        let packages = array(json, "packages")
            .iter()
            .map(|p| {
                let package = Package {
                    id: string(p, "id"),
                    name: string(p, "name"),
                    version: string(p, "version"),
                    manifest_path: string(p, "manifest_path"),
                    source: p.get("source").and_then(Value::as_str).map(str::to_owned),
                };
                (package.id.clone(), package)
            })
            .collect();
        let members = array(json, "workspace_members")
            .iter()
            .filter_map(|m| m.as_str().map(str::to_owned))
            .collect();
        let mut graph = Graph {
            packages,
            members,
            ..Graph::default()
        };
        let nodes = json.get("resolve").map(|r| array(r, "nodes")).unwrap_or_default();
        for node in nodes {
            let id = string(node, "id");
            let mut all = Vec::new();
            let mut normal = Vec::new();
            for dep in array(node, "deps") {
                let pkg = string(dep, "pkg");
                let is_normal = array(dep, "dep_kinds")
                    .iter()
                    .any(|k| k.get("kind").is_none_or(Value::is_null));
                if is_normal {
                    normal.push(pkg.clone());
                }
                all.push(pkg);
            }
            let features = array(node, "features")
                .iter()
                .filter_map(|f| f.as_str().map(str::to_owned))
                .collect();
            graph.deps.insert(id.clone(), all);
            graph.normal_deps.insert(id.clone(), normal);
            graph.features.insert(id, features);
        }
        graph
    }

    /// The package with this id.
    pub(crate) fn package(&self, id: &str) -> Option<&Package> {
        self.packages.get(id)
    }

    /// Every package named `name`, lowest version first.
    pub(crate) fn named(&self, name: &str) -> Vec<&Package> {
        let mut found: Vec<&Package> = self.packages.values().filter(|p| p.name == name).collect();
        found.sort_by_key(|p| crate::kit_versions::parse(&p.version));
        found
    }

    /// Whether a package named `name` is in the graph.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.packages.values().any(|p| p.name == name)
    }

    /// The names of the packages in the graph, each once, sorted.
    pub(crate) fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.packages.values().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Whether any package named `name` has `feature` enabled.
    pub(crate) fn has_feature(&self, name: &str, feature: &str) -> bool {
        self.named(name)
            .iter()
            .any(|p| self.features.get(&p.id).is_some_and(|f| f.contains(feature)))
    }

    /// The workspace members that depend on a package named `name` directly (normal
    /// dependency), with that package.
    pub(crate) fn direct_users(&self, name: &str) -> Vec<(&Package, &Package)> {
        let mut found = Vec::new();
        for member in &self.members {
            let Some(member_pkg) = self.packages.get(member) else {
                continue;
            };
            for dep in self.normal_deps.get(member).into_iter().flatten() {
                if let Some(dep_pkg) = self.packages.get(dep)
                    && dep_pkg.name == name
                {
                    found.push((member_pkg, dep_pkg));
                }
            }
        }
        found
    }

    /// The packages that depend on `id` directly.
    pub(crate) fn dependents(&self, id: &str) -> Vec<&Package> {
        let mut found: Vec<&Package> = self
            .deps
            .iter()
            .filter(|(_, deps)| deps.iter().any(|d| d == id))
            .filter_map(|(from, _)| self.packages.get(from))
            .collect();
        found.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
        found
    }

    /// The shortest chain from a workspace member to `id`: the member first, `id` last.
    pub(crate) fn path_to(&self, id: &str) -> Vec<&Package> {
        let mut parent: HashMap<&str, &str> = HashMap::new();
        let mut queue: VecDeque<&str> = VecDeque::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for member in &self.members {
            seen.insert(member);
            queue.push_back(member);
        }
        while let Some(at) = queue.pop_front() {
            if at == id {
                let mut chain = vec![at];
                let mut cursor = at;
                while let Some(p) = parent.get(cursor) {
                    chain.push(p);
                    cursor = p;
                }
                chain.reverse();
                return chain.into_iter().filter_map(|i| self.packages.get(i)).collect();
            }
            for dep in self.deps.get(at).into_iter().flatten() {
                if seen.insert(dep) {
                    parent.insert(dep, at);
                    queue.push_back(dep);
                }
            }
        }
        Vec::new()
    }
}

/// `a 1.0.0 -> b 0.2.0 -> c 0.32.0`.
pub(crate) fn chain(path: &[&Package]) -> String {
    path.iter()
        .map(|p| format!("{} {}", p.name, p.version))
        .collect::<Vec<_>>()
        .join(" -> ")
}
