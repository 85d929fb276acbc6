//! The compiled rules and how they apply to each kind of value.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use opentelemetry::baggage::Baggage;
use opentelemetry::logs::AnyValue;
use opentelemetry::trace::Status;
use opentelemetry::{Array, Key, KeyValue, StringValue, Value};
use opentelemetry_sdk::trace::SpanData;

use super::decision::{Action, Decision};
use super::decisions::KeyRules;
use super::glob::Pattern;
use super::ip_address::{self, IpPrefixes};
use super::matchers;
use super::prefilter::QuickLook;
use super::rules::{Redaction, RedactionError};
use super::scrub::{Scrub, ScrubSet};
use super::shape_cache;

/// Nested log values deeper than this are replaced whole (no unbounded recursion).
const MAX_DEPTH: usize = 16;
const HASH_PREFIX: &str = "hmac-sha256:";

/// Compiled [`Redaction`] rules, cheap to clone and shared by the span processor, the log
/// processor and the propagator. Every method is total: no input makes it panic or block.
///
/// ```
/// use otel_kit_processors::redaction::Redaction;
///
/// let r = Redaction::default().build()?;
/// assert_eq!(r.scrub("order 4111111111111112"), None); // fails the Luhn check
/// assert_eq!(r.scrub("card 4111111111111111").as_deref(), Some("card [REDACTED:card]"));
/// assert_eq!(r.scrub("Authorization: Bearer eyJhbGciOi.eyJzdWIi.c2ln").as_deref(),
///            Some("Authorization: [REDACTED:bearer]"));
/// # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
/// ```
#[derive(Clone)]
pub struct Redactor {
    inner: Arc<Inner>,
}

struct Inner {
    /// The drop and hash patterns, and their verdicts on the common keys.
    rules: KeyRules,
    /// HMAC-SHA256 keyed once with the secret; each hash starts from a copy.
    key: Option<hmac_sha256::HMAC>,
    scrub: ScrubSet,
    /// The first look at a short value, for `scrub`'s kinds.
    quick: QuickLook,
    /// Where IP addresses are cut, when they are.
    ip: Option<IpPrefixes>,
}

impl Redactor {
    pub(crate) fn new(rules: &Redaction) -> Self {
        let key = rules.secret().map(hmac_sha256::HMAC::new);
        let compile = |p: &[String]| p.iter().map(|p| Pattern::new(p.trim())).collect();
        let hash = if key.is_some() {
            compile(rules.hash_patterns())
        } else {
            Vec::new()
        };
        Redactor {
            inner: Arc::new(Inner {
                rules: KeyRules::new(
                    compile(rules.drop_patterns()),
                    hash,
                    rules.ip_prefixes().is_some(),
                ),
                key,
                scrub: rules.scrub_set(),
                quick: QuickLook::new(rules.scrub_set()),
                ip: rules.ip_prefixes(),
            }),
        }
    }

    /// Whether these rules change nothing at all.
    pub fn is_empty(&self) -> bool {
        let rules = &self.inner.rules;
        rules.drop_patterns().is_empty()
            && rules.hash_patterns().is_empty()
            && self.inner.scrub.is_empty()
            && self.inner.ip.is_none()
    }

    /// `value` cut to the rules' IP prefixes when it is an IP address; `None` when it is
    /// not one (a host name), is a loopback address, is already cut, or addresses are
    /// kept whole. Applied to the values of
    /// [`IP_ADDRESS_KEYS`](super::IP_ADDRESS_KEYS).
    ///
    /// ```
    /// use otel_kit_processors::redaction::{IpPrefixes, Redaction};
    ///
    /// let r = Redaction::none().truncate_ip_addresses(IpPrefixes::DEFAULT).build()?;
    /// assert_eq!(r.truncate_ip("[2001:db8:85a3::7%eth0]:443").as_deref(), Some("[2001:db8:85a3::]:443"));
    /// assert_eq!(r.truncate_ip("::ffff:203.0.113.7").as_deref(), Some("::ffff:203.0.0.0"));
    /// assert_eq!(r.truncate_ip("::1"), None, "loopback identifies no one");
    /// # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
    /// ```
    pub fn truncate_ip(&self, value: &str) -> Option<String> {
        ip_address::truncate(value, self.inner.ip?)
    }

    /// `value` with every scrubbed kind replaced by its marker; `None`, without
    /// allocating, when nothing matches.
    #[inline(always)]
    pub fn scrub(&self, value: &str) -> Option<String> {
        matchers::scrub(value, self.inner.scrub)
    }

