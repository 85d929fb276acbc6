//! Privacy assertions a team runs in its own tests: [`PrivacyCheck`] looks through every
//! captured span (name, status message, attributes, events, links), log record (body,
//! attributes) and metric point (attributes, exemplars' attributes), and the resource,
//! for personal data and credentials.
//!
//! The detectors are otel-kit-processors' redaction matchers ([`Scrub`]): e-mail
//! addresses, card numbers (Luhn-checked), US Social Security numbers, `Bearer`
//! credentials and JWTs, all on by default; IP addresses only when asked, since the
//! conventions record client and server addresses by design: [`PrivacyCheck::ip_addresses`]
//! looks at every attribute but the conventions' address attributes.

use std::fmt;
use std::net::IpAddr;

use otel_kit_processors::redaction::Redactor;
/// The kinds of value the redaction matchers find, and the redaction rules
/// ([`TestTelemetryBuilder::redaction`](crate::TestTelemetryBuilder::redaction)); otel-kit-processors'.
pub use otel_kit_processors::redaction::{Redaction, Scrub};
use otel_kit_semconv::attribute as a;

use crate::assert::{Logs, Metrics, Spans};
use crate::model::{AttributeValue, MetricData};
use crate::{LogRecord, SpanRecord, TestTelemetry};

/// The attributes the conventions fill with addresses on purpose; an IP address there is
/// not reported.
pub const ADDRESS_ATTRIBUTES: [&str; 8] = [
    a::CLIENT_ADDRESS,
    a::SERVER_ADDRESS,
    a::NETWORK_PEER_ADDRESS,
    a::NETWORK_LOCAL_ADDRESS,
    a::SOURCE_ADDRESS,
    a::DESTINATION_ADDRESS,
    a::HOST_IP,
    a::URL_DOMAIN,
];

/// What kind of value a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Detector {
    /// One of the redaction matchers.
    Scrub(Scrub),
    /// An IPv4 or IPv6 address (not loopback), outside [`ADDRESS_ATTRIBUTES`].
    IpAddress,
}

impl fmt::Display for Detector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Detector::Scrub(kind) => write!(f, "{kind}"),
            Detector::IpAddress => f.write_str("ip address"),
        }
    }
}

/// One value a detector matched: where it is, and the value with the match masked.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The item: `span "GET /users" (trace 4bf9…)`, `log record "signed up"`, `metric
    /// "orders"`, `resource`.
    pub item: String,
    /// The attribute (`event "exception" exception.message`, `body`, `name`, ...).
    pub attribute: String,
    /// What matched.
    pub detector: Detector,
    /// The value, each match replaced by its marker (`[REDACTED:email]`, `[IP]`).
    pub masked: String,
    /// The trace it belongs to, when it belongs to one.
    pub trace_id: Option<String>,
}

/// Which detectors look for what, over everything a [`TestTelemetry`] captured.
///
/// ```
/// use otel_kit_testing::TestTelemetry;
/// use otel_kit_testing::privacy::PrivacyCheck;
///
/// let t = TestTelemetry::new();
/// t.in_scope(|| tracing::info!(user.id = 42, "signed up"));
/// t.assert_no_personal_data();
/// // With IP addresses too (outside the conventions' address attributes):
/// PrivacyCheck::new().ip_addresses().assert(&t);
/// ```
#[derive(Clone)]
#[must_use]
pub struct PrivacyCheck {
    kinds: Vec<Scrub>,
    redactor: Redactor,
    ip_addresses: bool,
}

impl Default for PrivacyCheck {
    fn default() -> Self {
        Self::with(Scrub::ALL.to_vec(), false)
    }
}

impl fmt::Debug for PrivacyCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivacyCheck")
            .field("kinds", &self.kinds)
            .field("ip_addresses", &self.ip_addresses)
            .finish()
    }
}

impl PrivacyCheck {
    /// Every redaction matcher: e-mail, card, SSN, bearer, JWT; no IP addresses.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only these matchers (and IP addresses if asked).
    ///
    /// ```
    /// use otel_kit_testing::privacy::{PrivacyCheck, Scrub};
    ///
    /// let emails_only = PrivacyCheck::new().only([Scrub::Email]);
    /// # drop(emails_only);
    /// ```
    pub fn only(self, kinds: impl IntoIterator<Item = Scrub>) -> Self {
        Self::with(kinds.into_iter().collect(), self.ip_addresses)
    }

    /// Also reports IP addresses (not loopback) in every attribute but
    /// [`ADDRESS_ATTRIBUTES`].
    pub fn ip_addresses(mut self) -> Self {
        self.ip_addresses = true;
        self
    }

    fn with(kinds: Vec<Scrub>, ip_addresses: bool) -> Self {
        let redactor = Redaction::none()
            .scrub(kinds.iter().copied())
            .build()
            .expect("scrub rules alone are always valid");
        PrivacyCheck {
            kinds,
            redactor,
            ip_addresses,
        }
    }

