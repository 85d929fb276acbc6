//! Drift test for `docs/dashboards`: every metric and every label that a Grafana
//! dashboard or a Prometheus rule there uses must be one our crates really produce.
//!
//! `dashboards_and_rules_use_only_emitted_metrics` runs the checkout demo against an
//! in-process OTLP collector, translates each metric received to the series the
//! OpenTelemetry Collector's `prometheus` exporter exposes (default naming: see
//! [`prometheus_name`] and [`label_name`]), pulls the metric and label names out of every
//! PromQL expression in the dashboards and rule files with a small tokenizer, and fails
//! listing every reference that nothing produces. The other tests check the translation,
//! the extraction and the checker itself on small inputs, so it cannot pass vacuously.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use otel_kit::testing::{MetricData, MetricRecord, TestCollector};
use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

use crate::demo::{Services, demo, run_to_exit};

mod exemplars;
mod kit_naming;
mod promtool;
mod runbook;
mod services;

/// Series name -> the label names it carries.
type Series = BTreeMap<String, BTreeSet<String>>;

/// Labels a query may always use: `job` and `instance` (the exporter's, from
/// `service.name` and `service.instance.id`, else the scrape's) and a bucket's `le`.
const IMPLICIT_LABELS: [&str; 3] = ["job", "instance", "le"];

/// Labels the exporter adds to every series (unless `without_scope_info: true`).
const SCOPE_LABELS: [&str; 3] = ["otel_scope_name", "otel_scope_version", "otel_scope_schema_url"];

/// Labels any metric may carry though the demo never shows them: the SDK's overflow
/// series of a metric over its cardinality limit (`otel.metric.overflow=true`).
const ANY_METRIC_LABELS: [&str; 1] = ["otel_metric_overflow"];

/// Metrics of other programs the rules may read, by prefix, and that no otel-kit
/// service emits: the OpenTelemetry Collector's own (`collector-alerts.yaml`, tested on
/// promtool fixtures). Neither their names nor their labels are checked.
const EXTERNAL_PREFIXES: [&str; 1] = ["otelcol_"];

/// Series Prometheus itself writes for every scrape target, whatever it scrapes: `up`
/// (`CollectorDown` in `collector-alerts.yaml`, tested on promtool fixtures).
const SCRAPE_SERIES: [&str; 1] = ["up"];

/// The shipped files that hold alerts (every other rule file holds recording rules).
const ALERT_FILES: [&str; 2] = ["alert-rules.yaml", "collector-alerts.yaml"];

// ---------------------------------------------------------------------------------------
// OTLP -> Prometheus names, as the collector-contrib `prometheus` exporter does with its
// default settings (prometheus/otlptranslator `MetricNamer` with suffixes, `LabelNamer`).
// ---------------------------------------------------------------------------------------

/// The aggregation of an OTLP metric, as the translator distinguishes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Gauge,
    /// A monotonic sum.
    Counter,
    /// A non-monotonic sum (up-down counter): exposed as a gauge, but never `_ratio`.
    UpDownCounter,
    Histogram,
    ExponentialHistogram,
    Summary,
}

/// The translator's `unitMap`: OTLP (UCUM) unit -> the word appended to the name.
fn main_unit(unit: &str) -> &str {
    match unit {
        "d" => "days",
        "h" => "hours",
        "min" => "minutes",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "m" => "meters",
        "V" => "volts",
        "A" => "amperes",
        "J" => "joules",
        "W" => "watts",
        "g" => "grams",
        "Cel" => "celsius",
        "Hz" => "hertz",
        "1" => "",
        "%" => "percent",
        other => other,
    }
}

/// The translator's `perUnitMap`, for the part of a unit after `/`.
fn per_unit(unit: &str) -> &str {
    match unit {
        "s" => "second",
        "m" => "minute",
        "h" => "hour",
        "d" => "day",
        "w" => "week",
        "mo" => "month",
        "y" => "year",
        other => other,
    }
}

/// Characters outside `[a-zA-Z0-9_]` become `_`.
fn underscores(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The Prometheus metric name of an OTLP metric (before `_bucket`/`_sum`/`_count`): the
/// name split into tokens at every character outside `[a-zA-Z0-9:]`, then the unit
/// (unless empty, an annotation like `{request}`, or already a token), then `_total` for
/// counters and `_ratio` for gauges of unit `1`, joined with `_`.
fn prometheus_name(name: &str, unit: &str, kind: Kind) -> String {
    let mut tokens: Vec<String> = name
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == ':'))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let suffix = |part: &str, map: fn(&str) -> &str| {
        let part = part.trim();
        if part.is_empty() || part.contains(['{', '}']) {
            return String::new();
        }
        underscores(map(part)).trim_matches('_').to_owned()
    };
    let (main, per) = unit.split_once('/').unwrap_or((unit, ""));
    let main = suffix(main, main_unit);
    if !main.is_empty() && !tokens.contains(&main) {
        tokens.push(main);
    }
    let per = suffix(per, per_unit);
    if !per.is_empty() && !tokens.contains(&per) {
        tokens.push(format!("per_{per}"));
    }
    if kind == Kind::Counter {
        tokens.retain(|t| t != "total");
        tokens.push("total".to_owned());
    }
    if kind == Kind::Gauge && unit == "1" {
        tokens.retain(|t| t != "ratio");
        tokens.push("ratio".to_owned());
    }
    let name = tokens.join("_");
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    }
}

/// The Prometheus label name of an attribute key: characters outside `[a-zA-Z0-9_]`
/// become `_`; a leading digit gets `key_`, a single leading `_` gets `key`.
fn label_name(key: &str) -> String {
    let label = underscores(key);
    if label.starts_with(|c: char| c.is_ascii_digit()) {
        format!("key_{label}")
    } else if label.starts_with('_') && !label.starts_with("__") {
        format!("key{label}")
    } else {
        label
    }
}

