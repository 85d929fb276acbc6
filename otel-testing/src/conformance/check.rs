//! The checks: one attribute against the registry, one span, metric or log record
//! against its group.

use opentelemetry::trace::Status;
use otel_kit_core::app_metrics::naming;

use super::registry::{Group, Registry, Requirement, UNKNOWN};
use super::span_rules;
use super::{Report, Violation};
use crate::{AttributeValue, LogRecord, MetricData, MetricRecord, ResourceInfo, SpanRecord};

/// Enums whose conventions allow any value besides the members: `error.type`, and
/// `messaging.system.name` ("If one of them applies, then the respective value MUST be
/// used; otherwise, a custom value MAY be used": NATS has no value of its own).
const OPEN_ENUMS: &[&str] = &["error.type", "messaging.system.name"];

pub(super) struct Checker<'a> {
    pub(super) registry: &'static Registry,
    pub(super) custom: &'a [String],
    pub(super) report: &'a mut Report,
}

type Attributes = [(String, AttributeValue)];

impl Checker<'_> {
    fn violation(&mut self, location: &str, problem: String) {
        self.report.violations.push(Violation {
            location: location.to_owned(),
            problem,
        });
    }

    /// A fact the registry does not know, so not checked (`otel-semconv/generate.py
    /// --npm-package`): reported once.
    fn unknown(&mut self, fact: String) {
        if !self.report.unknown.contains(&fact) {
            self.report.unknown.push(fact);
        }
    }

    fn is_custom(&self, name: &str) -> bool {
        self.custom.iter().any(|prefix| name.starts_with(prefix.as_str()))
    }

    /// Name, type, deprecation and enum membership of each attribute.
    fn attributes(&mut self, location: &str, attributes: &Attributes) {
        for (key, value) in attributes {
            self.report.attributes += 1;
            if self.is_custom(key) {
                continue;
            }
            let Some(registered) = self.registry.attribute(key) else {
                self.violation(
                    location,
                    format!("{key}: not in the registry (and not in a custom namespace)"),
                );
                continue;
            };
            if let Some(deprecation) = registered.deprecation {
                self.violation(location, format!("{key}: deprecated ({deprecation})"));
            }
            if registered.value_type == UNKNOWN {
                self.unknown(format!("{key}: its type"));
            } else if !has_type(value, registered.value_type) {
                self.violation(
                    location,
                    format!(
                        "{key}: {} value, the registry says {}",
                        value.type_name(),
                        registered.value_type
                    ),
                );
                continue;
            }
            if !registered.members.is_empty() && !OPEN_ENUMS.contains(&key.as_str()) {
                let text = match value {
                    AttributeValue::String(s) => s.clone(),
                    AttributeValue::Int(n) => n.to_string(),
                    _ => continue,
                };
                if !registered.members.contains(&text.as_str()) {
                    self.violation(location, format!("{key}: {text:?} is not one of its members"));
                }
            }
            if let AttributeValue::String(text) = value
                && let Some((_, how)) = registered.deprecated_members.iter().find(|(m, _)| m == text)
            {
                self.violation(
                    location,
                    format!("{key}: {text:?} is a deprecated member ({how})"),
                );
            }
        }
    }

    /// Required attributes present; Conditionally Required ones where `condition` can
    /// tell (`Some(true)`: required here).
    fn requirements(
        &mut self,
        location: &str,
        group_name: &str,
        group: &Group,
        attributes: &Attributes,
        condition: impl Fn(&str) -> Option<bool>,
    ) {
        for (name, requirement) in &group.attributes {
            let required = match requirement {
                Requirement::Required => true,
                Requirement::ConditionallyRequired => match condition(name) {
                    Some(required) => required,
                    None => {
                        self.report.conditions_unread += 1;
                        continue;
                    }
                },
                Requirement::Recommended | Requirement::OptIn => continue,
                Requirement::Unknown => {
                    self.unknown(format!("{name}: its requirement level on {group_name}"));
                    continue;
                }
            };
            if !required {
                continue;
            }
            self.report.requirements += 1;
            if !attributes.iter().any(|(k, _)| k == name) {
                let level = match requirement {
                    Requirement::Required => "Required",
                    _ => "Conditionally Required here",
                };
                self.violation(location, format!("{name}: {level} by {group_name}, missing"));
            }
        }
    }

    /// An exception event (`exception`, and each domain's `*.exception`) names the
    /// exception by `exception.type` or `exception.message`: each is Conditionally
    /// Required when the other is missing.
    fn exception_identity(&mut self, location: &str, event: &str, group: &Group, attributes: &Attributes) {
        const IDENTITY: [&str; 2] = ["exception.type", "exception.message"];
        if !IDENTITY
            .iter()
            .all(|key| group.attributes.iter().any(|(name, _)| name == key))
        {
            return;
        }
        self.report.requirements += 1;
        if !attributes.iter().any(|(key, _)| IDENTITY.contains(&key.as_str())) {
            self.violation(
                location,
                format!("exception.type or exception.message: one is Required by {event}, both missing"),
            );
        }
    }

    fn resource(&mut self, resource: &ResourceInfo) {
        if self.report.resources_seen.contains(&resource.attributes) {
            return;
        }
        self.report.resources_seen.push(resource.attributes.clone());
        self.report.resources += 1;
        self.attributes("resource", &resource.attributes);
    }

    pub(super) fn span(&mut self, span: &SpanRecord) {
        self.report.spans += 1;
        self.resource(&span.resource);
        let location = format!("span {:?} ({:?})", span.name, span.kind);
        self.attributes(&location, &span.attributes);
        for event in &span.events {
            let at = format!("{location} event {:?}", event.name);
            self.attributes(&at, &event.attributes);
            if let Some(group) = self.registry.events.get(event.name.as_str()) {
                self.requirements(&at, &event.name, group, &event.attributes, |_| None);
                self.exception_identity(&at, &event.name, group, &event.attributes);
            }
        }
        for link in &span.links {
            self.attributes(&format!("{location} link"), &link.attributes);
        }
        let Some(groups) = span_rules::groups(self.registry, span) else {
            return;
        };
        let failed = matches!(span.status, Status::Error { .. });
        let method_other = |key: &str| {
            span.attribute(key)
                .is_some_and(|v| v == &AttributeValue::from("_OTHER"))
        };
        for &group_name in &groups.names {
            let group = &self.registry.spans[group_name];
            self.requirements(
                &location,
                group_name,
                group,
                &span.attributes,
                |name| match name {
                    "error.type" => Some(failed),
                    "rpc.method_original" => Some(method_other("rpc.method")),
                    "http.request.method_original" => Some(method_other("http.request.method")),
                    _ => None,
                },
            );
        }
        if let Some((kinds, rule)) = span_rules::kinds(self.registry, &groups, span) {
            self.report.kinds += 1;
            if !kinds.contains(&span.kind) {
                self.violation(&location, format!("span kind {:?}: {rule}", span.kind));
            }
        }
        if let Some((names, rule)) = span_rules::names(&groups, span) {
            self.report.names += 1;
            if !names.contains(&span.name) {
                let expected: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
                self.violation(
                    &location,
                    format!("span name: {rule} gives {}", expected.join(" or ")),
                );
            }
        }
    }

    pub(super) fn metric(&mut self, metric: &MetricRecord) {
        self.resource(&metric.resource);
        let location = format!("metric {}", metric.name);
        let registered = if self.is_custom(&metric.name) {
            self.custom_metric_naming(&location, metric);
            None
        } else {
            match self.registry.metrics.get(metric.name.as_str()) {
                Some(group) => Some(group),
                None => {
                    self.violation(
                        &location,
                        "not in the registry (and not in a custom namespace)".to_owned(),
                    );
                    None
                }
            }
        };
        if let Some(group) = registered {
            if let Some(deprecation) = group.deprecation {
                self.violation(&location, format!("deprecated ({deprecation})"));
            }
            if group.unit == UNKNOWN {
                self.unknown(format!("{}: its unit", metric.name));
            } else if metric.unit != group.unit {
                self.violation(
                    &location,
                    format!("unit {:?}, the registry says {:?}", metric.unit, group.unit),
                );
            }
            let instrument = instrument(&metric.data);
            if group.kind == UNKNOWN {
                self.unknown(format!("{}: its instrument and attributes", metric.name));
            } else if instrument != Some(group.kind) {
                self.violation(
                    &location,
                    format!(
                        "a {} ({:?}), the registry says {}",
                        metric.data.kind(),
                        instrument,
                        group.kind
                    ),
                );
            }
        }
        for attributes in points(&metric.data) {
            self.report.metric_points += 1;
            self.attributes(&location, attributes);
            if let Some(group) = registered {
                self.requirements(&location, &metric.name, group, attributes, |_| None);
                if group.kind != UNKNOWN {
                    self.own_attributes(&location, &metric.name, group, attributes);
                }
            }
        }
    }

    /// A metric in a custom namespace follows the OpenTelemetry naming guidance, as
    /// otel-kit-core's `app_metrics` builders enforce it: lowercase dot-separated
    /// segments, no unit or `_total` in the name, a UCUM unit.
    fn custom_metric_naming(&mut self, location: &str, metric: &MetricRecord) {
        if let Some(problem) = naming::name_problem(&metric.name) {
            self.violation(location, format!("name: {problem}"));
        }
        if let Some(problem) = naming::unit_problem(&metric.unit) {
            self.violation(location, format!("unit {:?}: {problem}", metric.unit));
        }
    }

    /// A registered metric carries only the attributes on its own list, those its
    /// system's page adds (OpenAI's on the GenAI metrics) and the application's own
    /// namespaces: a key registered elsewhere, `url.full` on a duration, would pass the
    /// registry but split its series.
    fn own_attributes(&mut self, location: &str, metric: &str, group: &Group, attributes: &Attributes) {
        let system = attributes
            .iter()
            .find(|(key, _)| key == "gen_ai.provider.name")
            .and_then(|(_, value)| match value {
                AttributeValue::String(system) => self.registry.system_metric_attributes.get(system.as_str()),
                _ => None,
            });
        for (key, _) in attributes {
            let listed = group.attributes.iter().any(|(name, _)| name == key)
                || system.is_some_and(|added| added.contains(&key.as_str()));
            if !listed && !self.is_custom(key) {
                self.violation(location, format!("{key}: not an attribute of {metric}"));
            }
        }
    }

    pub(super) fn log(&mut self, record: &LogRecord) {
        self.report.log_records += 1;
        self.resource(&record.resource);
        let location = match record.body_str() {
            Some(body) => format!("log {body:?}"),
            None => format!("log record ({})", record.event_name),
        };
        self.attributes(&location, &record.attributes);
        if record.event_name.is_empty() || self.is_custom(&record.event_name) {
            return;
        }
        match self.registry.events.get(record.event_name.as_str()) {
            None => self.violation(
                &location,
                format!("event name {:?}: not a registered event", record.event_name),
            ),
            Some(group) => {
                if let Some(deprecation) = group.deprecation {
                    self.violation(
                        &location,
                        format!("event {}: deprecated ({deprecation})", record.event_name),
                    );
                }
                self.requirements(&location, &record.event_name, group, &record.attributes, |_| None);
                self.exception_identity(&location, &record.event_name, group, &record.attributes);
            }
        }
    }
}

