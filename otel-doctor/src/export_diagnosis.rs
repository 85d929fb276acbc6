//! What one test export's outcome means: the symptom recognised (refused, wrong
//! protocol, TLS, proxy, no answer, the collector's own answer) and the fix.

use std::time::Duration;

use otel_kit_init::Signal;
use otel_kit_otlp::{ExportSettings, Protocol, SettingsWarning, printable_endpoint};

use crate::finding::{Finding, Severity};

/// How one export ended.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The collector took it; what the exporter said while building.
    Accepted(Vec<SettingsWarning>),
    /// The exporter answered an error.
    Failed(String, Vec<SettingsWarning>),
    /// Nothing within the deadline.
    NoAnswer(Duration, Vec<SettingsWarning>),
    /// The exporter could not be built.
    NotBuilt(String, Vec<SettingsWarning>),
}

/// One export and what surrounded it.
pub(crate) struct Attempt<'a> {
    pub(crate) signal: Signal,
    pub(crate) settings: &'a ExportSettings,
    pub(crate) outcome: Outcome,
    /// What the export side logged meanwhile (a partial success).
    pub(crate) logged: Vec<String>,
}

impl Attempt<'_> {
    fn endpoint(&self) -> String {
        printable_endpoint(&self.settings.endpoint_or_default(self.signal))
    }

    /// The proxy the export went through, if one applies to the endpoint.
    fn proxy(&self) -> Option<String> {
        let uri: http::Uri = self.settings.endpoint_or_default(self.signal).parse().ok()?;
        self.settings.proxy.as_ref()?.proxy_for(&uri)
    }

    /// `OTEL_EXPORTER_OTLP_<SIGNAL>_<suffix> (or OTEL_EXPORTER_OTLP_<suffix>)`.
    fn variable(&self, suffix: &str) -> String {
        format!(
            "OTEL_EXPORTER_OTLP_{}_{suffix} (or OTEL_EXPORTER_OTLP_{suffix})",
            self.signal.env_name()
        )
    }

    fn what(&self) -> String {
        format!(
            "{} to {} over {}{}",
            self.signal.as_str(),
            self.endpoint(),
            self.settings.protocol,
            self.proxy()
                .map(|p| format!(" through the proxy {p}"))
                .unwrap_or_default()
        )
    }
}

/// The findings of one attempt: the outcome, and what the exporter warned about.
pub(crate) fn diagnose(attempt: &Attempt<'_>) -> Vec<Finding> {
    let (main, warnings) = match &attempt.outcome {
        Outcome::Accepted(w) => (accepted(attempt), w),
        Outcome::Failed(message, w) => (failed(attempt, message), w),
        Outcome::NoAnswer(deadline, w) => (no_answer(attempt, *deadline), w),
        Outcome::NotBuilt(message, w) => (
            Finding::new(
                Severity::Error,
                "export",
                format!("{}: the exporter could not be built: {message}", attempt.what()),
                "init() would fail, or export nothing for this signal",
                "correct the setting the message names",
            ),
            w,
        ),
    };
    let mut findings = vec![main];
    for w in warnings {
        findings.push(Finding::new(
            Severity::Warning,
            "export",
            format!("{}: {w}", attempt.signal.as_str()),
            "the exporter left a setting out",
            "correct the setting the message names (its OTEL_EXPORTER_OTLP_* variable)",
        ));
    }
    findings
}

fn accepted(attempt: &Attempt<'_>) -> Finding {
    let partial: Vec<&String> = attempt
        .logged
        .iter()
        .filter(|l| l.contains("accepted the export only in part"))
        .collect();
    if let Some(line) = partial.first() {
        return Finding::new(
            Severity::Error,
            "export",
            format!(
                "{}: the collector answered a partial success: {line}",
                attempt.what()
            ),
            "the collector dropped part of what it was sent, and says why",
            "read the collector's reason: a limit, a refused attribute or a pipeline that drops the signal is configured on the collector",
        );
    }
    Finding::new(
        Severity::Info,
        "export",
        format!(
            "{}: the collector accepted the test {}",
            attempt.what(),
            item(attempt.signal)
        ),
        "the endpoint, protocol, TLS and proxy settings work",
        "nothing to fix; if the data still does not show, look at the collector's pipelines for this signal",
    )
}

