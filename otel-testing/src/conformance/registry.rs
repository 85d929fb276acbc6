//! The facts of the semantic-conventions registry, parsed once from the generated
//! `conformance/semconv.tsv`, written by `otel-semconv/generate.py` from the same model
//! as otel-kit-semconv's constants.
//!
//! Facts a release read from its npm package does not carry (`generate.py --npm-package`:
//! the types of attributes new in it, the instruments, units and attribute lists of its new
//! metrics, the requirement levels of the attributes it deprecates and their replacements
//! in the previous release's groups) are [`UNKNOWN`]: the check reports them as not checked
//! rather than as violations.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The generated facts: semantic conventions 1.45.0 (from its npm package over the model
/// of 1.44.0; `otel_kit_semconv::SEMCONV_SOURCE`), and v1.41.0 for `gen_ai.*`, `openai.*`
/// and `mcp.*` (their last release).
const FACTS: &str = include_str!("../../conformance/semconv.tsv");

/// A fact the generator did not know: an attribute's type (or a template's value type), a
/// metric's instrument and unit, a requirement level.
pub(crate) const UNKNOWN: &str = "unknown";

/// How much a group asks for an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Requirement {
    Required,
    ConditionallyRequired,
    Recommended,
    OptIn,
    /// Not known ([`UNKNOWN`]): neither checked nor a violation.
    Unknown,
}

/// One registered attribute.
#[derive(Debug)]
pub(crate) struct Attribute {
    /// `string`, `int`, `double`, `boolean`, `string[]`, ..., `any`, or [`UNKNOWN`]; for a
    /// template, the type of its values.
    pub(crate) value_type: &'static str,
    /// `renamed:<new>`, `obsoleted`, `uncategorized`, or `None`.
    pub(crate) deprecation: Option<&'static str>,
    /// Enum members; empty when the attribute is not an enum.
    pub(crate) members: Vec<&'static str>,
    /// The members that are deprecated, with how (`renamed:<new>`, `obsoleted`, ...).
    pub(crate) deprecated_members: Vec<(&'static str, &'static str)>,
}

/// A metric, span or event: what it is, and its attributes with their requirement level.
#[derive(Debug)]
pub(crate) struct Group {
    /// A metric's instrument, a span's kind (`-` when it depends on the operation, as
    /// messaging's does); empty for events. A metric's is [`UNKNOWN`] when the metric is
    /// new in a release read from its npm package: its unit and attribute list are unknown
    /// too (the list is empty).
    pub(crate) kind: &'static str,
    /// A metric's unit ([`UNKNOWN`] as `kind`); empty otherwise.
    pub(crate) unit: &'static str,
    pub(crate) deprecation: Option<&'static str>,
    pub(crate) attributes: Vec<(&'static str, Requirement)>,
}

/// The registry.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    pub(crate) attributes: HashMap<&'static str, Attribute>,
    /// Template attributes (`http.request.header`): any key under `<name>.`.
    pub(crate) templates: Vec<(&'static str, Attribute)>,
    pub(crate) metrics: HashMap<&'static str, Group>,
    pub(crate) spans: HashMap<&'static str, Group>,
    pub(crate) events: HashMap<&'static str, Group>,
    /// What a system's own page adds to every metric of its domain, by system
    /// (`openai`: `openai.response.service_tier`, ...).
    pub(crate) system_metric_attributes: HashMap<&'static str, Vec<&'static str>>,
}

impl Registry {
    /// The registry of the generated facts, parsed on first use.
    pub(crate) fn semconv() -> &'static Registry {
        static REGISTRY: OnceLock<Registry> = OnceLock::new();
        REGISTRY.get_or_init(|| Registry::parse(FACTS))
    }

