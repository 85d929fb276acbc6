//! A collection of the SDK's metrics, and the kit's exemplars, written as a Prometheus
//! text 0.0.4 or an OpenMetrics 1.0 exposition: one code path, the format deciding
//! only the metadata lines, the counter's family name, exemplars and `# EOF`.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use opentelemetry::KeyValue;
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::{
    AggregatedMetrics, Metric, MetricData, ResourceMetrics, ScopeMetrics,
};
use otel_kit_core::__private::exemplar::{ExemplarValue, MetricExemplars, Reservoirs, StoredExemplar};

use crate::bucket_bounds::Bounds;
use crate::format::ExpositionFormat;
use crate::labels::{LabelNames, escape, write_label, write_labels};
use crate::names::{FamilyType, MetricNames, sample_names, sanitize};
use crate::values::{SampleValue, write_exemplar};

/// The name of the family the resource becomes.
const TARGET_INFO: &str = "target_info";

/// Writes collections as expositions, and warns once per name of the instruments it
/// has to leave out (a name two instruments share, a kind it cannot write).
///
/// ```
/// use opentelemetry_sdk::metrics::data::ResourceMetrics;
/// use otel_kit_prometheus::{ExpositionFormat, ExpositionRenderer};
///
/// let renderer = ExpositionRenderer::new();
/// let mut out = Vec::new();
/// renderer.render(&ResourceMetrics::default(), None, ExpositionFormat::OpenMetrics, &mut out);
/// assert!(out.ends_with(b"# EOF\n"));
/// ```
#[derive(Debug, Default)]
pub struct ExpositionRenderer {
    warned: Mutex<HashSet<String>>,
}

/// One family: its names, its type, and the metrics (of one or more scopes) in it.
struct Family<'a> {
    names: MetricNames,
    kind: FamilyType,
    help: &'a str,
    members: Vec<(usize, &'a Metric)>,
}

/// The labels a scope puts on each of its points.
type ScopeLabels = Vec<(String, String)>;

impl ExpositionRenderer {
    /// A renderer that has warned of nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the exposition of `metrics` in `format` to `out`, with the exemplars of
    /// `exemplars` on counters and histogram buckets (OpenMetrics only; the
    /// specification drops those of gauges).
    pub fn render(
        &self,
        metrics: &ResourceMetrics,
        exemplars: Option<&Reservoirs>,
        format: ExpositionFormat,
        out: &mut Vec<u8>,
    ) {
        let mut scopes: Vec<&ScopeMetrics> = metrics.scope_metrics().collect();
        // The SDK's scope order changes from one collection to the next: sorted, the
        // same instrument wins a name collision on every scrape.
        scopes.sort_by(|a, b| {
            (a.scope().name(), a.scope().version()).cmp(&(b.scope().name(), b.scope().version()))
        });
        let scope_labels: Vec<ScopeLabels> = scopes.iter().map(|s| scope_labels(s)).collect();
        let has_target = !metrics.resource().is_empty();
        let families = self.families(&scopes, has_target);
        let mut writer = Writer {
            out,
            format,
            exemplars: if format == ExpositionFormat::OpenMetrics {
                exemplars
            } else {
                None
            },
            labels: Vec::with_capacity(256),
            attributes: Vec::with_capacity(16),
            names: LabelNames::default(),
            fixed_text: Vec::with_capacity(128),
            bounds: Bounds::default(),
        };
        if has_target {
            writer.target_info(metrics);
        }
        for family in &families {
            writer.family(family, &scopes, &scope_labels);
        }
        if format == ExpositionFormat::OpenMetrics {
            writer.out.extend_from_slice(b"# EOF\n");
        }
    }