/// Every series the exporter would expose for these metrics, with their labels.
fn series(metrics: &[MetricRecord]) -> Series {
    let mut out = Series::new();
    for metric in metrics {
        let (kind, attribute_sets): (Kind, Vec<_>) = match &metric.data {
            MetricData::Gauge(points) => (Kind::Gauge, points.iter().map(|p| &p.attributes).collect()),
            MetricData::Sum {
                points, is_monotonic, ..
            } => (
                if *is_monotonic {
                    Kind::Counter
                } else {
                    Kind::UpDownCounter
                },
                points.iter().map(|p| &p.attributes).collect(),
            ),
            MetricData::Histogram { points, .. } => {
                (Kind::Histogram, points.iter().map(|p| &p.attributes).collect())
            }
            MetricData::ExponentialHistogram { points, .. } => (
                Kind::ExponentialHistogram,
                points.iter().map(|p| &p.attributes).collect(),
            ),
            MetricData::Summary(points) => (Kind::Summary, points.iter().map(|p| &p.attributes).collect()),
            MetricData::Empty => continue,
        };
        if attribute_sets.is_empty() {
            continue; // no point, no series
        }
        let mut labels: BTreeSet<String> = SCOPE_LABELS.iter().map(|l| (*l).to_owned()).collect();
        for attributes in attribute_sets {
            labels.extend(attributes.iter().map(|(key, _)| label_name(key)));
        }
        if metric.resource.attribute("service.name").is_some() {
            labels.insert("job".to_owned());
        }
        if metric.resource.attribute("service.instance.id").is_some() {
            labels.insert("instance".to_owned());
        }
        // The resource: one `target_info` series per job and instance, with the resource
        // attributes that did not become `job` and `instance`.
        let target_info = out.entry("target_info".to_owned()).or_default();
        target_info.extend(["job", "instance"].map(str::to_owned));
        target_info.extend(
            metric
                .resource
                .attributes
                .iter()
                .filter(|(key, _)| {
                    !["service.name", "service.namespace", "service.instance.id"].contains(&key.as_str())
                })
                .map(|(key, _)| label_name(key)),
        );
        let base = prometheus_name(&metric.name, &metric.unit, kind);
        let names = match kind {
            // `le` is on `_bucket` only; native (exponential) histograms keep one name.
            Kind::Histogram => vec![
                format!("{base}_bucket"),
                format!("{base}_sum"),
                format!("{base}_count"),
            ],
            Kind::Summary => vec![base.clone(), format!("{base}_sum"), format!("{base}_count")],
            _ => vec![base.clone()],
        };
        for name in names {
            let mut labels = labels.clone();
            if name.ends_with("_bucket") && kind == Kind::Histogram {
                labels.insert("le".to_owned());
            }
            if kind == Kind::Summary && name == base {
                labels.insert("quantile".to_owned());
            }
            out.entry(name).or_default().extend(labels);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Metric and label names in PromQL.
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Open,
    Close,
    LBrace,
    RBrace,
    /// `=`, `!=`, `=~`, `!~` (a label matcher's operator inside braces).
    Match,
    /// Anything else: strings, numbers, durations, Grafana variables, operators, commas.
    Other,
}

/// Splits PromQL into tokens. String literals, numbers, durations, Grafana variables
/// (`$job`, `${job}`, `$__rate_interval`), comments and whole `[...]` ranges carry no
/// metric or label name and are dropped or reduced to [`Tok::Other`].
fn tokenize(expr: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = expr.chars().collect();
    let ident_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            _ if c.is_whitespace() => i += 1,
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '"' | '\'' | '`' => {
                i += 1;
                while i < chars.len() && chars[i] != c {
                    i += if chars[i] == '\\' && c != '`' { 2 } else { 1 };
                }
                if i >= chars.len() {
                    return Err(format!("unterminated string in `{expr}`"));
                }
                i += 1;
                out.push(Tok::Other);
            }
            '$' => {
                i += 1;
                if chars.get(i) == Some(&'{') {
                    while i < chars.len() && chars[i] != '}' {
                        i += 1;
                    }
                    i += 1;
                } else {
                    while i < chars.len() && ident_char(chars[i]) {
                        i += 1;
                    }
                }
                out.push(Tok::Other);
            }
            '[' => {
                let mut depth = 0;
                loop {
                    match chars.get(i) {
                        None => return Err(format!("unclosed `[` in `{expr}`")),
                        Some('[') => depth += 1,
                        Some(']') => depth -= 1,
                        Some(_) => {}
                    }
                    i += 1;
                    if depth == 0 {
                        break;
                    }
                }
            }
            '(' | ')' | '{' | '}' => {
                out.push(match c {
                    '(' => Tok::Open,
                    ')' => Tok::Close,
                    '{' => Tok::LBrace,
                    _ => Tok::RBrace,
                });
                i += 1;
            }
            '=' | '!' if next == Some('~') || (c == '!' && next == Some('=')) => {
                out.push(Tok::Match);
                i += 2;
            }
            '=' if next == Some('=') => {
                out.push(Tok::Other);
                i += 2;
            }
            '=' => {
                out.push(Tok::Match);
                i += 1;
            }
            _ if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) => {
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
                out.push(Tok::Other);
            }
            _ if c.is_ascii_alphabetic() || c == '_' || c == ':' => {
                let start = i;
                while i < chars.len() && ident_char(chars[i]) {
                    i += 1;
                }
                out.push(Tok::Ident(chars[start..i].iter().collect()));
            }
            _ => {
                out.push(Tok::Other);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Keywords followed by a list of label names in parentheses.
const GROUPING: [&str; 6] = ["by", "without", "on", "ignoring", "group_left", "group_right"];
/// Aggregation operators: not metrics even when `by`/`without` comes before their `(`.
const AGGREGATIONS: [&str; 14] = [
    "sum",
    "min",
    "max",
    "avg",
    "group",
    "stddev",
    "stdvar",
    "count",
    "count_values",
    "bottomk",
    "topk",
    "quantile",
    "limitk",
    "limit_ratio",
];
/// Other words that are not metric names (compared lower-cased).
const KEYWORDS: [&str; 10] = [
    "bool", "and", "or", "unless", "offset", "atan2", "inf", "nan", "start", "end",
];

/// One metric a query reads and the labels it relies on it having. An empty `metric` is a
/// selector without a name (`{job="x"}`) or a bare `label_values(label)`: its labels
/// must exist on some metric.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Use {
    metric: String,
    labels: BTreeSet<String>,
}

/// What one PromQL expression reads.
#[derive(Debug, Default)]
struct Analysis {
    uses: Vec<Use>,
    /// The labels of the first `by (...)`, for the labels a recording rule keeps.
    first_by: Option<BTreeSet<String>>,
}

fn idents(tokens: &[Tok]) -> BTreeSet<String> {
    tokens
        .iter()
        .filter_map(|t| match t {
            Tok::Ident(name) => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// The metrics an expression reads, each with the labels used on it: in its `{...}`
/// matchers, and in every `by`/`without (...)` of an aggregation around it or
/// `on`/`ignoring`/`group_left`/`group_right (...)` of a binary operation it is part of.
fn analyse(expr: &str) -> Result<Analysis, String> {
    let tokens = tokenize(expr)?;
    // The matching parenthesis of each parenthesis.
    let mut partner = vec![usize::MAX; tokens.len()];
    let mut open = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Tok::Open => open.push(i),
            Tok::Close => {
                let start = open.pop().ok_or_else(|| format!("unbalanced `)` in `{expr}`"))?;
                partner[start] = i;
                partner[i] = start;
            }
            _ => {}
        }
    }
    if !open.is_empty() {
        return Err(format!("unbalanced `(` in `{expr}`"));
    }

    let mut uses: Vec<(usize, Use)> = Vec::new(); // with the token index of the metric name
    let mut clauses: Vec<(usize, usize, String, BTreeSet<String>)> = Vec::new(); // keyword at, `)` at
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Tok::Ident(word)
                if GROUPING.contains(&word.as_str()) && tokens.get(i + 1) == Some(&Tok::Open) =>
            {
                let close = partner[i + 1];
                clauses.push((i, close, word.clone(), idents(&tokens[i + 2..close])));
                i = close + 1;
            }
            Tok::Ident(word) => {
                let lower = word.to_ascii_lowercase();
                let function = tokens.get(i + 1) == Some(&Tok::Open);
                let keyword = GROUPING.contains(&word.as_str())
                    || AGGREGATIONS.contains(&lower.as_str())
                    || KEYWORDS.contains(&lower.as_str());
                if !function && !keyword {
                    uses.push((
                        i,
                        Use {
                            metric: word.clone(),
                            labels: BTreeSet::new(),
                        },
                    ));
                }
                i += 1;
            }
            Tok::LBrace => {
                let end = tokens[i..]
                    .iter()
                    .position(|t| *t == Tok::RBrace)
                    .map(|p| i + p)
                    .ok_or_else(|| format!("unclosed `{{` in `{expr}`"))?;
                let mut labels = BTreeSet::new();
                for pair in tokens[i + 1..end].windows(2) {
                    if let [Tok::Ident(label), Tok::Match] = pair {
                        if label == "__name__" {
                            return Err(format!(
                                "`__name__` matchers are not checked; name the metric: `{expr}`"
                            ));
                        }
                        labels.insert(label.clone());
                    }
                }
                match uses.last_mut() {
                    Some((at, used)) if *at + 1 == i => used.labels.extend(labels),
                    _ => uses.push((
                        i,
                        Use {
                            metric: String::new(),
                            labels,
                        },
                    )),
                }
                i = end + 1;
            }
            _ => i += 1,
        }
    }

    let mut first_by = None;
    for (at, close, keyword, labels) in clauses {
        let (from, to) = if keyword == "by" || keyword == "without" {
            // `sum by (x) (...)` or `sum (...) by (x)`.
            if tokens.get(close + 1) == Some(&Tok::Open) {
                (close + 1, partner[close + 1])
            } else if at > 0 && tokens[at - 1] == Tok::Close {
                (partner[at - 1], at - 1)
            } else {
                return Err(format!("`{keyword} (...)` without an aggregation in `{expr}`"));
            }
        } else {
            // A binary operation's matching applies to the whole group around it.
            (0..at)
                .rev()
                .find(|&k| tokens[k] == Tok::Open && partner[k] > at)
                .map_or((0, tokens.len()), |k| (k, partner[k]))
        };
        let mut applied = false;
        for (_, used) in uses.iter_mut().filter(|(pos, _)| (from..=to).contains(pos)) {
            used.labels.extend(labels.iter().cloned());
            applied = true;
        }
        if !applied {
            return Err(format!("`{keyword} (...)` applies to no metric in `{expr}`"));
        }
        if keyword == "by" && first_by.is_none() {
            first_by = Some(labels);
        }
    }
    Ok(Analysis {
        uses: uses.into_iter().map(|(_, used)| used).collect(),
        first_by,
    })
}

/// A Grafana template variable's query: `label_values(selector, label)`,
/// `label_values(label)`, `query_result(expr)`, or plain PromQL.
fn template_uses(query: &str) -> Result<Vec<Use>, String> {
    let query = query.trim();
    if let Some(inner) = query
        .strip_prefix("label_values(")
        .and_then(|q| q.strip_suffix(')'))
    {
        return match inner.rsplit_once(',') {
            Some((selector, label)) => {
                let mut uses = analyse(selector)?.uses;
                match uses.as_mut_slice() {
                    [only] if !only.metric.is_empty() => only.labels.insert(label.trim().to_owned()),
                    _ => return Err(format!("`{query}`: expected one metric before the label")),
                };
                Ok(uses)
            }
            None => Ok(vec![Use {
                metric: String::new(),
                labels: BTreeSet::from([inner.trim().to_owned()]),
            }]),
        };
    }
    if let Some(inner) = query
        .strip_prefix("query_result(")
        .and_then(|q| q.strip_suffix(')'))
    {
        return Ok(analyse(inner)?.uses);
    }
    if query.starts_with("label_names(") || query.starts_with("metrics(") {
        return Err(format!("`{query}`: not checked; use label_values"));
    }
    Ok(analyse(query)?.uses)
}

// ---------------------------------------------------------------------------------------
// The files.
// ---------------------------------------------------------------------------------------

/// One query found in a dashboard or rule file.
#[derive(Debug)]
struct Query {
    /// File and place in it, for messages.
    origin: String,
    text: String,
    /// A Grafana template variable query (`label_values`...) rather than PromQL.
    template: bool,
}

/// A recording rule: it defines a metric the other queries may use.
#[derive(Debug)]
struct Record {
    name: String,
    expr: String,
    /// Labels the rule sets itself (`labels:`).
    labels: BTreeSet<String>,
}

#[derive(Debug, Default)]
struct Docs {
    queries: Vec<Query>,
    records: Vec<Record>,
}

fn dashboards_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/dashboards")
}

