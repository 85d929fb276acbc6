//! The PII rules end to end, through `init()` and a real collector (rotel) relaying to
//! the in-process one: SSNs scrubbed, IP addresses cut, e-mail and phone keys hashed,
//! from the environment's `OTEL_KIT_REDACT=pii` and from rules given in code. Skipped
//! without `TEST_OTLP_COLLECTOR_BIN`; the warning for a malformed value is not.

use std::time::Duration;

use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _};
use opentelemetry::trace::{TraceContextExt as _, Tracer as _, TracerProvider as _};
use opentelemetry::{Context, KeyValue};
use otel_kit_init::Telemetry;
use otel_kit_init::redaction::{IpPrefixes, Redaction, Scrub};
use otel_kit_testing::{AttributeValue, Protocol, Rotel, TestCollector};

use super::pipeline::{shutdown, text};
use crate::support::env;

const WAIT: Duration = Duration::from_secs(15);
const SECRET: &str = "0123456789abcdef-pii-secret";

/// The pipeline tests' `init`, over OTLP/gRPC (rotel's receiver).
fn init(endpoint: &str, redaction: Option<Redaction>, extra: &[(&str, &str)]) -> Telemetry {
    let mut pairs = vec![("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")];
    pairs.extend_from_slice(extra);
    super::pipeline::init(endpoint, redaction, &pairs)
}

/// A span, an event and a log record carrying the PII the guides name.
fn emit(t: &Telemetry) {
    let tracer = t.tracer_provider().tracer("app");
    let logger = t.logger_provider().logger("app");
    tracer.in_span("signup", |cx: Context| {
        let span = cx.span();
        span.set_attributes([
            KeyValue::new("client.address", "203.0.113.7"),
            KeyValue::new(
                "network.peer.address",
                "2001:db8:85a3:8d3:1319:8a2e:370:7348%eth0",
            ),
            KeyValue::new("server.address", "orders.internal.example.com"),
            KeyValue::new("user.email", "ada@example.com"),
            KeyValue::new("user.phone", "+1 202 555 0143"),
            KeyValue::new(
                "app.note",
                "ssn 078-05-1120, card 4111 1111 1111 1111, mail ada@example.com",
            ),
            KeyValue::new(
                "app.not_ssn",
                "000-12-3456, 123-45-67890, 666-12-3456, 2024-05-01, 202-555-0143",
            ),
        ]);
        span.add_event(
            "peer",
            vec![
                KeyValue::new("client.address", "::ffff:198.51.100.23"),
                KeyValue::new("network.peer.address", "::1"),
                KeyValue::new("server.address", "[2001:db8:1234:5678::1]:8443"),
            ],
        );
        let mut record = logger.create_log_record();
        record.set_body("applicant 123 45 6789 from 198.51.100.23".into());
        record.add_attribute("client.address", "198.51.100.23");
        logger.emit(record);
    });
}

async fn through_rotel(
    redaction: Option<Redaction>,
    extra: &[(&str, &str)],
    check: impl Fn(&Telemetry, &Checks),
) {
    let Some(bin) = Rotel::binary_from_env() else {
        return;
    };
    let collector = TestCollector::start().await.expect("collector");
    let rotel = Rotel::start(&bin, &collector, Protocol::Grpc).expect("start rotel");
    let t = init(&rotel.grpc_endpoint(), redaction, extra);
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
    emit(&t);
    let spans = collector.wait_for_spans(1, WAIT).await;
    let logs = collector.wait_for_logs(1, WAIT).await;
    let span = spans.find("signup").expect("span");
    let checks = Checks {
        span: span.attributes.clone(),
        event: span.events[0].attributes.clone(),
        log_body: logs.as_slice()[0].body.clone(),
        log: logs.as_slice()[0].attributes.clone(),
    };
    check(&t, &checks);
    drop(rotel);
    shutdown(t).await;
}