    /// `hmac-sha256:` and the first 16 bytes of HMAC-SHA256(secret, `value`) in hex;
    /// `None` when no keys are hashed (no secret).
    ///
    /// ```
    /// use otel_kit_processors::redaction::Redaction;
    ///
    /// let a = Redaction::none().hash_keys(["enduser.id"], "0123456789abcdef").build()?;
    /// let b = Redaction::none().hash_keys(["enduser.id"], "fedcba9876543210").build()?;
    /// let h = a.hash("ada@example.com").unwrap();
    /// assert_eq!(h.len(), "hmac-sha256:".len() + 32);
    /// assert_eq!(a.hash("ada@example.com"), Some(h.clone()));
    /// assert_ne!(b.hash("ada@example.com"), Some(h));
    /// # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
    /// ```
    pub fn hash(&self, value: &str) -> Option<String> {
        let mut mac = self.inner.key.clone()?;
        mac.update(value.as_bytes());
        let tag = mac.finalize();
        let mut out = String::with_capacity(HASH_PREFIX.len() + 32);
        out.push_str(HASH_PREFIX);
        for byte in tag.iter().take(16) {
            out.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
            out.push(char::from(b"0123456789abcdef"[usize::from(byte & 0xf)]));
        }
        Some(out)
    }

    fn action(&self, key: &str) -> Action {
        self.inner.rules.action(key)
    }

    /// Drops, hashes and scrubs span-style attributes in place; nothing moves and
    /// nothing is allocated when nothing changes. The string and integer values of the
    /// keys the conventions define as non-secret (an HTTP method, a status code, a port)
    /// are left as they are; their keys still obey the patterns.
    ///
    /// ```
    /// use opentelemetry::KeyValue;
    /// use otel_kit_processors::redaction::Redaction;
    ///
    /// let r = Redaction::default().build()?;
    /// let mut attributes = vec![
    ///     KeyValue::new("http.request.method", "GET"),
    ///     KeyValue::new("http.response.status_code", 200),
    ///     KeyValue::new("url.query", "card=4111111111111111"),
    ///     KeyValue::new("http.request.header.authorization", "Basic YWRhOmh1bnRlcjI="),
    /// ];
    /// r.redact_attributes(&mut attributes);
    /// assert_eq!(attributes, [
    ///     KeyValue::new("http.request.method", "GET"),
    ///     KeyValue::new("http.response.status_code", 200),
    ///     KeyValue::new("url.query", "card=[REDACTED:card]"),
    /// ]);
    /// # Ok::<(), otel_kit_processors::redaction::RedactionError>(())
    /// ```
    pub fn redact_attributes(&self, attributes: &mut Vec<KeyValue>) {
        // Reading first, the common case: nothing changes, and nothing is written.
        let rules = &self.inner.rules;
        let first = shape_cache::first_change(
            rules.owner(),
            attributes,
            |key| rules.decide(key),
            #[inline(always)]
            |kv, decision| self.may_change(kv, decision),
        );
        let Some(mut kept) = first else {
            return;
        };
        let len = attributes.len();
        while kept < len && self.redact_attribute(&mut attributes[kept]) {
            kept += 1;
        }
        if kept == len {
            return;
        }
        // From the first dropped attribute on, each kept one moves up (order kept).
        for i in kept + 1..len {
            if self.redact_attribute(&mut attributes[i]) {
                attributes.swap(kept, i);
                kept += 1;
            }
        }
        attributes.truncate(kept);
    }

    /// Whether the rules may change this attribute, whose key's decision is given:
    /// `false` only when they certainly do not (its key kept, its value clean by the
    /// prefilter or not looked at), so that
    /// [`redact_attributes`](Self::redact_attributes) can start where they may.
    #[inline(always)]
    fn may_change(&self, kv: &KeyValue, decision: Decision) -> bool {
        if decision.action != Action::Keep {
            return true;
        }
        match &kv.value {
            Value::String(s) if decision.scan || decision.address => {
                let value = s.as_str();
                if decision.address {
                    return true;
                }
                value.len() >= matchers::MIN_LEN
                    && !self.inner.quick.surely_clean(value.as_bytes())
                    && !self.inner.scrub.is_empty()
                    && matchers::may_match(value, self.inner.scrub)
            }
            Value::I64(n) => {
                decision.scan && self.inner.scrub.contains(Scrub::Card) && matchers::is_card_int(*n)
            }
            Value::Array(_) => true,
            _ => false,
        }
    }

