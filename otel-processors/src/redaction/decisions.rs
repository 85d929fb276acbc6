//! What the key rules decide for one attribute key, made once per key where possible.
//!
//! A service sends the same few dozen keys on every span, and matching a key against
//! the patterns costs a few hundred instructions (the default set has eleven, two of them
//! substring searches). So the rules are compiled with a table of the verdicts for the
//! keys of [`known_keys`](super::known_keys), made by the patterns themselves: a key found
//! there costs one hash and one comparison. Other keys go through a small per-thread
//! cache ([`key_cache`](super::key_cache)) in front of the patterns. The table never
//! changes after it is built and the cache is bounded, so no input can make either grow
//! or allocate, and both compare the whole key, so a verdict is never another key's.

use super::decision::{Action, Decision};
use super::glob::Pattern;
use super::ip_address::IP_ADDRESS_KEYS;
use super::key_cache;
use super::known_keys::{NOT_SCANNED, SCANNED};
use super::pattern_set::PatternSet;

/// The drop and hash patterns, with the verdicts for the known keys.
pub(crate) struct KeyRules {
    drop: PatternSet,
    hash: PatternSet,
    table: Table,
    /// Names these rules' entries in the per-thread cache of other keys.
    owner: u64,
}

impl KeyRules {
    /// `addresses`: whether the values of the IP address keys are cut (their decision
    /// says so).
    pub(crate) fn new(drop: Vec<Pattern>, hash: Vec<Pattern>, addresses: bool) -> Self {
        let mut rules = KeyRules {
            drop: PatternSet::new(drop),
            hash: PatternSet::new(hash),
            table: Table::default(),
            owner: key_cache::new_owner(),
        };
        let known = NOT_SCANNED.iter().map(|k| (*k, false));
        let known = known.chain(SCANNED.iter().map(|k| (*k, true)));
        let entries: Vec<(&'static str, Decision)> = known
            .map(|(key, scan)| {
                let action = rules.by_patterns(key);
                let address = addresses && IP_ADDRESS_KEYS.contains(&key);
                (
                    key,
                    Decision {
                        action,
                        scan,
                        address,
                    },
                )
            })
            .collect();
        rules.table = Table::new(&entries);
        rules
    }

    pub(crate) fn drop_patterns(&self) -> &[Pattern] {
        self.drop.patterns()
    }

    pub(crate) fn hash_patterns(&self) -> &[Pattern] {
        self.hash.patterns()
    }

    /// The number naming these rules in the per-thread caches.
    pub(crate) fn owner(&self) -> u64 {
        self.owner
    }

    /// The decision for `key`: from the table when it is a known key (exact bytes), else
    /// the patterns' verdict.
    #[inline(always)]
    pub(crate) fn decide(&self, key: &str) -> Decision {
        let bytes = key.as_bytes();
        let ends = ends(bytes);
        let hash = mix(ends, bytes.len());
        match self.table.get(bytes, ends, hash) {
            Some(decision) => decision,
            None => self.decide_other(key, hash),
        }
    }

    /// A key outside the table: the patterns' verdict, through this thread's cache.
    #[inline(never)]
    fn decide_other(&self, key: &str, hash: u64) -> Decision {
        let by_patterns = || Decision {
            action: self.by_patterns(key),
            scan: true,
            address: false,
        };
        if self.drop.is_empty() && self.hash.is_empty() {
            return by_patterns();
        }
        // The hash's top bits pick the cache's slot, as they pick the table's.
        let slot = usize::try_from(hash >> 59).unwrap_or(0);
        key_cache::get_or(self.owner, key.as_bytes(), slot, by_patterns)
    }

    pub(crate) fn action(&self, key: &str) -> Action {
        self.decide(key).action
    }

    /// The patterns' verdict: drop wins over hash.
    fn by_patterns(&self, key: &str) -> Action {
        if self.drop.matches(key) {
            Action::Drop
        } else if !self.hash.is_empty() && self.hash.matches(key) {
            Action::Hash
        } else {
            Action::Keep
        }
    }
}

/// An open-addressing hash table of static keys, filled once and read without locks. At
/// most half full, so a probe always ends at an empty slot, after a number of steps set
/// by the stored keys alone (whatever is looked up).
#[derive(Default)]
struct Table {
    /// Each slot empty ([`Slot::EMPTY`]) or a key's.
    slots: Box<[Slot]>,
    /// 64 minus log2 of the number of slots: the hash's top bits pick the slot.
    shift: u32,
}

#[derive(Clone, Copy)]
struct Slot {
    /// The key's first and last eight bytes ([`ends`]), compared before the rest.
    ends: (u64, u64),
    key: &'static str,
    decision: Decision,
}

impl Slot {
    /// No key: ends no key has (the empty key's are zero), so a probe compares it as it
    /// compares any slot and stops there.
    const EMPTY: Slot = Slot {
        ends: (u64::MAX, u64::MAX),
        key: "",
        decision: Decision {
            action: Action::Keep,
            scan: true,
            address: false,
        },
    };