struct Checks {
    span: Vec<(String, AttributeValue)>,
    event: Vec<(String, AttributeValue)>,
    log_body: AttributeValue,
    log: Vec<(String, AttributeValue)>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pii_preset_from_the_environment_applies_through_a_collector() {
    let env = [
        ("OTEL_KIT_REDACT", "pii"),
        ("OTEL_KIT_REDACT_HASH_SECRET", SECRET),
    ];
    through_rotel(None, &env, |t, c| {
        assert_eq!(text(&c.span, "client.address"), Some("203.0.0.0"));
        assert_eq!(
            text(&c.span, "network.peer.address"),
            Some("2001:db8:85a3::"),
            "the zone goes too"
        );
        assert_eq!(
            text(&c.span, "server.address"),
            Some("orders.internal.example.com"),
            "a host name stays"
        );
        let hashed = Redaction::pii_hashed(SECRET).build().expect("rules");
        assert_eq!(
            text(&c.span, "user.email"),
            hashed.hash("ada@example.com").as_deref()
        );
        assert_eq!(
            text(&c.span, "user.phone"),
            hashed.hash("+1 202 555 0143").as_deref()
        );
        assert_eq!(
            text(&c.span, "app.note"),
            Some("ssn [REDACTED:ssn], card [REDACTED:card], mail [REDACTED:email]")
        );
        assert_eq!(
            text(&c.span, "app.not_ssn"),
            Some("000-12-3456, 123-45-67890, 666-12-3456, 2024-05-01, 202-555-0143"),
            "near-misses are kept"
        );
        assert_eq!(text(&c.event, "client.address"), Some("::ffff:198.51.0.0"));
        assert_eq!(
            text(&c.event, "network.peer.address"),
            Some("::1"),
            "loopback is kept"
        );
        assert_eq!(text(&c.event, "server.address"), Some("[2001:db8:1234::]:8443"));
        assert_eq!(
            c.log_body,
            AttributeValue::String("applicant [REDACTED:ssn] from 198.51.100.23".into()),
            "a body is no address key: only scrubbed"
        );
        assert_eq!(text(&c.log, "client.address"), Some("198.51.0.0"));
        assert!(
            t.effective_config()
                .to_string()
                .contains("redaction=[drop=11 hash=4 scrub=email,card,ssn,bearer,jwt ip=/16,/48]"),
            "{}",
            t.effective_config()
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssn_and_ip_truncation_given_in_code_apply_through_a_collector() {
    let rules = Redaction::default()
        .scrub([Scrub::Ssn])
        .truncate_ip_addresses(IpPrefixes::new(24, 64));
    through_rotel(Some(rules), &[], |_, c| {
        assert_eq!(text(&c.span, "client.address"), Some("203.0.113.0"));
        assert_eq!(text(&c.span, "network.peer.address"), Some("2001:db8:85a3:8d3::"));
        assert_eq!(
            text(&c.span, "user.email"),
            Some("ada@example.com"),
            "not in these rules"
        );
        assert_eq!(
            text(&c.span, "app.note"),
            Some("ssn [REDACTED:ssn], card [REDACTED:card], mail ada@example.com")
        );
        assert_eq!(text(&c.event, "client.address"), Some("::ffff:198.51.100.0"));
        assert_eq!(text(&c.log, "client.address"), Some("198.51.100.0"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_preset_addresses_and_ssns_are_kept() {
    through_rotel(None, &[], |_, c| {
        assert_eq!(text(&c.span, "client.address"), Some("203.0.113.7"));
        assert_eq!(
            text(&c.span, "app.note"),
            Some("ssn 078-05-1120, card [REDACTED:card], mail ada@example.com")
        );
    })
    .await;
}

#[test]
fn a_malformed_value_warns_once_and_the_preset_default_applies() {
    let t = otel_kit_init::builder()
        .without_globals()
        .exporter(otel_kit_init::Exporter::None)
        .environment(env(&[
            ("OTEL_SERVICE_NAME", "shop"),
            ("OTEL_KIT_REDACT", "pii"),
            ("OTEL_KIT_REDACT_TRUNCATE_IP", "/64"),
        ]))
        .init()
        .expect("init");
    assert_eq!(
        t.warnings(),
        [
            "OTEL_KIT_REDACT_TRUNCATE_IP=\"/64\" is not none, default (16,48) or two prefix lengths <IPv4>,<IPv6> such as 24,48 (at most 32 and 128); using 16,48"
        ]
    );
    assert_eq!(
        t.effective_config().redaction.truncate_ip,
        Some(IpPrefixes::DEFAULT)
    );
}