    /// Applies the rules to one attribute; `false` when it is dropped.
    #[inline(always)]
    fn redact_attribute(&self, kv: &mut KeyValue) -> bool {
        let decision = self.inner.rules.decide(kv.key.as_str());
        match decision.action {
            Action::Keep => {
                if let Some(v) = self.redact_value(&kv.value, decision) {
                    kv.value = v;
                }
                true
            }
            Action::Hash => {
                kv.value = Value::String(self.hash_or_marker(&kv.value.as_str()).into());
                true
            }
            Action::Drop => false,
        }
    }

    fn hash_or_marker(&self, value: &str) -> String {
        self.hash(value).unwrap_or_else(|| "[REDACTED]".to_owned())
    }

    fn scrub_string(&self, s: &StringValue) -> Option<StringValue> {
        let value = s.as_str();
        // Most values are short and clean: decided here, without a call.
        if value.len() < matchers::MIN_LEN || self.inner.quick.surely_clean(value.as_bytes()) {
            return None;
        }
        self.scrub(value).map(StringValue::from)
    }

    /// A kept span-attribute value with its scrubbed kinds replaced; `None` if
    /// unchanged. Floats and booleans cannot hold a match; the strings and integers of a
    /// non-secret key are not looked at (lists are, as they do not conform to its
    /// definition).
    #[inline(always)]
    fn redact_value(&self, value: &Value, decision: Decision) -> Option<Value> {
        let scan = decision.scan;
        if decision.address
            && let Value::String(s) = value
            && let Some(cut) = self.truncate_ip(s.as_str())
        {
            return Some(Value::String(cut.into()));
        }
        match value {
            Value::String(s) if scan => self.scrub_string(s).map(Value::String),
            Value::I64(n) if scan && self.inner.scrub.contains(Scrub::Card) && matchers::is_card_int(*n) => {
                Some(Value::String(Scrub::Card.marker().into()))
            }
            Value::Array(Array::String(items)) => {
                let first = items.iter().position(|s| self.scrub_string(s).is_some())?;
                let mut out = items.clone();
                for s in &mut out[first..] {
                    if let Some(new) = self.scrub_string(s) {
                        *s = new;
                    }
                }
                Some(Value::Array(Array::String(out)))
            }
            _ => None,
        }
    }

    /// Redacts an ended span: attributes, event attributes, link attributes and the
    /// status description. Names (of the span and its events) are left as they are.
    pub fn redact_span(&self, span: &mut SpanData) {
        self.redact_attributes(&mut span.attributes);
        for event in span.events.events.iter_mut() {
            self.redact_attributes(&mut event.attributes);
        }
        for link in span.links.links.iter_mut() {
            self.redact_attributes(&mut link.attributes);
        }
        if let Status::Error { description } = &span.status
            && let Some(clean) = self.scrub(description)
        {
            span.status = Status::error(clean);
        }
    }

    /// A log attribute or body with the rules applied; `None` if unchanged. Maps have
    /// their keys dropped or hashed too; values nested deeper than 16 levels are
    /// replaced by `[REDACTED:nested]`.
    pub fn redact_any_value(&self, value: &AnyValue) -> Option<AnyValue> {
        self.redact_any(value, 0)
    }

    fn redact_any(&self, value: &AnyValue, depth: usize) -> Option<AnyValue> {
        match value {
            AnyValue::String(s) => self.scrub_string(s).map(AnyValue::String),
            AnyValue::Int(n) if self.inner.scrub.contains(Scrub::Card) && matchers::is_card_int(*n) => {
                Some(AnyValue::String(Scrub::Card.marker().into()))
            }
            AnyValue::ListAny(_) | AnyValue::Map(_) if depth >= MAX_DEPTH => {
                Some(AnyValue::String("[REDACTED:nested]".into()))
            }
            AnyValue::ListAny(items) => {
                let first = items
                    .iter()
                    .enumerate()
                    .find_map(|(i, v)| self.redact_any(v, depth + 1).map(|new| (i, new)))?;
                let mut out: Vec<AnyValue> = Vec::with_capacity(items.len());
                out.extend(items[..first.0].iter().cloned());
                out.push(first.1);
                for v in &items[first.0 + 1..] {
                    out.push(self.redact_any(v, depth + 1).unwrap_or_else(|| v.clone()));
                }
                Some(AnyValue::ListAny(Box::new(out)))
            }
            AnyValue::Map(map) => {
                // Nothing allocated until the first entry that changes, and each value
                // redacted once: checking first and rebuilding after would redo every
                // nested level twice, 2^depth times for the deepest.
                let (first, change) =
                    map.iter()
                        .enumerate()
                        .find_map(|(i, (k, v))| match self.entry(k, v, depth + 1) {
                            Entry::Unchanged => None,
                            change => Some((i, change)),
                        })?;
                let mut out: HashMap<Key, AnyValue> = HashMap::with_capacity(map.len());
                let mut entries = map.iter();
                for (k, v) in entries.by_ref().take(first) {
                    out.insert(k.clone(), v.clone());
                }
                if let Some((k, v)) = entries.next() {
                    change.apply(k, v, &mut out);
                }
                for (k, v) in entries {
                    self.entry(k, v, depth + 1).apply(k, v, &mut out);
                }
                Some(AnyValue::Map(Box::new(out)))
            }
            _ => None,
        }
    }