    fn is_empty(&self) -> bool {
        self.key.is_empty()
    }
}

impl Table {
    fn new(entries: &[(&'static str, Decision)]) -> Self {
        let len = (entries.len() * 2).next_power_of_two().max(16);
        let mut table = Table {
            slots: vec![Slot::EMPTY; len].into_boxed_slice(),
            shift: 64 - len.trailing_zeros(),
        };
        for &(key, decision) in entries {
            let ends = ends(key.as_bytes());
            let mut i = table.index(mix(ends, key.len()));
            loop {
                let slot = &table.slots[i];
                if slot.is_empty() {
                    table.slots[i] = Slot { ends, key, decision };
                    break;
                } else if slot.key == key {
                    break; // listed twice: the first wins
                }
                i = (i + 1) & (len - 1);
            }
        }
        table
    }

    /// The slot a key's probe starts at: the top bits of its [`mix`].
    fn index(&self, hash: u64) -> usize {
        (hash.checked_shr(self.shift).unwrap_or(0) as usize) & self.slots.len().saturating_sub(1)
    }

    /// The decision for `key`, whose [`ends`] and [`mix`] are given.
    #[inline]
    fn get(&self, key: &[u8], ends: (u64, u64), hash: u64) -> Option<Decision> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut i = self.index(hash);
        loop {
            let slot = self.slots.get(i)?;
            if slot.ends == ends && same_middle(slot.key.as_bytes(), key) {
                return Some(slot.decision);
            }
            if slot.is_empty() {
                return None;
            }
            i = (i + 1) & mask;
        }
    }
}

/// Eight bytes as a word (`b` has at least `at + 8`), in one load.
#[inline(always)]
fn word(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
        .map_or(0, u64::from_le_bytes)
}

/// A key's [`ends`] and length, mixed by one multiplication, whose top bits depend on
/// every input bit.
fn mix((head, tail): (u64, u64), len: usize) -> u64 {
    (head ^ tail.rotate_left(23) ^ len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// A key's first and last eight bytes; a shorter key whole, and zero.
fn ends(key: &[u8]) -> (u64, u64) {
    let n = key.len();
    if n >= 8 {
        (word(key, 0), word(key, n - 8))
    } else {
        (key.iter().rev().fold(0, |w, &c| (w << 8) | u64::from(c)), 0)
    }
}

/// Whether two keys whose [`ends`] are equal are equal: the same length and the same
/// bytes between their first and last eight, a word at a time (no call to `memcmp`,
/// which costs more than a key's few bytes).
fn same_middle(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let mut at = 8;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    true
}

/// Byte equality through [`ends`] and [`same_middle`], as the table compares.
#[cfg(test)]
fn same(a: &[u8], b: &[u8]) -> bool {
    ends(a) == ends(b) && same_middle(a, b)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::redaction::rules::DEFAULT_DROP_KEYS;

    fn rules(drop: &[&str], hash: &[&str]) -> KeyRules {
        let compile = |p: &[&str]| p.iter().map(|p| Pattern::new(p)).collect();
        KeyRules::new(compile(drop), compile(hash), false)
    }

    /// The verdict of the patterns one by one.
    fn reference(drop: &[&str], hash: &[&str], key: &str) -> Action {
        let any = |p: &[&str]| p.iter().any(|p| Pattern::new(p).matches(key));
        if any(drop) {
            Action::Drop
        } else if any(hash) {
            Action::Hash
        } else {
            Action::Keep
        }
    }

    #[test]
    fn every_known_key_is_in_the_table_with_the_patterns_verdict() {
        let r = rules(DEFAULT_DROP_KEYS, &["*.id", "url.*"]);
        for (keys, scan) in [(NOT_SCANNED, false), (SCANNED, true)] {
            for key in keys {
                let (bytes, ends) = (key.as_bytes(), ends(key.as_bytes()));
                let found = r
                    .table
                    .get(bytes, ends, mix(ends, key.len()))
                    .expect("a known key is in the table");
                assert_eq!(found.scan, scan, "{key}");
                assert_eq!(
                    found.action,
                    reference(DEFAULT_DROP_KEYS, &["*.id", "url.*"], key),
                    "{key}"
                );
            }
        }
        assert_eq!(r.decide("enduser.id").action, Action::Hash);
        assert_eq!(r.decide("url.path").action, Action::Hash);
        assert_eq!(r.decide("http.request.method").action, Action::Keep);
    }

    #[test]
    fn only_the_three_address_keys_are_cut_and_only_when_on() {
        let compile = |p: &[&str]| p.iter().map(|p| Pattern::new(p)).collect();
        let on = KeyRules::new(compile(DEFAULT_DROP_KEYS), Vec::new(), true);
        for key in NOT_SCANNED
            .iter()
            .chain(SCANNED)
            .chain(["Client.Address", "app.client.address"].iter())
        {
            let want = IP_ADDRESS_KEYS.contains(key);
            assert_eq!(on.decide(key).address, want, "{key}");
            assert!(!rules(DEFAULT_DROP_KEYS, &[]).decide(key).address, "off: {key}");
        }
    }

    #[test]
    fn a_pattern_over_a_non_secret_key_still_drops_it() {
        let r = rules(&["http.request.*"], &[]);
        let d = r.decide("http.request.method");
        assert_eq!((d.action, d.scan), (Action::Drop, false));
    }

    #[test]
    fn keys_outside_the_table_or_in_another_case_go_to_the_patterns_and_are_scanned() {
        let r = rules(DEFAULT_DROP_KEYS, &[]);
        for key in [
            "HTTP.REQUEST.METHOD",
            "http.request.method ",
            "http.request.metho",
            "",
            "app.note",
            "db.password",
            "Http.Request.Header.Authorization",
        ] {
            let d = r.decide(key);
            assert!(d.scan, "{key:?}");
            assert_eq!(d.action, reference(DEFAULT_DROP_KEYS, &[], key), "{key:?}");
        }
        assert_eq!(r.decide("db.password").action, Action::Drop);
    }

    #[test]
    fn the_table_spreads_the_known_keys() {
        let r = rules(&[], &[]);
        let mut longest = 0;
        for key in NOT_SCANNED.iter().chain(SCANNED) {
            let mut i = r.table.index(mix(ends(key.as_bytes()), key.len()));
            let mut steps = 0;
            while !r.table.slots[i].is_empty() && r.table.slots[i].key != *key {
                i = (i + 1) & (r.table.slots.len() - 1);
                steps += 1;
            }
            longest = longest.max(steps);
        }
        assert!(longest <= 4, "a known key is {longest} probes from its slot");
    }

    proptest! {
        /// Any key and any patterns: the decision is the patterns' verdict, and the value
        /// is scanned unless the key is exactly one of the non-secret keys.
        #[test]
        fn decisions_equal_the_patterns(
            key in prop_oneof![
                prop::sample::select(NOT_SCANNED.iter().chain(SCANNED).copied().collect::<Vec<_>>())
                    .prop_map(str::to_owned),
                "[a-zA-Z_.*-]{0,40}",
            ],
            drop in prop::collection::vec("[a-z_.*]{1,12}", 0..4),
            hash in prop::collection::vec("[a-z_.*]{1,12}", 0..3),
        ) {
            let drop: Vec<&str> = drop.iter().map(String::as_str).collect();
            let hash: Vec<&str> = hash.iter().map(String::as_str).collect();
            let r = rules(&drop, &hash);
            let d = r.decide(&key);
            prop_assert_eq!(d.action, reference(&drop, &hash, &key));
            prop_assert_eq!(d.scan, !NOT_SCANNED.contains(&key.as_str()));
        }

        #[test]
        fn same_is_equality(a in "[a-c]{0,30}", b in "[a-c]{0,30}") {
            prop_assert_eq!(same(a.as_bytes(), b.as_bytes()), a == b);
        }
    }
}