    /// Everything `telemetry` captured that a detector matches.
    pub fn findings(&self, telemetry: &TestTelemetry) -> Vec<Finding> {
        self.findings_in(&telemetry.spans(), &telemetry.logs(), &telemetry.metrics())
    }

    /// What a detector matches in these spans, log records and metrics (read from a
    /// [`TestCollector`](crate::TestCollector) as well as from the harness).
    pub fn findings_in(&self, spans: &Spans, logs: &Logs, metrics: &Metrics) -> Vec<Finding> {
        let mut found = Vec::new();
        for span in spans.iter() {
            self.span(span, &mut found);
        }
        for record in logs.as_slice() {
            self.log(record, &mut found);
        }
        for metric in metrics.as_slice() {
            let item = format!("metric {:?}", metric.name);
            for (attributes, exemplars) in points(&metric.data) {
                self.attributes(&item, "", attributes, None, &mut found);
                for exemplar in exemplars {
                    let trace_id = exemplar.trace_id.clone();
                    self.attributes(
                        &item,
                        "exemplar ",
                        &exemplar.filtered_attributes,
                        trace_id,
                        &mut found,
                    );
                }
            }
        }
        let resource = spans
            .iter()
            .map(|s| &s.resource)
            .chain(logs.as_slice().iter().map(|r| &r.resource))
            .chain(metrics.as_slice().iter().map(|m| &m.resource))
            .next();
        if let Some(resource) = resource {
            self.attributes("resource", "", &resource.attributes, None, &mut found);
        }
        found.dedup();
        found
    }

    /// Panics when [`findings`](Self::findings) is not empty, naming each item,
    /// attribute and detector, with the waterfall of each trace involved.
    #[track_caller]
    pub fn assert(&self, telemetry: &TestTelemetry) {
        self.assert_in(&telemetry.spans(), &telemetry.logs(), &telemetry.metrics());
    }

    /// [`assert`](Self::assert) over spans, log records and metrics read elsewhere.
    #[track_caller]
    pub fn assert_in(&self, spans: &Spans, logs: &Logs, metrics: &Metrics) {
        let found = self.findings_in(spans, logs, metrics);
        if found.is_empty() {
            return;
        }
        let mut message = format!("{} personal or secret value(s) in the telemetry:\n", found.len());
        for f in &found {
            message.push_str(&format!(
                "  {} {}: {} ({:?})\n",
                f.item, f.attribute, f.detector, f.masked
            ));
        }
        let mut traces: Vec<&str> = found.iter().filter_map(|f| f.trace_id.as_deref()).collect();
        traces.sort_unstable();
        traces.dedup();
        for trace_id in traces {
            let trace = spans.in_trace(trace_id);
            if !trace.is_empty() {
                message.push_str(&format!("\ntrace {trace_id}:\n{}", trace.waterfall()));
            }
        }
        panic!("{message}");
    }

    fn span(&self, span: &SpanRecord, found: &mut Vec<Finding>) {
        let item = format!("span {:?} (trace {})", span.name, span.trace_id);
        let trace_id = Some(span.trace_id.clone());
        self.value(
            &item,
            "name",
            &AttributeValue::String(span.name.clone()),
            trace_id.clone(),
            found,
        );
        if let opentelemetry::trace::Status::Error { description } = &span.status {
            let message = AttributeValue::String(description.to_string());
            self.value(&item, "status message", &message, trace_id.clone(), found);
        }
        self.attributes(&item, "", &span.attributes, trace_id.clone(), found);
        for event in &span.events {
            let prefix = format!("event {:?} ", event.name);
            self.attributes(&item, &prefix, &event.attributes, trace_id.clone(), found);
        }
        for link in &span.links {
            let prefix = format!("link to {} ", link.span_id);
            self.attributes(&item, &prefix, &link.attributes, trace_id.clone(), found);
        }
    }

    fn log(&self, record: &LogRecord, found: &mut Vec<Finding>) {
        let body = match &record.body {
            AttributeValue::String(s) => s.chars().take(40).collect::<String>(),
            other => other.type_name().to_owned(),
        };
        let item = format!("log record {body:?}");
        let trace_id = record.trace_id.clone();
        self.value(&item, "body", &record.body, trace_id.clone(), found);
        self.attributes(&item, "", &record.attributes, trace_id, found);
    }

    fn attributes(
        &self,
        item: &str,
        prefix: &str,
        attributes: &[(String, AttributeValue)],
        trace_id: Option<String>,
        found: &mut Vec<Finding>,
    ) {
        for (key, value) in attributes {
            self.value(item, &format!("{prefix}{key}"), value, trace_id.clone(), found);
        }
    }