    /// What the rules do to one keyed log value.
    fn entry(&self, key: &Key, value: &AnyValue, depth: usize) -> Entry {
        let decision = self.inner.rules.decide(key.as_str());
        match decision.action {
            Action::Drop => Entry::Dropped,
            Action::Hash => Entry::Replaced(AnyValue::String(
                self.hash_or_marker(&any_to_string(value)).into(),
            )),
            Action::Keep => match self.truncated_address(decision, value) {
                Some(cut) => Entry::Replaced(AnyValue::String(cut.into())),
                None if not_scanned(decision, value) => Entry::Unchanged,
                None => self
                    .redact_any(value, depth)
                    .map_or(Entry::Unchanged, Entry::Replaced),
            },
        }
    }

    /// A keyed log value after the rules: `None` when dropped.
    #[cfg_attr(not(feature = "logs"), allow(dead_code))]
    pub(crate) fn redact_entry(&self, key: &Key, value: &AnyValue, depth: usize) -> Option<AnyValue> {
        match self.entry(key, value, depth) {
            Entry::Unchanged => Some(value.clone()),
            Entry::Dropped => None,
            Entry::Replaced(new) => Some(new),
        }
    }

    /// Whether the rules change this keyed log value (a cheap check before rebuilding).
    #[cfg_attr(not(feature = "logs"), allow(dead_code))]
    pub(crate) fn changes_entry(&self, key: &Key, value: &AnyValue) -> bool {
        let decision = self.inner.rules.decide(key.as_str());
        decision.action != Action::Keep
            || self.truncated_address(decision, value).is_some()
            || (!not_scanned(decision, value) && self.redact_any(value, 0).is_some())
    }

    /// A log value under an address key, cut; `None` when not cut.
    fn truncated_address(&self, decision: Decision, value: &AnyValue) -> Option<String> {
        match value {
            AnyValue::String(s) if decision.address => self.truncate_ip(s.as_str()),
            _ => None,
        }
    }

    /// `baggage` with the rules applied to its keys, values and properties; `None` if
    /// unchanged (the common case, decided without allocating).
    pub fn redact_baggage(&self, baggage: &Baggage) -> Option<Baggage> {
        let changes = |k: &Key, v: &StringValue, m: &str| {
            self.action(k.as_str()) != Action::Keep
                || self.scrub(v.as_str()).is_some()
                || self.scrub(m).is_some()
        };
        if !baggage.iter().any(|(k, (v, m))| changes(k, v, m.as_str())) {
            return None;
        }
        let mut out = Baggage::new();
        for (k, (v, m)) in baggage.iter() {
            let value = match self.action(k.as_str()) {
                Action::Drop => continue,
                Action::Hash => self.hash_or_marker(v.as_str()),
                Action::Keep => self.scrub(v.as_str()).unwrap_or_else(|| v.as_str().to_owned()),
            };
            let meta = self.scrub(m.as_str()).unwrap_or_else(|| m.as_str().to_owned());
            out.insert_with_metadata(k.clone(), value, meta);
        }
        Some(out)
    }
}

/// What the rules do to one keyed log value.
enum Entry {
    Unchanged,
    Dropped,
    Replaced(AnyValue),
}

impl Entry {
    /// Puts the entry's outcome for `key` (originally `value`) into `out`.
    fn apply(self, key: &Key, value: &AnyValue, out: &mut HashMap<Key, AnyValue>) {
        match self {
            Entry::Unchanged => {
                out.insert(key.clone(), value.clone());
            }
            Entry::Dropped => {}
            Entry::Replaced(new) => {
                out.insert(key.clone(), new);
            }
        }
    }
}

