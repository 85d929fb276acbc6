//! IP address truncation through the public `Redactor`: every accepted form, what is
//! left alone, and that only the three address keys are touched, in spans and logs.

use opentelemetry::logs::AnyValue;
use opentelemetry::{Key, KeyValue};
use otel_kit_processors::redaction::{IP_ADDRESS_KEYS, IpPrefixes, Redaction, Redactor};

fn cut(v4: u8, v6: u8) -> Redactor {
    Redaction::none()
        .truncate_ip_addresses(IpPrefixes::new(v4, v6))
        .build()
        .expect("rules")
}

#[test]
fn every_form_is_cut_to_its_prefix() {
    let r = cut(16, 48);
    for (input, want) in [
        ("203.0.113.7", "203.0.0.0"),
        ("203.0.113.7:443", "203.0.0.0:443"),
        ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::"),
        ("2001:DB8:85A3::7", "2001:db8:85a3::"),
        ("fe80::1ff:fe23:4567:890a%eth0", "fe80::"),
        ("fe80::1%25", "fe80::"),
        ("[2001:db8:85a3::7]", "[2001:db8:85a3::]"),
        ("[2001:db8:85a3::7%en0]:8443", "[2001:db8:85a3::]:8443"),
        ("::ffff:203.0.113.7", "::ffff:203.0.0.0"),
        ("[::ffff:203.0.113.7]:80", "[::ffff:203.0.0.0]:80"),
        ("::1%lo", "::1"), // the zone goes, the loopback address stays
    ] {
        assert_eq!(r.truncate_ip(input).as_deref(), Some(want), "{input}");
    }
    let r = cut(24, 64);
    assert_eq!(r.truncate_ip("203.0.113.7").as_deref(), Some("203.0.113.0"));
    assert_eq!(
        r.truncate_ip("2001:db8:85a3:8d3:1319::7").as_deref(),
        Some("2001:db8:85a3:8d3::")
    );
    assert_eq!(cut(0, 0).truncate_ip("203.0.113.7").as_deref(), Some("0.0.0.0"));
    assert_eq!(
        cut(32, 128).truncate_ip("203.0.113.7"),
        None,
        "full prefixes keep all"
    );
}

#[test]
fn what_is_no_address_or_needs_no_cut_is_left_alone() {
    let r = cut(16, 48);
    for kept in [
        "orders.internal.example.com",
        "localhost",
        "cafe",          // hex digits, no address
        "dead:beef",     // too few groups
        "203.0.113",     // three octets
        "203.0.113.256", // out of range
        "203.0.113.7:",  // no port
        "203.0.113.7:99999",
        "203.0.113.7:http",
        "[2001:db8::7",   // unclosed
        "[2001:db8::7]x", // trailing text
        "[203.0.113.7]",  // brackets are for IPv6
        "2001:db8::7%",   // an empty zone
        "::1",            // loopback
        "127.0.0.1",      // loopback
        "::",             // nothing left to cut
        "203.0.0.0",      // already cut
        "",
        " 203.0.113.7", // not as the conventions write it
    ] {
        assert_eq!(r.truncate_ip(kept), None, "{kept:?}");
    }
    let long = format!("2001:db8::7%{}", "z".repeat(1 << 16));
    assert_eq!(r.truncate_ip(&long), None, "longer than any address");
    assert_eq!(
        Redaction::default()
            .build()
            .expect("rules")
            .truncate_ip("203.0.113.7"),
        None,
        "off"
    );
}

#[test]
fn only_the_address_keys_are_cut_in_spans_and_logs() {
    let r = Redaction::default()
        .truncate_ip_addresses(IpPrefixes::DEFAULT)
        .build()
        .expect("rules");
    let mut attributes: Vec<KeyValue> = IP_ADDRESS_KEYS
        .iter()
        .chain(&["network.local.address", "app.client.address", "CLIENT.ADDRESS"])
        .map(|k| KeyValue::new(*k, "203.0.113.7"))
        .collect();
    r.redact_attributes(&mut attributes);
    let values: Vec<String> = attributes
        .iter()
        .map(|kv| kv.value.as_str().into_owned())
        .collect();
    assert_eq!(
        values,
        [
            "203.0.0.0",
            "203.0.0.0",
            "203.0.0.0",
            "203.0.113.7",
            "203.0.113.7",
            "203.0.113.7"
        ]
    );

    let log = AnyValue::Map(Box::new(
        [
            ("client.address".into(), AnyValue::from("2001:db8:85a3::7")),
            ("peer".into(), AnyValue::from("2001:db8:85a3::7")),
        ]
        .into_iter()
        .collect(),
    ));
    let Some(AnyValue::Map(map)) = r.redact_any_value(&log) else {
        panic!("the address in a map is cut");
    };
    assert_eq!(
        map.get(&Key::from("client.address")),
        Some(&AnyValue::from("2001:db8:85a3::"))
    );
    assert_eq!(
        map.get(&Key::from("peer")),
        Some(&AnyValue::from("2001:db8:85a3::7"))
    );
}

#[test]
fn a_value_that_is_no_address_is_still_scrubbed_and_a_dropped_key_still_drops() {
    let r = Redaction::pii()
        .drop_keys(["server.address"])
        .build()
        .expect("rules");
    let mut attributes = vec![
        KeyValue::new("client.address", "ada@example.com"),
        KeyValue::new("server.address", "203.0.113.7"),
    ];
    r.redact_attributes(&mut attributes);
    assert_eq!(attributes, [KeyValue::new("client.address", "[REDACTED:email]")]);
}