    /// The attribute `key`: exact, else the template it falls under.
    pub(crate) fn attribute(&self, key: &str) -> Option<&Attribute> {
        self.attributes.get(key).or_else(|| {
            self.templates
                .iter()
                .find(|(prefix, _)| {
                    key.len() > prefix.len() + 1
                        && key.starts_with(prefix)
                        && key.as_bytes()[prefix.len()] == b'.'
                })
                .map(|(_, attribute)| attribute)
        })
    }

    /// Parses the facts; a malformed line is a bug in the generator, so it panics with
    /// the line.
    fn parse(facts: &'static str) -> Registry {
        let mut registry = Registry::default();
        for line in facts.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let fields: Vec<&'static str> = line.split('\t').collect();
            let field = |i: usize| -> &'static str {
                fields
                    .get(i)
                    .copied()
                    .unwrap_or_else(|| panic!("semconv.tsv: too few fields in {line:?}"))
            };
            let deprecation = |i: usize| Some(field(i)).filter(|d| *d != "-");
            match field(0) {
                "attr" => {
                    let ty = field(2);
                    let attribute = Attribute {
                        value_type: ty
                            .strip_prefix("template[")
                            .and_then(|t| t.strip_suffix(']'))
                            .unwrap_or(ty),
                        deprecation: deprecation(4),
                        members: match field(5) {
                            "-" => Vec::new(),
                            members => members.split('|').collect(),
                        },
                        deprecated_members: Vec::new(),
                    };
                    if ty.starts_with("template[") {
                        registry.templates.push((field(1), attribute));
                    } else {
                        registry.attributes.insert(field(1), attribute);
                    }
                }
                "member" => registry
                    .attributes
                    .get_mut(field(1))
                    .unwrap_or_else(|| panic!("semconv.tsv: {line:?} before its attribute"))
                    .deprecated_members
                    .push((field(2), field(3))),
                "metric" => {
                    registry.metrics.insert(
                        field(1),
                        Group {
                            kind: field(2),
                            unit: field(3),
                            deprecation: deprecation(5),
                            attributes: Vec::new(),
                        },
                    );
                }
                "span" => {
                    registry.spans.insert(
                        field(1),
                        Group {
                            kind: field(2),
                            unit: "",
                            deprecation: None,
                            attributes: Vec::new(),
                        },
                    );
                }
                "event" => {
                    registry.events.insert(
                        field(1),
                        Group {
                            kind: "",
                            unit: "",
                            deprecation: deprecation(3),
                            attributes: Vec::new(),
                        },
                    );
                }
                "system_metric_attr" => registry
                    .system_metric_attributes
                    .entry(field(1))
                    .or_default()
                    .push(field(2)),
                owner @ ("metric_attr" | "span_attr" | "event_attr") => {
                    let groups = match owner {
                        "metric_attr" => &mut registry.metrics,
                        "span_attr" => &mut registry.spans,
                        _ => &mut registry.events,
                    };
                    let requirement = match field(3) {
                        "required" => Requirement::Required,
                        "conditionally_required" => Requirement::ConditionallyRequired,
                        "recommended" => Requirement::Recommended,
                        "opt_in" => Requirement::OptIn,
                        UNKNOWN => Requirement::Unknown,
                        other => panic!("semconv.tsv: requirement {other:?} in {line:?}"),
                    };
                    groups
                        .get_mut(field(1))
                        .unwrap_or_else(|| panic!("semconv.tsv: {line:?} before its group"))
                        .attributes
                        .push((field(2), requirement));
                }
                other => panic!("semconv.tsv: record {other:?} in {line:?}"),
            }
        }
        registry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_facts_come_from_the_model_the_names_do() {
        // One run of otel-semconv/generate.py writes both: regenerating one alone fails here.
        let header = FACTS.lines().next().expect("a header");
        for source in [
            otel_kit_semconv::SEMCONV_SOURCE,
            otel_kit_semconv::SEMCONV_MODEL_COMMIT,
            otel_kit_semconv::GENAI_SEMCONV_COMMIT,
        ] {
            assert!(header.contains(source), "{header} names no {source}");
        }
        // The release and the model it is read from (the same release, or the one before).
        let version = format!("{} (", otel_kit_semconv::SEMCONV_VERSION);
        assert!(otel_kit_semconv::SEMCONV_SOURCE.contains(&version), "{header}");
        let model = format!(" v{} (", otel_kit_semconv::SEMCONV_MODEL_VERSION);
        assert!(otel_kit_semconv::SEMCONV_SOURCE.contains(&model), "{header}");
    }

    #[test]
    fn unknown_facts_parse() {
        let r = Registry::parse(
            "attr\tkafka.offset\tunknown\texperimental\t-\t-\n\
             attr\trpc.request.header\ttemplate[unknown]\texperimental\t-\t-\n\
             metric\tdb.client.connection.limit\tunknown\tunknown\texperimental\t-\n\
             span\tspan.rpc.call.client\tclient\tstable\n\
             span_attr\tspan.rpc.call.client\trpc.status_code\tunknown\n",
        );
        assert_eq!(r.attribute("kafka.offset").map(|a| a.value_type), Some(UNKNOWN));
        assert_eq!(
            r.attribute("rpc.request.header.x").map(|a| a.value_type),
            Some(UNKNOWN)
        );
        let limit = &r.metrics["db.client.connection.limit"];
        assert_eq!((limit.kind, limit.unit), (UNKNOWN, UNKNOWN));
        assert_eq!(
            r.spans["span.rpc.call.client"].attributes,
            [("rpc.status_code", Requirement::Unknown)]
        );
    }

    #[test]
    fn the_facts_parse_and_hold_what_the_checks_rely_on() {
        let r = Registry::semconv();
        let method = r.attribute("http.request.method").expect("http.request.method");
        assert_eq!(method.value_type, "string");
        assert!(method.members.contains(&"GET") && method.members.contains(&"_OTHER"));
        assert_eq!(
            r.attribute("http.method").and_then(|a| a.deprecation),
            Some("renamed:http.request.method")
        );
        assert_eq!(
            r.attribute("http.request.header.x-request-id")
                .map(|a| a.value_type),
            Some("string[]")
        );
        assert!(
            r.attribute("http.request.header").is_none(),
            "a template is not a key"
        );
        assert!(r.attribute("code.module.name").is_none());
        let duration = &r.metrics["http.server.request.duration"];
        assert_eq!((duration.kind, duration.unit), ("histogram", "s"));
        assert!(
            duration
                .attributes
                .contains(&("url.scheme", Requirement::Required))
        );
        assert_eq!(r.spans["span.http.server"].kind, "server");
        assert!(
            r.attribute("messaging.operation.type")
                .is_some_and(|a| a.deprecated_members.contains(&("publish", "renamed:send")))
        );
        assert!(
            r.attribute("gen_ai.token.type")
                .is_some_and(|a| a.deprecated_members.is_empty()),
            "a value a current member also has is not deprecated"
        );
        assert!(
            r.spans["span.messaging.send.producer"]
                .attributes
                .contains(&("messaging.operation.name", Requirement::Required))
        );
        let kafka = &r.spans["span.messaging.kafka.send.producer"];
        assert_eq!(kafka.kind, "producer", "a refinement has its base span's kind");
        assert!(
            kafka
                .attributes
                .contains(&("messaging.operation.name", Requirement::Required)),
            "a refinement holds its base span's attributes"
        );
        assert!(
            r.spans["span.messaging.kafka.receive.client"]
                .attributes
                .iter()
                .any(|(name, _)| *name == "kafka.cluster.id"),
            "the Kafka cluster id under its 1.45 name"
        );
        assert!(
            r.attribute("process.creation.time").is_some(),
            "the process entity's identifying attribute"
        );
        assert!(r.events.contains_key("exception"));
        assert!(
            r.attribute("gen_ai.provider.name")
                .is_some_and(|a| a.deprecation.is_none())
        );
    }
}