/// A log value left as it is because its key is non-secret: a string or an integer,
/// as for span attributes (a list or map under such a key is still redacted).
fn not_scanned(decision: Decision, value: &AnyValue) -> bool {
    !decision.scan && matches!(value, AnyValue::String(_) | AnyValue::Int(_))
}

fn any_to_string(value: &AnyValue) -> String {
    match value {
        AnyValue::String(s) => s.as_str().to_owned(),
        AnyValue::Int(n) => n.to_string(),
        AnyValue::Double(d) => d.to_string(),
        AnyValue::Boolean(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// The secret never prints.
impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn patterns(p: &[Pattern]) -> Vec<&str> {
            p.iter().map(Pattern::as_str).collect()
        }
        f.debug_struct("Redactor")
            .field("drop", &patterns(self.inner.rules.drop_patterns()))
            .field("hash", &patterns(self.inner.rules.hash_patterns()))
            .field("secret", &self.inner.key.as_ref().map(|_| "<redacted>"))
            .field("scrub", &self.inner.scrub)
            .finish()
    }
}

impl Redaction {
    /// Validates and compiles the rules.
    pub fn build(&self) -> Result<Redactor, RedactionError> {
        self.validate()?;
        Ok(Redactor::new(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redaction::rules::Redaction;

    fn map(entries: impl IntoIterator<Item = (&'static str, AnyValue)>) -> AnyValue {
        AnyValue::Map(Box::new(
            entries.into_iter().map(|(k, v)| (Key::from(k), v)).collect(),
        ))
    }

    fn entries(value: &AnyValue) -> &HashMap<Key, AnyValue> {
        match value {
            AnyValue::Map(m) => m,
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn maps_drop_and_scrub_their_entries_at_every_level_and_keep_the_rest() {
        let r = Redaction::default().build().expect("default rules");
        let inner = map([
            ("db.password", AnyValue::from("hunter2")),
            ("header", AnyValue::from("Bearer abcdef0123456789")),
            ("tier", AnyValue::from("gold")),
        ]);
        let value = map([
            ("request", inner),
            ("id", AnyValue::Int(7)),
            (
                "list",
                AnyValue::ListAny(Box::new(vec![AnyValue::from("Bearer abcdef0123456789")])),
            ),
        ]);
        let clean = r.redact_any_value(&value).expect("changed");
        let outer = entries(&clean);
        assert_eq!(outer[&Key::from("id")], AnyValue::Int(7));
        assert_eq!(
            outer[&Key::from("list")],
            AnyValue::ListAny(Box::new(vec![AnyValue::from("[REDACTED:bearer]")]))
        );
        let request = entries(&outer[&Key::from("request")]);
        assert_eq!(request.len(), 2, "{request:?}");
        assert_eq!(request[&Key::from("header")], AnyValue::from("[REDACTED:bearer]"));
        assert_eq!(request[&Key::from("tier")], AnyValue::from("gold"));

        let plain = map([("tier", AnyValue::from("gold")), ("id", AnyValue::Int(7))]);
        assert_eq!(r.redact_any_value(&plain), None, "nothing to redact: unchanged");
    }

    #[test]
    fn maps_hash_the_values_of_hashed_keys() {
        let r = Redaction::default()
            .hash_keys(["user.id"], "0123456789abcdef0123")
            .build()
            .expect("rules");
        let clean = r
            .redact_any_value(&map([
                ("user.id", AnyValue::from("ada")),
                ("n", AnyValue::Int(1)),
            ]))
            .expect("changed");
        let out = entries(&clean);
        assert_eq!(out[&Key::from("n")], AnyValue::Int(1));
        assert_eq!(
            out[&Key::from("user.id")],
            AnyValue::String(r.hash("ada").expect("a secret is set").into())
        );
    }

    #[test]
    fn a_deep_chain_of_maps_ends_in_the_nested_marker() {
        let r = Redaction::default().build().expect("default rules");
        let mut value = AnyValue::from("plain");
        for _ in 0..40 {
            value = map([("next", value), ("tier", AnyValue::from("gold"))]);
        }
        let mut level = &r.redact_any_value(&value).expect("cut at the depth limit");
        let mut depth = 0;
        while let AnyValue::Map(m) = level {
            assert_eq!(m[&Key::from("tier")], AnyValue::from("gold"));
            level = &m[&Key::from("next")];
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH);
        assert_eq!(*level, AnyValue::from("[REDACTED:nested]"));
    }
}