/// Whether `value` is of the registry's `value_type`.
fn has_type(value: &AttributeValue, value_type: &str) -> bool {
    let scalar = |v: &AttributeValue, t: &str| {
        matches!(
            (v, t),
            (AttributeValue::String(_), "string")
                | (AttributeValue::Int(_), "int")
                | (AttributeValue::Double(_), "double")
                | (AttributeValue::Bool(_), "boolean")
        )
    };
    match (value_type.strip_suffix("[]"), value) {
        (_, _) if value_type == "any" => true,
        (Some(item), AttributeValue::Array(items)) => items.iter().all(|v| scalar(v, item)),
        (Some(_), _) => false,
        (None, v) => scalar(v, value_type),
    }
}

/// The registry's instrument for an OTLP aggregation.
fn instrument(data: &MetricData) -> Option<&'static str> {
    match data {
        MetricData::Histogram { .. } | MetricData::ExponentialHistogram { .. } => Some("histogram"),
        MetricData::Sum {
            is_monotonic: true, ..
        } => Some("counter"),
        MetricData::Sum {
            is_monotonic: false, ..
        } => Some("updowncounter"),
        MetricData::Gauge(_) => Some("gauge"),
        MetricData::Summary(_) | MetricData::Empty => None,
    }
}

/// The attributes of each point.
fn points(data: &MetricData) -> Vec<&Attributes> {
    match data {
        MetricData::Gauge(points) | MetricData::Sum { points, .. } => {
            points.iter().map(|p| &p.attributes[..]).collect()
        }
        MetricData::Histogram { points, .. } | MetricData::ExponentialHistogram { points, .. } => {
            points.iter().map(|p| &p.attributes[..]).collect()
        }
        MetricData::Summary(points) => points.iter().map(|p| &p.attributes[..]).collect(),
        MetricData::Empty => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_follow_the_registry() {
        assert!(has_type(&AttributeValue::from("x"), "string"));
        assert!(!has_type(&AttributeValue::Int(1), "string"));
        assert!(has_type(&AttributeValue::Array(vec!["a".into()]), "string[]"));
        assert!(!has_type(
            &AttributeValue::Array(vec![AttributeValue::Int(1)]),
            "string[]"
        ));
        assert!(!has_type(&AttributeValue::from("a"), "string[]"));
        assert!(has_type(&AttributeValue::Double(0.5), "any"));
    }
}
