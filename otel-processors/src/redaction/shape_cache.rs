//! A small per-thread cache of the decisions for whole attribute lists, by their keys'
//! addresses: an instrumentation ends span after span with the same keys in the same
//! order, each a `&'static str` constant, so the second time a list is seen its keys
//! cost one comparison of address and length each, not a look-up of their bytes.
//!
//! Sound because only static keys are compared by address: a `&'static str` is never
//! freed nor changed, so the same address and length are always the same bytes. A key
//! that is not static (an owned or shared string, whose memory can be freed and reused
//! for other bytes of the same length) is marked in the cached shape and decided from its
//! bytes every time ([`KeyRules::decide`](super::decisions::KeyRules::decide)). The API
//! does not say whether a key is static; its `Debug` form does (`Static("...")`), read
//! once per key when a shape is first cached (a test pins the form, and any other form
//! counts as not static, which is only slower).
//!
//! Bounded and allocation-free: a fixed array per thread of sets of two shapes, each
//! shape in one set (by its length and first and last keys' addresses), a new shape
//! replacing the one of its set cached first. Two ways, not one: with one, two
//! shapes a service ends on every request (its server and client spans, say) fell into
//! the same slot in about half of all builds (the keys' addresses are the binary's), and
//! evicted each other on every span: thousands of instructions per request, in some
//! builds and not others. Each entry names the rules it was decided by, as in
//! [`key_cache`](super::key_cache).

use std::cell::RefCell;
use std::fmt::{self, Write as _};

use opentelemetry::{Key, KeyValue};

use super::decision::{Action, Decision};

/// The most attributes a cached shape has; longer lists are decided key by key.
pub(crate) const MAX_KEYS: usize = 16;
/// Sets per thread: a power of two. With two shapes each, under 16 KiB of thread-local
/// storage (a test pins it).
const SETS: usize = 16;
/// Shapes per set.
const WAYS: usize = 2;

/// A key of a cached shape: the address and length of a static key, or [`BY_BYTES`].
type KeyId = (usize, usize);

/// A position whose key is not static: decided from its bytes each time.
const BY_BYTES: KeyId = (0, 0);

#[derive(Clone, Copy)]
struct Shape {
    /// The rules the decisions are theirs ([`key_cache::new_owner`](super::key_cache::new_owner));
    /// zero for an empty slot.
    owner: u64,
    len: usize,
    /// The first and last keys' ids as they were when cached, static or not: which
    /// shape of its set a list is.
    tag: (KeyId, KeyId),
    keys: [KeyId; MAX_KEYS],
    /// Each decision's [`Class`], read first: one byte.
    classes: [Class; MAX_KEYS],
    decisions: [Decision; MAX_KEYS],
}

/// The two decisions almost every key has, told apart by one byte.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Kept, its value not looked at ([`PLAIN`]).
    Plain,
    /// Kept, its value scanned ([`KEEP`]).
    Scanned,
    /// Any other decision.
    Other,
}

impl Class {
    fn of(decision: Decision) -> Class {
        if decision == PLAIN {
            Class::Plain
        } else if decision == KEEP {
            Class::Scanned
        } else {
            Class::Other
        }
    }
}

const KEEP: Decision = Decision {
    action: Action::Keep,
    scan: true,
    address: false,
};

const PLAIN: Decision = Decision { scan: false, ..KEEP };

const EMPTY: Shape = Shape {
    owner: 0,
    len: 0,
    tag: (BY_BYTES, BY_BYTES),
    keys: [BY_BYTES; MAX_KEYS],
    classes: [Class::Scanned; MAX_KEYS],
    decisions: [KEEP; MAX_KEYS],
};

/// The shapes of one set, and which of them a new one replaces.
#[derive(Clone, Copy)]
struct Set {
    shapes: [Shape; WAYS],
    /// The way cached less recently.
    victim: usize,
}

const EMPTY_SET: Set = Set {
    shapes: [EMPTY; WAYS],
    victim: 0,
};

thread_local! {
    // `const` and without a destructor: access is a plain load, and nothing allocates.
    static SHAPES: RefCell<[Set; SETS]> = const { RefCell::new([EMPTY_SET; SETS]) };
}

/// The address and length of `key`'s bytes.
#[inline(always)]
fn id(key: &Key) -> KeyId {
    let s = key.as_str();
    (s.as_ptr().addr(), s.len())
}

/// The set of a list of `len` attributes with these first and last keys.
#[inline(always)]
fn set_of(len: usize, first: KeyId, last: KeyId) -> usize {
    let h = (first.0 ^ last.0.rotate_left(17) ^ len).wrapping_mul(0x9e37_79b9_7f4a_7c15_u64 as usize);
    h >> (usize::BITS - SETS.trailing_zeros())
}