/// The files in `dir` ending with one of `extensions`, sorted.
fn files(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    let mut out: Vec<PathBuf> = entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| extensions.iter().any(|x| e == *x)))
        .collect();
    out.sort();
    out
}

/// Every `expr` in a dashboard (panels, rows' nested panels, anything else), and the
/// queries of its `query` template variables.
fn grafana_queries(file: &str, dashboard: &Value, out: &mut Vec<Query>) {
    fn walk(file: &str, place: &str, value: &Value, out: &mut Vec<Query>) {
        match value {
            Value::Object(map) => {
                let place = match map.get("title").and_then(Value::as_str) {
                    Some(title) => format!("{place} / {title:?}"),
                    None => place.to_owned(),
                };
                for (key, value) in map {
                    match (key.as_str(), value) {
                        ("expr", Value::String(expr)) => {
                            let target = map.get("refId").and_then(Value::as_str).unwrap_or("?");
                            out.push(Query {
                                origin: format!("{file}{place} target {target}"),
                                text: expr.clone(),
                                template: false,
                            });
                        }
                        ("templating", _) => {}
                        _ => walk(file, &place, value, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(file, place, item, out)),
            _ => {}
        }
    }
    walk(file, "", dashboard, out);
    let variables = dashboard["templating"]["list"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    for variable in variables.iter().filter(|v| v["type"] == "query") {
        let query = variable["query"]
            .as_str()
            .or_else(|| variable["query"]["query"].as_str());
        out.push(Query {
            origin: format!("{file} variable ${}", variable["name"].as_str().unwrap_or("?")),
            text: query.unwrap_or_default().to_owned(),
            template: true,
        });
    }
}

/// The rules of a Prometheus rule file (`groups: [{name, rules: [...]}]`).
fn rule_queries(file: &str, rules: &Yaml, docs: &mut Docs) -> Result<(), String> {
    let groups = rules["groups"]
        .as_vec()
        .ok_or_else(|| format!("{file}: no `groups:` list"))?;
    for group in groups {
        let group_name = group["name"].as_str().unwrap_or("?");
        for rule in group["rules"]
            .as_vec()
            .ok_or_else(|| format!("{file} {group_name}: no `rules:` list"))?
        {
            let expr = rule["expr"]
                .as_str()
                .ok_or_else(|| format!("{file} {group_name}: a rule has no expr"))?;
            let name = rule["record"]
                .as_str()
                .or_else(|| rule["alert"].as_str())
                .unwrap_or("?");
            docs.queries.push(Query {
                origin: format!("{file} group {group_name} rule {name}"),
                text: expr.to_owned(),
                template: false,
            });
            if let Some(record) = rule["record"].as_str() {
                let labels = rule["labels"].as_hash().map_or_else(BTreeSet::new, |labels| {
                    labels
                        .keys()
                        .filter_map(Yaml::as_str)
                        .map(str::to_owned)
                        .collect()
                });
                docs.records.push(Record {
                    name: record.to_owned(),
                    expr: expr.to_owned(),
                    labels,
                });
            }
        }
    }
    Ok(())
}

/// Whether `path` is a promtool unit-test file (`<rules>.test.yaml`).
fn is_rule_test(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().contains(".test."))
}

/// Every dashboard under `grafana/` and rule file under `prometheus/`.
fn load_docs() -> Docs {
    let dir = dashboards_dir();
    let mut docs = Docs::default();
    for path in files(&dir.join("grafana"), &["json"]) {
        let name = format!(
            "grafana/{}",
            path.file_name().expect("a file name").to_string_lossy()
        );
        let text = std::fs::read_to_string(&path).expect("read a dashboard");
        let dashboard: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        grafana_queries(&name, &dashboard, &mut docs.queries);
    }
    for path in files(&dir.join("prometheus"), &["yaml", "yml"]) {
        // promtool's unit tests of the rules (`*.test.yaml`) are not rule files.
        if is_rule_test(&path) {
            continue;
        }
        let name = format!(
            "prometheus/{}",
            path.file_name().expect("a file name").to_string_lossy()
        );
        let text = std::fs::read_to_string(&path).expect("read a rule file");
        let yaml = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        for document in &yaml {
            rule_queries(&name, document, &mut docs).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    docs
}

// ---------------------------------------------------------------------------------------
// The check.
// ---------------------------------------------------------------------------------------

/// What the queries referenced, and every reference nothing produces.
#[derive(Debug, Default)]
struct Report {
    /// Referenced metrics that are not recording rules.
    metrics: BTreeSet<String>,
    problems: Vec<String>,
}

/// Checks every query of `docs` against the `emitted` series plus the recording rules.
fn check(emitted: &Series, docs: &Docs) -> Report {
    let mut report = Report::default();
    let mut known = emitted.clone();
    // A recording rule keeps the labels of its first `by (...)` (without `le` after
    // histogram_quantile), else those its inputs have in common, plus its own `labels:`.
    for record in &docs.records {
        let kept = match analyse(&record.expr) {
            Ok(Analysis {
                first_by: Some(by), ..
            }) => by,
            Ok(Analysis { uses, .. }) => {
                let mut sets = uses
                    .iter()
                    .map(|u| known.get(&u.metric).cloned().unwrap_or_default());
                let first = sets.next().unwrap_or_default();
                sets.fold(first, |all, set| all.intersection(&set).cloned().collect())
            }
            Err(_) => BTreeSet::new(), // reported below, with the rule's other queries
        };
        let mut kept: BTreeSet<String> = kept.into_iter().chain(record.labels.iter().cloned()).collect();
        if record.expr.contains("histogram_quantile") {
            kept.remove("le");
        }
        if emitted.contains_key(&record.name) {
            report.problems.push(format!(
                "recording rule {} shadows an emitted metric",
                record.name
            ));
        }
        known.insert(record.name.clone(), kept);
    }
    let records: BTreeSet<&str> = docs.records.iter().map(|r| r.name.as_str()).collect();

    for query in &docs.queries {
        let uses = if query.template {
            template_uses(&query.text)
        } else {
            analyse(&query.text).map(|a| a.uses)
        };
        let uses = match uses {
            Ok(uses) if !uses.is_empty() => uses,
            // A constant, such as an objective of slo-objectives.yaml.
            Ok(_) if query.text.trim_start().starts_with("vector(") => continue,
            Ok(_) => {
                report
                    .problems
                    .push(format!("{}: reads no metric: `{}`", query.origin, query.text));
                continue;
            }
            Err(e) => {
                report.problems.push(format!("{}: {e}", query.origin));
                continue;
            }
        };
        for used in uses {
            let unknown_labels = |have: &dyn Fn(&str) -> bool| -> Vec<String> {
                used.labels
                    .iter()
                    .filter(|l| {
                        !IMPLICIT_LABELS.contains(&l.as_str())
                            && !ANY_METRIC_LABELS.contains(&l.as_str())
                            && !have(l)
                    })
                    .cloned()
                    .collect()
            };
            if EXTERNAL_PREFIXES.iter().any(|p| used.metric.starts_with(p))
                || SCRAPE_SERIES.contains(&used.metric.as_str())
            {
                continue;
            }
            if used.metric.is_empty() {
                let missing = unknown_labels(&|l| known.values().any(|labels| labels.contains(l)));
                if !missing.is_empty() {
                    report
                        .problems
                        .push(format!("{}: no metric has label(s) {missing:?}", query.origin));
                }
                continue;
            }
            if !records.contains(used.metric.as_str()) {
                report.metrics.insert(used.metric.clone());
            }
            let Some(labels) = known.get(&used.metric) else {
                report.problems.push(format!(
                    "{}: metric {} is not emitted{}",
                    query.origin,
                    used.metric,
                    closest(&used.metric, &known)
                ));
                continue;
            };
            let missing = unknown_labels(&|l| labels.contains(l));
            if !missing.is_empty() {
                report.problems.push(format!(
                    "{}: metric {} has no label(s) {missing:?}; it has {:?}",
                    query.origin, used.metric, labels
                ));
            }
        }
    }
    report
}

/// `; emitted with this prefix: ...` when some series share the metric's first words.
fn closest(metric: &str, known: &Series) -> String {
    let prefix: String = metric.split('_').take(3).collect::<Vec<_>>().join("_");
    let similar: Vec<&str> = known
        .keys()
        .filter(|k| k.starts_with(&prefix))
        .map(String::as_str)
        .take(8)
        .collect();
    if similar.is_empty() {
        String::new()
    } else {
        format!("; emitted with that prefix: {similar:?}")
    }
}

/// The series as a table, for failure messages.
fn listing(series: &Series) -> String {
    let mut out = String::new();
    for (name, labels) in series {
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let _ = writeln!(out, "  {name} {{{}}}", labels.join(", "));
    }
    out
}

// ---------------------------------------------------------------------------------------
// The drift test.
// ---------------------------------------------------------------------------------------

/// How long the demo may run.
const DEMO_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs the demo (60 checkouts) with `services`; returns the metrics it exported and the
/// end of its output.
async fn run_demo(services: &Services) -> (Vec<MetricRecord>, String) {
    let collector = TestCollector::start().await.expect("start the OTLP collector");
    let endpoint = collector.endpoint();
    let mut env = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
    ];
    env.extend(services.env());
    let command = demo(&["run", "--checkouts", "60", "--concurrency", "4"], &env);
    let output = run_to_exit(command, DEMO_TIMEOUT).await;
    (collector.metrics().as_slice().to_vec(), output)
}

/// Against what the demo emits with its embedded defaults and, when `TEST_NATS_URL` /
/// `TEST_REDIS_URL` are set, with NATS and Redis too (see `services`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboards_and_rules_use_only_emitted_metrics() {
    let (metrics, output) = run_demo(&Services::none()).await;
    assert_each_service_observes_its_runtime(&metrics);
    let mut emitted = series(&metrics);
    assert!(
        !emitted.is_empty(),
        "the demo exported no metric to the collector\n{output}"
    );
    let with_services = Services::from_env("dashboards_and_rules_use_only_emitted_metrics");
    if let Some(services) = &with_services {
        let (metrics, _) = run_demo(services).await;
        services::assert_selected_values(&metrics, services);
        let more = series(&metrics);
        if services.nats.is_some() {
            services::assert_nats_labels(&more);
        }
        for (name, labels) in more {
            emitted.entry(name).or_default().extend(labels);
        }
    }
    if with_services.is_none_or(|s| s.nats.is_none()) {
        let assumed = services::assume_nats_labels(&mut emitted);
        println!("not checked without TEST_NATS_URL, assumed: {assumed:?}");
    }
    let report = check(&emitted, &load_docs());
    assert!(
        report.problems.is_empty(),
        "docs/dashboards reference {} metric(s) or label(s) the demo does not emit:\n  {}\n\n\
         What the demo emitted, as the collector's prometheus exporter names it:\n{}",
        report.problems.len(),
        report.problems.join("\n  "),
        listing(&emitted)
    );
}

/// The Saturation row's tokio panels describe each service's own runtime: every
/// service's telemetry reports `tokio.worker.count` for the runtime named after it, and
/// for no other.
fn assert_each_service_observes_its_runtime(metrics: &[MetricRecord]) {
    for service in ["frontend", "orders", "payments", "notifications"] {
        let runtimes: BTreeSet<String> = metrics
            .iter()
            .filter(|m| m.name == "tokio.worker.count")
            .filter(|m| m.resource.attribute("service.name").and_then(|v| v.as_str()) == Some(service))
            .flat_map(|m| match &m.data {
                MetricData::Sum { points, .. } => points.clone(),
                _ => Vec::new(),
            })
            .filter_map(|p| {
                p.attributes
                    .iter()
                    .find(|(k, _)| k == "tokio.runtime.name")
                    .and_then(|(_, v)| v.as_str().map(str::to_owned))
            })
            .collect();
        assert_eq!(runtimes, labels(&[service]), "{service}'s tokio.worker.count");
    }
}

// ---------------------------------------------------------------------------------------
// The parts.
// ---------------------------------------------------------------------------------------

fn labels(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

#[test]
fn names_follow_the_collector_translation() {
    let cases = [
        (
            "http.server.request.duration",
            "s",
            Kind::Histogram,
            "http_server_request_duration_seconds",
        ),
        (
            "http.server.active_requests",
            "{request}",
            Kind::UpDownCounter,
            "http_server_active_requests",
        ),
        (
            "http.server.request.body.size",
            "By",
            Kind::Histogram,
            "http_server_request_body_size_bytes",
        ),
        (
            "gen_ai.client.token.usage",
            "{token}",
            Kind::Histogram,
            "gen_ai_client_token_usage",
        ),
        (
            "db.client.connection.timeouts",
            "{timeout}",
            Kind::Counter,
            "db_client_connection_timeouts_total",
        ),
        (
            "otel.sdk.processor.span.processed",
            "{span}",
            Kind::Counter,
            "otel_sdk_processor_span_processed_total",
        ),
        (
            "otel.sdk.exporter.span.exported",
            "{span}",
            Kind::Counter,
            "otel_sdk_exporter_span_exported_total",
        ),
        ("queue.latency", "ms", Kind::Gauge, "queue_latency_milliseconds"),
        ("cpu.utilization", "1", Kind::Gauge, "cpu_utilization_ratio"),
        ("cpu.utilization", "1", Kind::UpDownCounter, "cpu_utilization"),
        ("jobs.done", "1", Kind::Counter, "jobs_done_total"),
        ("requests.total", "", Kind::Counter, "requests_total"),
        ("io.seconds", "s", Kind::Counter, "io_seconds_total"),
        ("net.io", "By/s", Kind::Gauge, "net_io_bytes_per_second"),
        ("2xx.count", "", Kind::Gauge, "_2xx_count"),
    ];
    for (name, unit, kind, expected) in cases {
        assert_eq!(
            prometheus_name(name, unit, kind),
            expected,
            "{name} [{unit}] {kind:?}"
        );
    }
    assert_eq!(
        label_name("http.response.status_code"),
        "http_response_status_code"
    );
    assert_eq!(
        label_name("db.client.connection.pool.name"),
        "db_client_connection_pool_name"
    );
    assert_eq!(label_name("error.type"), "error_type");
    assert_eq!(label_name("1st"), "key_1st");
    assert_eq!(label_name("_private"), "key_private");
    assert_eq!(label_name("__reserved"), "__reserved");
}

#[test]
fn series_of_a_histogram_and_a_counter() {
    use otel_kit::testing::TestTelemetry;
    use otel_kit::testing::reexports::opentelemetry::KeyValue;

    let t = TestTelemetry::new();
    let meter = t.meter("otel-kit-http");
    let histogram = meter
        .f64_histogram("http.server.request.duration")
        .with_unit("s")
        .build();
    histogram.record(
        0.1,
        &[
            KeyValue::new("http.route", "/a"),
            KeyValue::new("error.type", "500"),
        ],
    );
    let counter = meter
        .u64_counter("db.client.connection.timeouts")
        .with_unit("{timeout}")
        .build();
    counter.add(1, &[KeyValue::new("db.client.connection.pool.name", "main")]);
    let series = series(t.metrics().as_slice());

    let bucket = &series["http_server_request_duration_seconds_bucket"];
    assert!(
        bucket.is_superset(&labels(&["http_route", "error_type", "le", "otel_scope_name"])),
        "{bucket:?}"
    );
    assert!(!series["http_server_request_duration_seconds_count"].contains("le"));
    assert!(series.contains_key("http_server_request_duration_seconds_sum"));
    assert!(series["db_client_connection_timeouts_total"].contains("db_client_connection_pool_name"));
    assert!(series["target_info"].contains("job"), "the resource");
    assert_eq!(series.len(), 5, "{series:?}");
}

#[test]
fn extracts_metrics_and_labels_from_promql() {
    let expr = r#"
        # a comment with a_fake_metric{x="y"}
        histogram_quantile(0.99, sum by (le, job, http_route) (
            rate(http_server_request_duration_seconds_bucket{job=~"$job", http_route!~"/health|${route:regex}"}[$__rate_interval])
        ))
        / on (job) group_left (db_system_name)
        sum(rate(db_client_operation_duration_seconds_count{error_type!=""}[5m] offset 1h)) by (job)
        > bool 0.5
    "#;
    let analysis = analyse(expr).expect("valid PromQL");
    assert_eq!(
        analysis.uses,
        vec![
            Use {
                metric: "http_server_request_duration_seconds_bucket".into(),
                labels: labels(&["le", "job", "http_route", "db_system_name"]),
            },
            Use {
                metric: "db_client_operation_duration_seconds_count".into(),
                labels: labels(&["error_type", "job", "db_system_name"]),
            },
        ]
    );
    assert_eq!(analysis.first_by, Some(labels(&["le", "job", "http_route"])));

    // A selector without a name, and a name alone.
    let analysis = analyse(r#"count({http_route="/a"}) + up"#).expect("valid PromQL");
    assert_eq!(
        analysis.uses[0],
        Use {
            metric: String::new(),
            labels: labels(&["http_route"])
        }
    );
    assert_eq!(
        analysis.uses[1],
        Use {
            metric: "up".into(),
            labels: BTreeSet::new()
        }
    );

    assert!(analyse("sum(rate(x[5m])").is_err());
    assert!(analyse(r#"{__name__="x"}"#).is_err());
}

#[test]
fn extracts_grafana_template_queries() {
    assert_eq!(
        template_uses(r#"label_values(rpc_server_call_duration_seconds_count{job=~"$job"}, rpc_method)"#),
        Ok(vec![Use {
            metric: "rpc_server_call_duration_seconds_count".into(),
            labels: labels(&["job", "rpc_method"]),
        }])
    );
    assert_eq!(
        template_uses("label_values(job)"),
        Ok(vec![Use {
            metric: String::new(),
            labels: labels(&["job"])
        }])
    );
    let dashboard = serde_json::json!({
        "panels": [
            {"type": "row", "title": "r", "collapsed": true, "panels": [
                {"title": "nested", "targets": [{"refId": "A", "expr": "nested_metric"}]}
            ]},
            {"title": "top", "targets": [{"refId": "B", "expr": "top_metric"}]}
        ],
        "templating": {"list": [
            {"name": "job", "type": "query", "query": {"query": "label_values(top_metric, job)"}},
            {"name": "DS_PROMETHEUS", "type": "datasource", "query": "prometheus"}
        ]}
    });
    let mut queries = Vec::new();
    grafana_queries("d.json", &dashboard, &mut queries);
    let found: Vec<(&str, bool)> = queries.iter().map(|q| (q.text.as_str(), q.template)).collect();
    assert_eq!(
        found,
        [
            ("nested_metric", false),
            ("top_metric", false),
            ("label_values(top_metric, job)", true)
        ]
    );
    assert!(queries[0].origin.contains("\"nested\""), "{}", queries[0].origin);
}

/// A catalog and documents small enough to see what the checker must say.
fn sample() -> (Series, Docs) {
    let emitted = Series::from([
        (
            "http_server_request_duration_seconds_count".to_owned(),
            labels(&["job", "http_route", "error_type"]),
        ),
        (
            "http_server_request_duration_seconds_bucket".to_owned(),
            labels(&["job", "http_route", "le"]),
        ),
    ]);
    let rules = YamlLoader::load_from_str(
        r#"
groups:
  - name: g
    rules:
      - record: job_http_route:http_server_request_duration_seconds_count:rate5m
        expr: sum by (job, http_route) (rate(http_server_request_duration_seconds_count[5m]))
      - record: job:p99
        expr: histogram_quantile(0.99, sum by (le, job) (rate(http_server_request_duration_seconds_bucket[5m])))
      - alert: Slow
        expr: job:p99 > 1 and on (job) job_http_route:http_server_request_duration_seconds_count:rate5m > 1
        for: 5m
"#,
    )
    .expect("valid YAML");
    let mut docs = Docs::default();
    rule_queries("rules.yaml", &rules[0], &mut docs).expect("valid rules");
    let query = |text: &str| Query {
        origin: format!("test `{text}`"),
        text: text.to_owned(),
        template: false,
    };
    docs.queries.push(query(
        r#"sum by (http_route) (rate(http_server_request_duration_seconds_count{error_type!=""}[$__rate_interval]))"#,
    ));
    (emitted, docs)
}

#[test]
fn checker_accepts_what_is_emitted() {
    let (emitted, docs) = sample();
    let report = check(&emitted, &docs);
    assert_eq!(report.problems, Vec::<String>::new());
    assert_eq!(
        report.metrics,
        labels(&[
            "http_server_request_duration_seconds_bucket",
            "http_server_request_duration_seconds_count"
        ])
    );
}

#[test]
fn checker_rejects_an_unknown_metric() {
    let (emitted, mut docs) = sample();
    docs.queries.push(Query {
        origin: "typo".into(),
        text: "rate(http_server_request_duration_count[5m])".into(),
        template: false,
    });
    let report = check(&emitted, &docs);
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(report.problems[0].starts_with("typo: metric http_server_request_duration_count is not emitted"));
    assert!(report.problems[0].contains("http_server_request_duration_seconds_count"));
}

#[test]
fn checker_rejects_an_unknown_label() {
    let (emitted, mut docs) = sample();
    let query = |origin: &str, text: &str| Query {
        origin: origin.into(),
        text: text.into(),
        template: false,
    };
    docs.queries.push(query(
        "matcher",
        r#"http_server_request_duration_seconds_count{http_status_code="500"}"#,
    ));
    docs.queries.push(query(
        "grouping",
        "sum by (http_method) (http_server_request_duration_seconds_count)",
    ));
    // `le` is on the input of the quantile rule, not on its result.
    docs.queries
        .push(query("record", r#"job:p99{le="1"} or job:p99{http_route="/"}"#));
    let report = check(&emitted, &docs);
    let expected = [
        "matcher: metric http_server_request_duration_seconds_count has no label(s) [\"http_status_code\"]",
        "grouping: metric http_server_request_duration_seconds_count has no label(s) [\"http_method\"]",
        "record: metric job:p99 has no label(s) [\"http_route\"]",
    ];
    assert_eq!(report.problems.len(), expected.len(), "{:?}", report.problems);
    for (problem, expected) in report.problems.iter().zip(expected) {
        assert!(problem.starts_with(expected), "{problem}");
    }
    // `le` is always allowed, as the task's rule says (job/instance/le).
}

#[test]
fn the_docs_reference_every_instrumented_area() {
    let docs = load_docs();
    assert!(!docs.queries.is_empty(), "no query in docs/dashboards");
    // Checked against nothing: every raw metric is then a problem, and listed.
    let report = check(&Series::new(), &docs);
    assert!(!report.metrics.is_empty());
    for prefix in [
        "http_server_",
        "http_client_",
        "rpc_server_",
        "rpc_client_",
        "db_client_",
        "gen_ai_client_",
        "messaging_client_",
        "messaging_process_",
    ] {
        assert!(
            report.metrics.iter().any(|m| m.starts_with(prefix)),
            "no dashboard or rule reads a {prefix}* metric: {:?}",
            report.metrics
        );
    }
    assert!(docs.records.len() >= 10, "recording rules: {:?}", docs.records);
}

#[test]
fn dashboards_are_well_formed() {
    for path in files(&dashboards_dir().join("grafana"), &["json"]) {
        let name = path.display().to_string();
        let dashboard: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("valid JSON");
        assert!(
            dashboard["schemaVersion"].as_u64().is_some_and(|v| v >= 39),
            "{name}: schemaVersion"
        );
        assert!(
            dashboard["uid"].as_str().is_some_and(|uid| !uid.is_empty()),
            "{name}: uid"
        );
        let variables = dashboard["templating"]["list"]
            .as_array()
            .expect("templating.list");
        let variable = |n: &str| variables.iter().find(|v| v["name"] == n);
        assert_eq!(
            variable("DS_PROMETHEUS").map(|v| &v["type"]),
            Some(&Value::from("datasource")),
            "{name}"
        );
        assert_eq!(
            variable("DS_PROMETHEUS").map(|v| &v["query"]),
            Some(&Value::from("prometheus")),
            "{name}"
        );
        let job = variable("job").unwrap_or_else(|| panic!("{name}: no job variable"));
        assert!(
            job["definition"]
                .as_str()
                .is_some_and(|d| d.starts_with("label_values(") && d.ends_with("job)")),
            "{name}: {job}"
        );
        // Every datasource reference, panel or target or variable, is the variable.
        fn datasources<'a>(value: &'a Value, out: &mut Vec<&'a Value>) {
            match value {
                Value::Object(map) => map.iter().for_each(|(key, value)| match key.as_str() {
                    "datasource" => out.push(value),
                    "annotations" => {}
                    _ => datasources(value, out),
                }),
                Value::Array(items) => items.iter().for_each(|item| datasources(item, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        datasources(&dashboard, &mut found);
        assert!(found.len() > 5, "{name}");
        for datasource in found {
            assert_eq!(datasource["uid"], "${DS_PROMETHEUS}", "{name}: {datasource}");
            assert_eq!(datasource["type"], "prometheus", "{name}: {datasource}");
        }
    }
}

/// Every alert rule of the [`ALERT_FILES`].
fn alert_rules() -> Vec<Yaml> {
    let mut alerts = Vec::new();
    for file in ALERT_FILES {
        let path = dashboards_dir().join("prometheus").join(file);
        let yaml =
            YamlLoader::load_from_str(&std::fs::read_to_string(path).expect("read")).expect("valid YAML");
        for group in yaml[0]["groups"].as_vec().expect("groups") {
            for rule in group["rules"].as_vec().expect("rules") {
                assert!(
                    rule["alert"].as_str().is_some(),
                    "only alerts in {file}: {rule:?}"
                );
                alerts.push(rule.clone());
            }
        }
    }
    alerts
}

#[test]
fn alerts_are_complete() {
    let alerts = alert_rules();
    for rule in &alerts {
        let name = rule["alert"].as_str().expect("an alert");
        assert!(rule["for"].as_str().is_some(), "{name}: for");
        assert!(
            ["critical", "warning", "info"].contains(&rule["labels"]["severity"].as_str().unwrap_or("")),
            "{name}: severity"
        );
        for annotation in ["summary", "description", "runbook_url"] {
            assert!(
                rule["annotations"][annotation].as_str().is_some(),
                "{name}: {annotation}"
            );
        }
    }
    assert!(alerts.len() >= 5);
}
