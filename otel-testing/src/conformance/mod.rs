//! Conformance to the semantic-conventions registry: every attribute of every span, span
//! event and link, metric point, log record and resource checked against the facts
//! generated for semantic conventions 1.45.0 (from its npm package over the model of
//! 1.44.0, `otel_kit_semconv::SEMCONV_SOURCE`; v1.41.0 for GenAI, their last release).
//! The `conformance` cargo feature.
//!
//! What the npm package does not carry is unknown to the registry for the names new in
//! 1.45.0 (an attribute's type, a new metric's instrument, unit and attributes, the
//! requirement levels of the attributes 1.45.0 deprecates and of their replacements):
//! those facts are not checked, and [`Report::unknown_facts`] lists the ones met.
//!
//! For each attribute: a registered name (exact, or under a template such as
//! `http.request.header.<key>`) or one in a namespace the application declares as its
//! own; the registered type; not deprecated; an enum's value one of its members
//! (`error.type` excepted: any value is allowed there). For each span of a known kind
//! (HTTP, RPC, database, GenAI client and server spans) and each registered metric and
//! log event: the Required attributes present, and the Conditionally Required ones
//! whose condition can be read from the data (`error.type` when the span's status is
//! Error, `rpc.method_original` and `http.request.method_original` when the method is
//! `_OTHER`). For each metric: a registered name with its unit and instrument. For each
//! log record with an event name: a registered event.
//!
//! Beyond the attributes:
//! - **Enum members** that the registry deprecates (`messaging.operation.type` =
//!   `publish`) are violations, as deprecated names are.
//! - **Messaging spans** (identified by `messaging.system.name`) meet the requirements of
//!   the span of their operation type and kind (`messaging.send.producer`), refined by
//!   their system's where the conventions have one (`messaging.rabbitmq.send.producer`).
//! - **Span kinds**: HTTP and RPC spans are SERVER or CLIENT, each DB and GenAI span has
//!   its group's kind (an inference span may be INTERNAL too), and a messaging span the
//!   kind its `messaging.operation.type` gives (create: PRODUCER, send: PRODUCER or
//!   CLIENT, receive and settle: CLIENT, process: CONSUMER).
//! - **Span names** follow their domain's format: HTTP `{method} {target}` (`HTTP` for
//!   `_OTHER`), RPC `{rpc.method}`, DB `{db.query.summary}` else `{db.operation.name}
//!   {target}` else `{target}` else `{db.system.name}`, messaging
//!   `{messaging.operation.name} {destination}` (the template when there is one), GenAI
//!   `{gen_ai.operation.name} {model, tool, agent, ...}`.
//! - **A metric's own attributes**: a key that is registered, but not on that metric's
//!   list (`url.full` on `http.server.request.duration`), is a violation.
//! - **Custom metrics' names and units** (a metric in a custom namespace) follow the
//!   OpenTelemetry naming guidance, as `otel_kit_core::app_metrics` builders enforce it:
//!   lowercase dot-separated segments, no unit and no `_total` in the name, and a UCUM
//!   unit (`s`, `By`, `1`, `{order}`; not `seconds`).
//! - **Exception events** (`exception` and each domain's `*.exception` log event) carry
//!   `exception.type` or `exception.message`.
//!
//! ```
//! use opentelemetry::trace::SpanKind;
//! use otel_kit_testing::{Conformance, TestTelemetry};
//!
//! let t = TestTelemetry::new();
//! t.in_scope(|| {
//!     tracing::info_span!("GET /orders", otel.kind = "server", http.method = "GET").in_scope(|| {});
//! });
//! let report = Conformance::semconv().check_spans(&t.spans()).report();
//! assert_eq!(report.violations().len(), 1);
//! assert!(report.violations()[0].to_string().contains("http.method: deprecated"));
//! ```

mod check;
mod registry;
mod span_rules;

use std::fmt;

use crate::{Logs, Metrics, Spans};

use registry::Registry;

/// A check in progress: the namespaces the application owns, what was checked so far,
/// and what did not conform.
#[derive(Debug)]
#[must_use = "read the result with `report()`"]
pub struct Conformance {
    registry: &'static Registry,
    custom: Vec<String>,
    report: Report,
}