/// The first attribute of `attributes` for which `may_change(attribute, decision)`,
/// with each key's decision from this thread's cached shape when it has one for `owner`
/// (a static key's by its address; any other key's from `decide`), else from `decide`
/// (and the shape is cached). `None` when no attribute may change.
#[inline(always)]
pub(crate) fn first_change(
    owner: u64,
    attributes: &[KeyValue],
    decide: impl Fn(&str) -> Decision,
    may_change: impl Fn(&KeyValue, Decision) -> bool,
) -> Option<usize> {
    let len = attributes.len();
    let (Some(first), Some(last)) = (attributes.first(), attributes.last()) else {
        return None;
    };
    if len > MAX_KEYS {
        return (0..len).find(|&i| may_change(&attributes[i], decide(attributes[i].key.as_str())));
    }
    let tag = (id(&first.key), id(&last.key));
    let set = set_of(len, tag.0, tag.1);
    // `Ok`: the first attribute that may change, from the cached shape; `Err`: the way to
    // cache the list's shape in.
    let cached = SHAPES
        .try_with(|sets| {
            let sets = sets.try_borrow().map_err(|_| 0_usize)?;
            let set = &sets[set];
            let Some(way) = set
                .shapes
                .iter()
                .position(|shape| shape.owner == owner && shape.len == len && shape.tag == tag)
            else {
                return Err(set.victim);
            };
            let shape = &set.shapes[way];
            // Indexed, not zipped, one pass, and the two common decisions as constants
            // (each arm's check then folds to a test or two): this loop is most of a
            // clean span's redaction.
            for (i, kv) in attributes.iter().enumerate() {
                // `len <= MAX_KEYS`: the mask only spares a bounds check.
                let at = i & (MAX_KEYS - 1);
                let changes = if id(&kv.key) != shape.keys[at] {
                    if shape.keys[at] != BY_BYTES {
                        return Err(way); // another list with these ends: cached in its place
                    }
                    may_change(kv, decide(kv.key.as_str()))
                } else {
                    match shape.classes[at] {
                        Class::Plain => may_change(kv, PLAIN),
                        Class::Scanned => may_change(kv, KEEP),
                        Class::Other => may_change(kv, shape.decisions[at]),
                    }
                };
                if changes {
                    return Ok(Some(i));
                }
            }
            Ok(None)
        })
        .unwrap_or(Err(0));
    let way = match cached {
        Ok(found) => return found,
        Err(way) => way,
    };
    let decisions = remember(owner, (set, way), tag, attributes, &decide);
    (0..len).find(|&i| may_change(&attributes[i], decisions[i]))
}

/// Caches the shape of `attributes` (at most [`MAX_KEYS`]) at `(set, way)`; returns its
/// decisions, so that a miss decides each key once.
#[cold]
#[inline(never)]
fn remember(
    owner: u64,
    (set, way): (usize, usize),
    tag: (KeyId, KeyId),
    attributes: &[KeyValue],
    decide: &impl Fn(&str) -> Decision,
) -> [Decision; MAX_KEYS] {
    let mut shape = Shape {
        owner,
        len: attributes.len(),
        tag,
        ..EMPTY
    };
    for (i, kv) in attributes.iter().enumerate() {
        shape.keys[i] = if is_static(&kv.key) { id(&kv.key) } else { BY_BYTES };
        shape.decisions[i] = decide(kv.key.as_str());
        shape.classes[i] = Class::of(shape.decisions[i]);
    }
    // Not remembered if the thread is ending or (never here) the cache is in use.
    let _ = SHAPES.try_with(|sets| {
        if let Ok(mut sets) = sets.try_borrow_mut() {
            let set = &mut sets[set];
            set.shapes[way] = shape;
            set.victim = (way + 1) % WAYS;
        }
    });
    shape.decisions
}