fn item(signal: Signal) -> &'static str {
    match signal {
        Signal::Traces => "span",
        Signal::Metrics => "metric point",
        Signal::Logs => "log record",
    }
}

/// The other protocol (what a port that does not speak `protocol` probably speaks), and
/// the usual port of `protocol`.
fn other_and_port(protocol: Protocol) -> (&'static str, u16) {
    match protocol {
        Protocol::Grpc => ("http/protobuf", 4317),
        _ => ("grpc", 4318),
    }
}

fn no_answer(attempt: &Attempt<'_>, deadline: Duration) -> Finding {
    let through = attempt.proxy();
    let (why, fix) = match through {
        Some(proxy) => (
            format!("the proxy {proxy} (or the endpoint behind it) accepted the connection and never answered"),
            "check that the proxy forwards to the collector (HTTPS_PROXY, HTTP_PROXY, NO_PROXY); put the collector's host in NO_PROXY to go direct".to_owned(),
        ),
        None => (
            "something accepts connections at that address and never answers: a firewall that drops, a service that is not an OTLP collector, or a collector that hangs; every batch waits out the export timeout and the queue fills".to_owned(),
            format!(
                "point {} at the collector's OTLP port (4317 for grpc, 4318 for http/protobuf)",
                attempt.variable("ENDPOINT")
            ),
        ),
    };
    Finding::new(
        Severity::Error,
        "export",
        format!("{}: no answer within {} ms", attempt.what(), deadline.as_millis()),
        why,
        fix,
    )
}

/// The symptom a failed export's message shows.
fn failed(attempt: &Attempt<'_>, message: &str) -> Finding {
    // The OTLP/HTTP exporter's error names only the outermost cause ("client error
    // (Connect)"); its client logs the whole chain, caught meanwhile.
    let causes: Vec<&String> = attempt.logged.iter().filter(|l| l.contains("failed")).collect();
    let mut full = message.to_owned();
    for cause in &causes {
        full.push_str(" | ");
        full.push_str(cause);
    }
    let lower = full.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
    let protocol = attempt.settings.protocol;
    let (other, usual_port) = other_and_port(protocol);
    let endpoint_var = attempt.variable("ENDPOINT");
    let protocol_var = attempt.variable("PROTOCOL");
    if has(&["no answer within", "timed out", "deadline has elapsed"]) {
        return no_answer(attempt, attempt.settings.timeout);
    }
    let proxy = attempt.proxy();
    let (why, fix) = if let Some(proxy) = proxy.as_ref().filter(|_| has(&["proxy", "tunnel", "connect"])) {
        (
            format!("the proxy {proxy} refused or could not be reached: exports never leave the host"),
            "correct HTTPS_PROXY / HTTP_PROXY (or ALL_PROXY), or add the collector's host to NO_PROXY"
                .to_owned(),
        )
    } else if let Some(proxy) = proxy.as_ref().filter(|_| {
        has(&[
            "status code 500",
            "status code 502",
            "status code 503",
            "status code 504",
        ])
    }) {
        (
            format!(
                "the proxy {proxy} answered instead of the collector: it could not reach the endpoint (or refuses to)"
            ),
            format!(
                "check that the proxy can reach {} (its logs say why), or add the collector's host to NO_PROXY",
                attempt.endpoint()
            ),
        )
    } else if has(&["connection refused", "refused"]) {
        (
            "nothing listens at that address: wrong port or host, or the collector is down".to_owned(),
            format!(
                "point {endpoint_var} at the collector's OTLP port: 4317 for grpc, 4318 for http/protobuf"
            ),
        )
    } else if has(&[
        "unknownissuer",
        "unknown issuer",
        "invalid peer certificate",
        "certificate",
    ]) {
        (
            "the collector's TLS certificate is not signed by a CA this host trusts".to_owned(),
            format!(
                "set {}=/path/to/ca.pem (the CA that signed the collector's certificate)",
                attempt.variable("CERTIFICATE")
            ),
        )
    } else if attempt.settings.is_https()
        && has(&[
            "invalidcontenttype",
            "corrupt message",
            "wrong version",
            "invalid content type",
            "tls",
            "handshake",
        ])
    {
        (
            "https was asked of a port that speaks plain HTTP (or not HTTP at all): the TLS handshake fails"
                .to_owned(),
            format!("use http:// in {endpoint_var} if the collector has no TLS, or its TLS port"),
        )
    } else if has(&["dns", "lookup", "resolve", "name or service not known"]) {
        (
            "the collector's host name does not resolve".to_owned(),
            format!("correct the host in {endpoint_var}"),
        )
    } else if wrong_protocol(protocol, &lower) {
        (
            format!(
                "the port answers, but not in {protocol}: {other} is probably what it speaks (gRPC and HTTP are on different ports)"
            ),
            format!(
                "set {protocol_var}={other} (what this port speaks), or point {endpoint_var} at the collector's {protocol} port (usually {usual_port})"
            ),
        )
    } else if has(&["401", "403", "unauthenticated", "permission"]) {
        (
            "the collector refused the credentials".to_owned(),
            format!("set the headers it expects in {}", attempt.variable("HEADERS")),
        )
    } else if has(&["404", "not found", "unimplemented"]) {
        (
            "the collector has no OTLP receiver for this signal at that path".to_owned(),
            format!(
                "check {endpoint_var}: OTLP/HTTP paths end in /v1/traces, /v1/metrics, /v1/logs; enable the signal's receiver in the collector"
            ),
        )
    } else {
        (
            "the collector answered an error".to_owned(),
            "read the collector's message above; its logs say more".to_owned(),
        )
    };
    Finding::new(
        Severity::Error,
        "export",
        format!(
            "{}: {}",
            attempt.what(),
            shorten(causes.last().map_or(message, |c| c.as_str()))
        ),
        why,
        fix,
    )
}

