//! The fast path against the rules applied the plain way, on random and adversarial
//! attributes: each pattern matched on its own, every value through the exact matchers
//! alone. The only intended difference is the one `known_keys::NOT_SCANNED` makes.

use std::sync::Arc;

use opentelemetry::{Array, Key, KeyValue, StringValue, Value};
use proptest::prelude::*;

use super::glob::Pattern;
use super::ip_address::IP_ADDRESS_KEYS;
use super::known_keys::{NOT_SCANNED, SCANNED};
use super::matchers::{is_card_int, scan};
use super::redactor::Redactor;
use super::rules::{DEFAULT_DROP_KEYS, Redaction};
use super::scrub::Scrub;

/// What the rules did before the fast path, attribute by attribute.
fn reference(rules: &Redaction, redactor: &Redactor, attributes: &[KeyValue]) -> Vec<KeyValue> {
    let compile = |p: &[String]| -> Vec<Pattern> { p.iter().map(|p| Pattern::new(p.trim())).collect() };
    let drop = compile(rules.drop_patterns());
    let hash = if rules.secret().is_some() {
        compile(rules.hash_patterns())
    } else {
        Vec::new()
    };
    let set = rules.scrub_set();
    let scrub = |s: &StringValue| scan(s.as_str(), set).map_or_else(|| s.clone(), StringValue::from);
    let mut out = Vec::new();
    for kv in attributes {
        let key = kv.key.as_str();
        let value = if drop.iter().any(|p| p.matches(key)) {
            continue;
        } else if hash.iter().any(|p| p.matches(key)) {
            Value::from(redactor.hash(&kv.value.as_str()).expect("a secret"))
        } else if let Some(cut) = address(rules, redactor, key, &kv.value) {
            Value::from(cut)
        } else if NOT_SCANNED.contains(&key) && matches!(kv.value, Value::String(_) | Value::I64(_)) {
            kv.value.clone()
        } else {
            match &kv.value {
                Value::String(s) => Value::String(scrub(s)),
                Value::I64(n) if set.contains(Scrub::Card) && is_card_int(*n) => {
                    Value::from("[REDACTED:card]")
                }
                Value::Array(Array::String(items)) => {
                    Value::Array(Array::String(items.iter().map(scrub).collect()))
                }
                other => other.clone(),
            }
        };
        out.push(KeyValue::new(kv.key.clone(), value));
    }
    out
}

/// An IP address under one of the address keys, cut, when the rules cut them.
fn address(rules: &Redaction, redactor: &Redactor, key: &str, value: &Value) -> Option<String> {
    match value {
        Value::String(s) if rules.ip_prefixes().is_some() && IP_ADDRESS_KEYS.contains(&key) => {
            redactor.truncate_ip(s.as_str())
        }
        _ => None,
    }
}

fn rule_sets() -> Vec<Redaction> {
    vec![
        Redaction::default(),
        Redaction::default()
            .hash_keys(["enduser.*", "user.id", "url.path"], "0123456789abcdef-secret")
            .scrub([Scrub::Email]),
        Redaction::none().scrub(Scrub::ALL),
        Redaction::pii(),
        Redaction::pii_hashed("0123456789abcdef-secret").drop_keys(["server.*"]),
        Redaction::none().drop_keys(["http.request.*", "*.ADDRESS", "app.*.secret*"]),
        Redaction::none(),
    ]
}

/// Static keys (decided by address once a list's shape is cached) and owned ones
/// (always by their bytes), the same names among both.
fn key() -> impl Strategy<Value = Key> {
    let known: Vec<&'static str> = NOT_SCANNED.iter().chain(SCANNED).copied().collect();
    let named = vec![
        "user.email",
        "user.id",
        "user.password",
        "enduser.pseudo.id",
        "app.note",
        "attempt",
        "reason",
    ];
    prop_oneof![
        prop::sample::select(known.clone()).prop_map(Key::from_static_str),
        prop::sample::select(known.clone()).prop_map(|k| Key::from(k.to_owned())),
        // A known key in another case is another key: decided by the patterns, scanned.
        prop::sample::select(known).prop_map(|k| Key::from(k.to_ascii_uppercase())),
        prop::sample::select(DEFAULT_DROP_KEYS.to_vec()).prop_map(|p| Key::from(p.replace('*', "x."))),
        prop::sample::select(named.clone()).prop_map(Key::from_static_str),
        prop::sample::select(named).prop_map(|k| Key::from(Arc::<str>::from(k))),
        "[a-zA-Z_.*-]{0,50}".prop_map(Key::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("4111 1111 1111 1111".to_owned()),
        Just("5500-0000-0000-0004".to_owned()),
        Just("Bearer abcdef0123456789".to_owned()),
        Just("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln".to_owned()),
        Just("ada@example.com".to_owned()),
        Just("/api/v1/orders/8812".to_owned()),
        Just("123-45-6789".to_owned()),
        Just("203.0.113.7".to_owned()),
        Just("2001:db8:85a3::7".to_owned()),
        "[0-9 .@eyJbB-]{1,8}",
        "[a-zA-Z0-9/ ]{1,12}",
    ];
    prop::collection::vec(piece, 0..6).prop_map(|p| p.concat())
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => text().prop_map(Value::from),
        1 => prop_oneof![Just(4111111111111111_i64), Just(4111111111111112), any::<i64>()].prop_map(Value::I64),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => prop::collection::vec(text().prop_map(StringValue::from), 0..3)
            .prop_map(|items| Value::Array(Array::String(items))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Every rule set, three times on the same thread (then through the key cache and
    /// the cached shape), with two other lists in between: the first half alone, and one
    /// with the same first and last keys and length but other keys between (the same
    /// slot of the shape cache).
    #[test]
    fn redact_attributes_equals_the_rules_one_by_one(
        attributes in prop::collection::vec((key(), value()), 0..20),
        middle in prop::collection::vec(key(), 20),
    ) {
        let attributes: Vec<KeyValue> = attributes.into_iter().map(|(k, v)| KeyValue::new(k, v)).collect();
        let half = attributes[..attributes.len() / 2].to_vec();
        let mut other = attributes.clone();
        let inner = other.len().saturating_sub(1);
        for (kv, key) in other.iter_mut().take(inner).skip(1).zip(middle) {
            kv.key = key;
        }
        for rules in rule_sets() {
            let redactor = rules.build().expect("valid rules");
            for _ in 0..3 {
                for list in [&attributes, &half, &other] {
                    let want = reference(&rules, &redactor, list);
                    let mut got = list.clone();
                    redactor.redact_attributes(&mut got);
                    prop_assert_eq!(&got, &want, "{:?}", rules);
                }
            }
        }
    }
}