/// Whether `key` holds a `&'static str`, read from its `Debug` form (`Static("...")`)
/// without allocating: the first seven bytes written, then the formatting is cut short.
/// An empty key counts as not static: its address says nothing.
pub(crate) fn is_static(key: &Key) -> bool {
    struct Head {
        bytes: [u8; 7],
        len: usize,
    }
    impl fmt::Write for Head {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            for &b in s.as_bytes() {
                let Some(slot) = self.bytes.get_mut(self.len) else {
                    return Err(fmt::Error); // enough read: stop formatting
                };
                *slot = b;
                self.len += 1;
            }
            Ok(())
        }
    }
    let mut head = Head {
        bytes: [0; 7],
        len: 0,
    };
    let _ = write!(head, "{key:?}");
    !key.as_str().is_empty() && head.len == 7 && head.bytes == *b"Static("
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::sync::Arc;

    use super::*;
    use crate::redaction::key_cache::new_owner;

    #[test]
    fn only_static_keys_count_as_static() {
        // If this fails, opentelemetry changed `Key`'s `Debug` form: every key is then
        // decided from its bytes (correct, slower) until `is_static` reads the new form.
        assert!(is_static(&Key::from_static_str("http.route")));
        assert!(is_static(&Key::from("url.path")));
        assert!(!is_static(&Key::from(String::from("url.path"))));
        assert!(!is_static(&Key::from(Arc::<str>::from("url.path"))));
        assert!(!is_static(&Key::from_static_str("")));
        assert!(!is_static(&Key::from(String::from("Static(x)"))));
    }

    fn keep(scan: bool) -> Decision {
        Decision { scan, ..KEEP }
    }

    /// Counts the calls to `decide` (which scans all keys but `n`), and gives the first
    /// "dirty" value of a scanned key.
    fn run(owner: u64, attributes: &[KeyValue], calls: &Cell<usize>) -> Option<usize> {
        let decide = |key: &str| {
            calls.set(calls.get() + 1);
            keep(key != "n")
        };
        first_change(owner, attributes, decide, |kv, d| {
            d.scan && kv.value.as_str() == "dirty"
        })
    }

    #[test]
    fn a_shape_of_static_keys_is_decided_once_per_owner_and_thread() {
        let owner = new_owner();
        let attributes = [
            KeyValue::new("a", "clean"),
            KeyValue::new("n", "dirty"),
            KeyValue::new("b", "dirty"),
        ];
        let calls = Cell::new(0);
        assert_eq!(run(owner, &attributes, &calls), Some(2));
        let first = calls.get();
        assert_eq!(run(owner, &attributes, &calls), Some(2));
        assert_eq!(calls.get(), first, "the second time, no key is decided again");
        // Another owner decides again; another thread has its own cache.
        assert_eq!(run(new_owner(), &attributes, &calls), Some(2));
        assert!(calls.get() > first);
        std::thread::scope(|s| {
            s.spawn(|| {
                let calls = Cell::new(0);
                run(owner, &attributes, &calls);
                assert!(calls.get() > 0);
            });
        });
    }

    #[test]
    fn owned_keys_are_decided_from_their_bytes_every_time() {
        let owner = new_owner();
        let calls = Cell::new(0);
        // Same lengths and, quite possibly, the same addresses each round (the allocator
        // reuses the freed block): the decision must follow the bytes.
        for (key, want) in [("n", None), ("b", Some(1)), ("n", None), ("b", Some(1))] {
            let attributes = [
                KeyValue::new("a", "clean"),
                KeyValue::new(key.to_owned(), "dirty"),
            ];
            let before = calls.get();
            assert_eq!(run(owner, &attributes, &calls), want, "{key}");
            assert!(calls.get() > before, "the owned key is decided each time");
        }
    }

    #[test]
    fn a_different_list_of_the_same_length_is_not_taken_for_the_cached_one() {
        let owner = new_owner();
        let calls = Cell::new(0);
        // The same length, first and last keys (the same set and tag): only the middle
        // differs.
        let one = [
            KeyValue::new("a", "clean"),
            KeyValue::new("b", "dirty"),
            KeyValue::new("a", "clean"),
        ];
        let other = [
            KeyValue::new("a", "clean"),
            KeyValue::new("n", "dirty"),
            KeyValue::new("a", "clean"),
        ];
        for _ in 0..2 {
            assert_eq!(run(owner, &one, &calls), Some(1));
            assert_eq!(run(owner, &other, &calls), None, "`n` is not scanned");
        }
        assert_eq!(run(owner, &[], &calls), None);
    }

    #[test]
    fn two_shapes_of_one_set_both_stay_cached() {
        // Static keys made at run time, until two lists of two land in one set.
        let key = |i: usize| Key::from_static_str(Box::leak(format!("app.key_{i}").into_boxed_str()));
        let lists: Vec<[KeyValue; 2]> = (0..64)
            .map(|i| {
                [
                    KeyValue::new(key(2 * i), "clean"),
                    KeyValue::new(key(2 * i + 1), "dirty"),
                ]
            })
            .collect();
        let set = |list: &[KeyValue; 2]| set_of(2, id(&list[0].key), id(&list[1].key));
        let (one, other) = (0..lists.len())
            .flat_map(|i| (i + 1..lists.len()).map(move |j| (i, j)))
            .find(|&(i, j)| set(&lists[i]) == set(&lists[j]))
            .expect("64 lists in 16 sets share one");
        let owner = new_owner();
        let calls = Cell::new(0);
        run(owner, &lists[one], &calls);
        run(owner, &lists[other], &calls);
        let cached = calls.get();
        for _ in 0..3 {
            assert_eq!(run(owner, &lists[one], &calls), Some(1));
            assert_eq!(run(owner, &lists[other], &calls), Some(1));
        }
        assert_eq!(calls.get(), cached, "neither list evicts the other");
    }

    #[test]
    fn the_cache_stays_under_16_kib_per_thread() {
        assert!(
            size_of::<[Set; SETS]>() <= 16 * 1024,
            "{} bytes",
            size_of::<[Set; SETS]>()
        );
    }

    #[test]
    fn lists_longer_than_a_shape_are_decided_key_by_key() {
        let owner = new_owner();
        let calls = Cell::new(0);
        let mut attributes: Vec<KeyValue> = (0..MAX_KEYS).map(|_| KeyValue::new("a", "clean")).collect();
        attributes.push(KeyValue::new("b", "dirty"));
        assert_eq!(run(owner, &attributes, &calls), Some(MAX_KEYS));
        let before = calls.get();
        assert_eq!(run(owner, &attributes, &calls), Some(MAX_KEYS));
        assert_eq!(calls.get() - before, MAX_KEYS + 1);
    }
}