/// Whether the message shows a gRPC client talking to an HTTP/1 port or an HTTP client
/// talking to a gRPC port.
fn wrong_protocol(protocol: Protocol, lower: &str) -> bool {
    let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
    match protocol {
        Protocol::Grpc => has(&[
            "h2 protocol error",
            "http2 error",
            "frame with invalid size",
            "invalid http version",
            "protocol error",
            "content-type",
            "status code 404",
            "status: unknown",
            "status: internal",
            "http/1",
        ]),
        _ => has(&[
            "http/2",
            "http2",
            "connection closed before message completed",
            "received unexpected message from connection",
            "incomplete message",
            "invalid http version",
            "415",
            "unsupported media type",
            "connection reset",
            "content-type",
        ]),
    }
}

/// At most 400 characters of a message.
fn shorten(message: &str) -> String {
    let mut end = message.len().min(400);
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = message[..end].to_owned();
    if end < message.len() {
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(outcome: Outcome, logged: &[&str], settings: &ExportSettings) -> Vec<Finding> {
        diagnose(&Attempt {
            signal: Signal::Traces,
            settings,
            outcome,
            logged: logged.iter().map(|l| (*l).to_owned()).collect(),
        })
    }

    #[test]
    fn a_partial_success_is_an_error_with_the_collectors_reason() {
        let settings = ExportSettings::new(Protocol::HttpProtobuf, "http://collector:4318/v1/traces");
        let found = attempt(
            Outcome::Accepted(Vec::new()),
            &["the OTLP collector accepted the export only in part: 1 spans rejected (attribute too long)"],
            &settings,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(
            found[0].finding.contains("1 spans rejected (attribute too long)"),
            "{found:?}"
        );
        let clean = attempt(Outcome::Accepted(Vec::new()), &[], &settings);
        assert_eq!(clean[0].severity, Severity::Info);
    }

    #[test]
    fn credentials_in_the_endpoint_are_not_printed() {
        let settings = ExportSettings::new(
            Protocol::HttpProtobuf,
            "http://user:s3cr3t@collector:4318/v1/traces",
        );
        let found = attempt(
            Outcome::Failed("HTTP status 401".to_owned(), Vec::new()),
            &[],
            &settings,
        );
        let text = format!("{found:?}");
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(found[0].why.contains("credentials"), "{found:?}");
    }

    #[test]
    fn an_unrecognised_message_is_still_an_error_and_long_ones_are_cut() {
        let settings = ExportSettings::new(Protocol::Grpc, "http://collector:4317");
        let long = "x".repeat(5000);
        let found = attempt(Outcome::Failed(long, Vec::new()), &[], &settings);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].finding.len() < 600, "{}", found[0].finding.len());
    }
}