    /// The families in the order first seen; an instrument whose family name is taken
    /// by one of another type, or by one of the same scope, or whose sample names are
    /// another family's (a counter `foo`'s `foo_total` and a gauge `foo_total`; a
    /// histogram `foo`'s `foo_count` and a gauge `foo_count`), is left out with a
    /// warning.
    fn families<'a>(&self, scopes: &[&'a ScopeMetrics], has_target: bool) -> Vec<Family<'a>> {
        let mut families: Vec<Family<'a>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut samples: HashMap<String, usize> = HashMap::new();
        for (scope_index, scope) in scopes.iter().enumerate() {
            for metric in scope.metrics() {
                let Some(kind) = family_type(metric) else {
                    self.warn_once(metric.name(), "its kind (a delta or an exponential histogram) has no Prometheus form; it is left out of /metrics");
                    continue;
                };
                let names = MetricNames::new(metric.name(), metric.unit(), kind);
                if has_target && names.family == TARGET_INFO {
                    self.warn_once(
                        metric.name(),
                        "its Prometheus name `target_info` is the resource's; it is left out of /metrics",
                    );
                    continue;
                }
                match index.get(&names.family) {
                    Some(&i) => {
                        let family = &mut families[i];
                        let same_scope = family.members.iter().any(|(s, _)| *s == scope_index);
                        if family.kind != kind || same_scope {
                            self.warn_once(
                                &names.family,
                                "two instruments have this Prometheus name; the later one is left out of /metrics",
                            );
                        } else {
                            family.members.push((scope_index, metric));
                        }
                    }
                    None => {
                        let sample_names = sample_names(&names.family, kind);
                        if sample_names
                            .iter()
                            .any(|n| samples.contains_key(n) || index.contains_key(n))
                        {
                            self.warn_once(
                                &names.family,
                                "its Prometheus sample names are another instrument's; it is left out of /metrics",
                            );
                            continue;
                        }
                        for name in sample_names {
                            samples.insert(name, families.len());
                        }
                        index.insert(names.family.clone(), families.len());
                        families.push(Family {
                            names,
                            kind,
                            help: metric.description(),
                            members: vec![(scope_index, metric)],
                        });
                    }
                }
            }
        }
        families
    }

    fn warn_once(&self, name: &str, why: &str) {
        let mut warned = self.warned.lock().unwrap_or_else(PoisonError::into_inner);
        if warned.insert(name.to_owned()) {
            tracing::warn!(target: "otel_kit_prometheus", metric = name, "{why}");
        }
    }
}

/// How a metric is written: "If the aggregation temporality is cumulative and the sum
/// is monotonic, it MUST be converted to a Prometheus Counter"; a non-monotonic one
/// follows gauges; histograms "with Delta aggregation temporality ... MUST be
/// dropped" unless made cumulative (the kit's reader asks for cumulative ones).
fn family_type(metric: &Metric) -> Option<FamilyType> {
    fn of<T>(data: &MetricData<T>) -> Option<FamilyType> {
        match data {
            MetricData::Gauge(_) => Some(FamilyType::Gauge),
            MetricData::Sum(s) if s.temporality() == Temporality::Cumulative => Some(if s.is_monotonic() {
                FamilyType::Counter
            } else {
                FamilyType::Gauge
            }),
            MetricData::Histogram(h) if h.temporality() == Temporality::Cumulative => {
                Some(FamilyType::Histogram)
            }
            _ => None,
        }
    }
    match metric.data() {
        AggregatedMetrics::F64(d) => of(d),
        AggregatedMetrics::U64(d) => of(d),
        AggregatedMetrics::I64(d) => of(d),
    }
}

/// "the scope name as the `otel_scope_name` label, the scope version as the
/// `otel_scope_version` label, the scope schema URL as the `otel_scope_schema_url`
/// label, the scope attributes as labels with `otel_scope_` prefix"; attributes that
/// would meet those three "MUST be dropped".
fn scope_labels(scope: &ScopeMetrics) -> ScopeLabels {
    let scope = scope.scope();
    let mut labels = vec![("otel_scope_name".to_owned(), scope.name().to_owned())];
    if let Some(version) = scope.version() {
        labels.push(("otel_scope_version".to_owned(), version.to_owned()));
    }
    if let Some(url) = scope.schema_url() {
        labels.push(("otel_scope_schema_url".to_owned(), url.to_owned()));
    }
    let mut attributes: Vec<(String, &str, String)> = scope
        .attributes()
        .map(|kv| {
            (
                sanitize(&format!("otel_scope_{}", kv.key), false),
                kv.key.as_str(),
                kv.value.to_string(),
            )
        })
        .filter(|(name, _, _)| {
            !matches!(
                name.as_str(),
                "otel_scope_name" | "otel_scope_version" | "otel_scope_schema_url"
            )
        })
        .collect();
    attributes.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    for (name, _, value) in attributes {
        match labels.last_mut() {
            Some((last, joined)) if *last == name => {
                joined.push(';');
                joined.push_str(&value);
            }
            _ => labels.push((name, value)),
        }
    }
    labels
}