    /// Checks one value (arrays and maps through their members).
    fn value(
        &self,
        item: &str,
        key: &str,
        value: &AttributeValue,
        trace_id: Option<String>,
        found: &mut Vec<Finding>,
    ) {
        let text = match value {
            AttributeValue::String(s) => s.clone(),
            // A card number kept as an integer is still one.
            AttributeValue::Int(n) if self.kinds.contains(&Scrub::Card) => n.to_string(),
            AttributeValue::Array(values) => {
                for (i, member) in values.iter().enumerate() {
                    self.value(item, &format!("{key}[{i}]"), member, trace_id.clone(), found);
                }
                return;
            }
            AttributeValue::Map(entries) => {
                for (k, member) in entries {
                    self.value(item, &format!("{key}.{k}"), member, trace_id.clone(), found);
                }
                return;
            }
            _ => return,
        };
        let mut push = |detector, masked| {
            found.push(Finding {
                item: item.to_owned(),
                attribute: key.to_owned(),
                detector,
                masked,
                trace_id: trace_id.clone(),
            });
        };
        if let Some(masked) = self.redactor.scrub(&text) {
            for kind in &self.kinds {
                if masked.contains(kind.marker()) {
                    push(Detector::Scrub(*kind), masked.clone());
                }
            }
        }
        // The last part of an attribute name: `http.request.header.x-forwarded-for` is
        // not an address attribute, `client.address` is.
        if self.ip_addresses
            && !ADDRESS_ATTRIBUTES.contains(&key)
            && let Some(masked) = mask_ip_addresses(&text)
        {
            push(Detector::IpAddress, masked);
        }
    }
}

/// A point's attributes and its exemplars.
type PointParts<'a> = (&'a [(String, AttributeValue)], &'a [crate::ExemplarRecord]);

/// Each point's attributes and its exemplars.
fn points(data: &MetricData) -> Vec<PointParts<'_>> {
    match data {
        MetricData::Gauge(points) | MetricData::Sum { points, .. } => points
            .iter()
            .map(|p| (p.attributes.as_slice(), p.exemplars.as_slice()))
            .collect(),
        MetricData::Histogram { points, .. } | MetricData::ExponentialHistogram { points, .. } => points
            .iter()
            .map(|p| (p.attributes.as_slice(), p.exemplars.as_slice()))
            .collect(),
        MetricData::Summary(points) => points
            .iter()
            .map(|p| (p.attributes.as_slice(), &[][..]))
            .collect(),
        MetricData::Empty => Vec::new(),
    }
}

/// `text` with every IP address in it (not loopback or unspecified) replaced by `[IP]`;
/// `None` when there is none. A candidate is a run of hex digits, dots and colons (with
/// an IPv6 zone), as wide as it goes.
fn mask_ip_addresses(text: &str) -> Option<String> {
    let is_part = |c: char| c.is_ascii_hexdigit() || c == '.' || c == ':';
    let mut out = String::with_capacity(text.len());
    let mut any = false;
    let mut rest = text;
    while let Some(start) = rest.find(is_part) {
        let end = rest[start..]
            .find(|c: char| !is_part(c))
            .map_or(rest.len(), |n| start + n);
        let candidate = rest[start..end].trim_end_matches(['.', ':']);
        out.push_str(&rest[..start]);
        // A port after an IPv4 address (`203.0.113.7:443`) is not part of it.
        // The address and how much of the candidate it takes.
        let address = candidate
            .parse::<IpAddr>()
            .ok()
            .map(|ip| (ip, candidate.len()))
            .or_else(|| {
                let (ip, _port) = candidate.rsplit_once(':')?;
                Some((ip.parse::<IpAddr>().ok()?, ip.len()))
            });
        match address {
            Some((ip, len)) if !ip.is_loopback() && !ip.is_unspecified() => {
                any = true;
                out.push_str("[IP]");
                out.push_str(&rest[start + len..end]);
            }
            _ => out.push_str(&rest[start..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    any.then_some(out)
}

impl TestTelemetry {
    /// Panics if anything captured holds an e-mail address, a card number, an SSN, a
    /// `Bearer` credential or a JWT, naming the item, attribute and detector, with the
    /// waterfall of the trace: [`PrivacyCheck::new`]`.assert(self)`.
    ///
    /// ```should_panic
    /// use otel_kit_testing::TestTelemetry;
    ///
    /// let t = TestTelemetry::new();
    /// t.in_scope(|| tracing::info_span!("signup", user.email = "ada@example.com").in_scope(|| {}));
    /// t.assert_no_personal_data(); // panics: span "signup" user.email: email
    /// ```
    #[track_caller]
    pub fn assert_no_personal_data(&self) {
        PrivacyCheck::new().assert(self);
    }
}

#[cfg(test)]
mod tests {
    use super::mask_ip_addresses;

    #[test]
    fn ip_addresses_in_text_are_found_and_others_left() {
        assert_eq!(
            mask_ip_addresses("from 203.0.113.7:443 via 2001:db8::7").as_deref(),
            Some("from [IP]:443 via [IP]")
        );
        for clean in [
            "127.0.0.1",
            "::1",
            "version 1.2.3",
            "deadbeef",
            "12:30",
            "a.b.c",
            "0.0.0.0",
        ] {
            assert_eq!(mask_ip_addresses(clean), None, "{clean}");
        }
    }
}