impl Conformance {
    /// A check against the registry this crate was generated from. The kit's own
    /// documented namespaces (`tokio`, otel-kit-init's runtime metrics: the
    /// conventions define no Rust runtime) are accepted as custom ones.
    pub fn semconv() -> Self {
        let kit = Conformance {
            registry: Registry::semconv(),
            custom: Vec::new(),
            report: Report::default(),
        };
        otel_kit_core::kit_names::KIT_NAMESPACES
            .iter()
            .fold(kit, |check, namespace| check.custom_namespace(*namespace))
    }

    /// Declares `namespace` (`shop`, `app.checkout`) as the application's own:
    /// attributes and metrics under `namespace.` are not looked up in the registry, as
    /// the naming guidance asks for custom names.
    pub fn custom_namespace(mut self, namespace: impl Into<String>) -> Self {
        let mut prefix = namespace.into();
        if !prefix.ends_with('.') {
            prefix.push('.');
        }
        self.custom.push(prefix);
        self
    }

    /// Checks every span, its events and links, and each span's resource once.
    pub fn check_spans(mut self, spans: &Spans) -> Self {
        for span in spans.iter() {
            self.checker().span(span);
        }
        self
    }

    /// Checks every metric and its points.
    pub fn check_metrics(mut self, metrics: &Metrics) -> Self {
        for metric in metrics.as_slice() {
            self.checker().metric(metric);
        }
        self
    }

    /// Checks every log record.
    pub fn check_logs(mut self, logs: &Logs) -> Self {
        for record in logs.as_slice() {
            self.checker().log(record);
        }
        self
    }

    /// What was checked and what did not conform.
    pub fn report(self) -> Report {
        self.report
    }

    fn checker(&mut self) -> check::Checker<'_> {
        check::Checker {
            registry: self.registry,
            custom: &self.custom,
            report: &mut self.report,
        }
    }
}

/// The outcome of a [`Conformance`] check. Its `Display` is one line of counts.
#[derive(Debug, Default, Clone)]
pub struct Report {
    attributes: usize,
    spans: usize,
    metric_points: usize,
    log_records: usize,
    resources: usize,
    requirements: usize,
    kinds: usize,
    names: usize,
    conditions_unread: usize,
    unknown: Vec<String>,
    violations: Vec<Violation>,
    resources_seen: Vec<Vec<(String, crate::AttributeValue)>>,
}

impl Report {
    /// Attribute values checked, resource attributes included.
    pub fn attributes_checked(&self) -> usize {
        self.attributes
    }

    /// Required (and readable Conditionally Required) attributes checked for presence.
    pub fn requirements_checked(&self) -> usize {
        self.requirements
    }

    /// Spans whose kind was checked against their conventions.
    pub fn kinds_checked(&self) -> usize {
        self.kinds
    }

    /// Spans whose name was checked against their conventions' name format.
    pub fn names_checked(&self) -> usize {
        self.names
    }

    /// Conditionally Required attributes whose condition cannot be read from the data
    /// (e.g. "if available"), so their absence is not a violation.
    pub fn conditions_not_readable(&self) -> usize {
        self.conditions_unread
    }

    /// The facts met that the registry does not know, so not checked (`kafka.offset: its
    /// type`), each once, in the order met: the facts a release read from its npm package
    /// does not carry (the module's documentation).
    pub fn unknown_facts(&self) -> &[String] {
        &self.unknown
    }

    /// What did not conform, in the order found.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Panics listing every violation, if there is one.
    #[track_caller]
    pub fn assert_conforms(&self) {
        if !self.violations.is_empty() {
            let list: Vec<String> = self.violations.iter().map(|v| format!("  {v}")).collect();
            panic!("{self}\n{}", list.join("\n"));
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "registry check: {} attributes on {} spans, {} metric points, {} log records and {} resources; \
             {} requirements checked ({} conditions not readable from the data), {} span kinds and {} span names; \
             {} violations",
            self.attributes,
            self.spans,
            self.metric_points,
            self.log_records,
            self.resources,
            self.requirements,
            self.conditions_unread,
            self.kinds,
            self.names,
            self.violations.len()
        )?;
        if !self.unknown.is_empty() {
            write!(
                f,
                "; not checked, unknown to the registry: {}",
                self.unknown.join(", ")
            )?;
        }
        Ok(())
    }
}

/// One thing that does not conform: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The span, metric, log record or resource it was found on.
    pub location: String,
    /// What is wrong, starting with the attribute or metric name.
    pub problem: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.problem)
    }
}