/// The state of one rendering.
struct Writer<'o, 'r, 'a> {
    out: &'o mut Vec<u8>,
    format: ExpositionFormat,
    exemplars: Option<&'r Reservoirs>,
    /// The current point's labels, `name="value",` each.
    labels: Vec<u8>,
    /// The current point's attributes, as the reservoirs take them.
    attributes: Vec<&'a KeyValue>,
    /// The label names of the attribute keys, sanitised once per rendering.
    names: LabelNames<'a>,
    /// The current metric's scope labels, `name="value",` each.
    fixed_text: Vec<u8>,
    /// The current histogram point's bucket bounds and their `le` texts.
    bounds: Bounds,
}

impl<'a> Writer<'_, '_, 'a> {
    /// "a gauge-typed metric family named `target_info` with a constant value of 1"
    /// in the text format; an info-typed `target` family in OpenMetrics.
    fn target_info(&mut self, metrics: &ResourceMetrics) {
        let resource: Vec<KeyValue> = metrics
            .resource()
            .iter()
            .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
            .collect();
        match self.format {
            ExpositionFormat::Text => self
                .out
                .extend_from_slice(b"# HELP target_info Target metadata\n# TYPE target_info gauge\n"),
            ExpositionFormat::OpenMetrics => self
                .out
                .extend_from_slice(b"# TYPE target info\n# HELP target Target metadata\n"),
        }
        self.labels.clear();
        write_labels(&mut self.labels, &[], resource.iter());
        sample(self.out, &self.labels, TARGET_INFO, "", None);
        self.out.extend_from_slice(b"1\n");
    }

    fn family(&mut self, family: &Family<'a>, scopes: &[&'a ScopeMetrics], scope_labels: &[ScopeLabels]) {
        let name = family.names.family.as_str();
        let counter = family.kind == FamilyType::Counter;
        match self.format {
            ExpositionFormat::Text => {
                // The text format names a counter's family by its sample, `_total`.
                let suffix = if counter { "_total" } else { "" };
                if !family.help.is_empty() {
                    self.line_start(b"# HELP ", name, suffix);
                    escape(self.out, family.help, false);
                    self.out.push(b'\n');
                }
                self.line_start(b"# TYPE ", name, suffix);
                self.out.extend_from_slice(family.kind.name().as_bytes());
                self.out.push(b'\n');
            }
            ExpositionFormat::OpenMetrics => {
                self.line_start(b"# TYPE ", name, "");
                self.out.extend_from_slice(family.kind.name().as_bytes());
                self.out.push(b'\n');
                if let Some(unit) = &family.names.unit {
                    self.line_start(b"# UNIT ", name, "");
                    self.out.extend_from_slice(unit.as_bytes());
                    self.out.push(b'\n');
                }
                if !family.help.is_empty() {
                    self.line_start(b"# HELP ", name, "");
                    escape(self.out, family.help, true);
                    self.out.push(b'\n');
                }
            }
        }
        for &(scope_index, metric) in &family.members {
            let scope = scopes[scope_index].scope().name();
            let fixed: Vec<(&str, &str)> = scope_labels[scope_index]
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            self.fixed_text.clear();
            for (n, v) in &fixed {
                write_label(&mut self.fixed_text, n, v);
            }
            let point = PointContext {
                family: name,
                fixed: &fixed,
                counter,
                // One lookup per metric, not per point.
                exemplars: self.exemplars.and_then(|r| r.metric(scope, metric.name())),
            };
            match metric.data() {
                AggregatedMetrics::F64(d) => self.data(&point, d),
                AggregatedMetrics::U64(d) => self.data(&point, d),
                AggregatedMetrics::I64(d) => self.data(&point, d),
            }
        }
    }

    fn line_start(&mut self, prefix: &[u8], name: &str, suffix: &str) {
        self.out.extend_from_slice(prefix);
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(suffix.as_bytes());
        self.out.push(b' ');
    }

    fn data<T: SampleValue>(&mut self, point: &PointContext<'_>, data: &'a MetricData<T>) {
        match data {
            MetricData::Gauge(g) => {
                for p in g.data_points() {
                    self.point_labels(point, p.attributes());
                    sample(self.out, &self.labels, point.family, "", None);
                    p.value().write(self.out);
                    self.out.push(b'\n');
                }
            }
            MetricData::Sum(s) => {
                let suffix = if point.counter { "_total" } else { "" };
                for p in s.data_points() {
                    self.point_labels(point, p.attributes());
                    sample(self.out, &self.labels, point.family, suffix, None);
                    p.value().write(self.out);
                    if point.counter {
                        let mut latest: Option<StoredExemplar> = None;
                        self.each_exemplar(point, s.time(), &mut |e| latest = Some(*e));
                        if let Some(e) = latest {
                            write_exemplar(self.out, &e);
                        }
                    }
                    self.out.push(b'\n');
                }
            }
            MetricData::Histogram(h) => {
                for p in h.data_points() {
                    self.point_labels(point, p.attributes());
                    self.bounds.set(|| p.bounds());
                    let bounds = std::mem::take(&mut self.bounds.values);
                    // "If the Prometheus protocol only supports a single exemplar
                    // per-bucket, the latest exemplar that falls into each bucket
                    // SHOULD be converted": the reservoir keeps one per bucket.
                    let mut by_bucket: Vec<Option<StoredExemplar>> = Vec::new();
                    self.each_exemplar(point, h.time(), &mut |e| {
                        let value = match e.value {
                            ExemplarValue::Double(v) => v,
                            ExemplarValue::Int(v) => v as f64,
                        };
                        let bucket = bounds.iter().position(|b| value <= *b).unwrap_or(bounds.len());
                        if by_bucket.len() <= bucket {
                            by_bucket.resize(bucket + 1, None);
                        }
                        by_bucket[bucket] = Some(*e);
                    });
                    let mut cumulative = 0_u64;
                    for (i, count) in p.bucket_counts().enumerate() {
                        cumulative = cumulative.saturating_add(count);
                        sample(
                            self.out,
                            &self.labels,
                            point.family,
                            "_bucket",
                            Some(self.bounds.le(i)),
                        );
                        cumulative.write(self.out);
                        if let Some(Some(e)) = by_bucket.get(i) {
                            write_exemplar(self.out, e);
                        }
                        self.out.push(b'\n');
                    }
                    if p.bucket_counts().count() <= bounds.len() {
                        // No `+Inf` bucket in the data: both formats need one.
                        sample(
                            self.out,
                            &self.labels,
                            point.family,
                            "_bucket",
                            Some(self.bounds.le(usize::MAX)),
                        );
                        p.count().write(self.out);
                        self.out.push(b'\n');
                    }
                    // OpenMetrics: "Negative threshold buckets MAY be used, but then
                    // the Histogram MetricPoint MUST NOT contain a sum value as it
                    // would no longer be a counter semantically."
                    let negative_bounds = bounds.first().is_some_and(|b| *b < 0.0);
                    self.bounds.values = bounds;
                    sample(self.out, &self.labels, point.family, "_count", None);
                    p.count().write(self.out);
                    self.out.push(b'\n');
                    if !(negative_bounds && self.format == ExpositionFormat::OpenMetrics) {
                        sample(self.out, &self.labels, point.family, "_sum", None);
                        p.sum().write(self.out);
                        self.out.push(b'\n');
                    }
                }
            }
            MetricData::ExponentialHistogram(_) => {}
        }
    }

    fn point_labels(&mut self, point: &PointContext<'_>, attributes: impl Iterator<Item = &'a KeyValue>) {
        self.attributes.clear();
        self.attributes.extend(attributes);
        self.labels.clear();
        self.names
            .write_point(&mut self.labels, point.fixed, &self.fixed_text, &self.attributes);
    }

    fn each_exemplar(
        &self,
        point: &PointContext<'_>,
        until: SystemTime,
        each: &mut dyn FnMut(&StoredExemplar),
    ) {
        if let Some(exemplars) = &point.exemplars {
            exemplars.for_point(&self.attributes, until, each);
        }
    }
}

/// `name suffix{labels,le="bound"} ` (the value follows); `labels` end with a comma.
fn sample(out: &mut Vec<u8>, labels: &[u8], name: &str, suffix: &str, le: Option<&[u8]>) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(suffix.as_bytes());
    let labels = labels.strip_suffix(b",").unwrap_or(labels);
    match le {
        Some(le) => {
            out.push(b'{');
            out.extend_from_slice(labels);
            if !labels.is_empty() {
                out.push(b',');
            }
            out.extend_from_slice(b"le=\"");
            out.extend_from_slice(le);
            out.extend_from_slice(b"\"} ");
        }
        None if labels.is_empty() => out.push(b' '),
        None => {
            out.push(b'{');
            out.extend_from_slice(labels);
            out.extend_from_slice(b"} ");
        }
    }
}

/// What every point of one metric shares.
struct PointContext<'p> {
    family: &'p str,
    fixed: &'p [(&'p str, &'p str)],
    counter: bool,
    exemplars: Option<MetricExemplars>,
}
