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
//! Bounded and allocation-free: a fixed array per thread, each shape at one slot (by its
//! length and first and last keys' addresses), a new shape replacing the old one there.
//! Each entry names the rules it was decided by, as in [`key_cache`](super::key_cache).

use std::cell::RefCell;
use std::fmt::{self, Write as _};

use opentelemetry::{Key, KeyValue};

use super::decision::{Action, Decision};

/// The most attributes a cached shape has; longer lists are decided key by key.
pub(crate) const MAX_KEYS: usize = 16;
/// Shapes per thread: a power of two. 16 × 472 bytes of thread-local storage.
const SLOTS: usize = 16;

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
    keys: [BY_BYTES; MAX_KEYS],
    classes: [Class::Scanned; MAX_KEYS],
    decisions: [KEEP; MAX_KEYS],
};

thread_local! {
    // `const` and without a destructor: access is a plain load, and nothing allocates.
    static SHAPES: RefCell<[Shape; SLOTS]> = const { RefCell::new([EMPTY; SLOTS]) };
}

/// The address and length of `key`'s bytes.
#[inline(always)]
fn id(key: &Key) -> KeyId {
    let s = key.as_str();
    (s.as_ptr().addr(), s.len())
}

/// The slot of a list of `len` attributes with these first and last keys.
#[inline(always)]
fn slot(len: usize, first: KeyId, last: KeyId) -> usize {
    let h = (first.0 ^ last.0.rotate_left(17) ^ len).wrapping_mul(0x9e37_79b9_7f4a_7c15_u64 as usize);
    h >> (usize::BITS - SLOTS.trailing_zeros())
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
    let slot = slot(len, id(&first.key), id(&last.key));
    let cached = SHAPES
        .try_with(|shapes| {
            let shapes = shapes.try_borrow().ok()?;
            let shape = &shapes[slot];
            if shape.owner != owner || shape.len != len {
                return None;
            }
            // Indexed, not zipped, one pass, and the two common decisions as constants
            // (each arm's check then folds to a test or two): this loop is most of a
            // clean span's redaction.
            for (i, kv) in attributes.iter().enumerate() {
                // `len <= MAX_KEYS`: the mask only spares a bounds check.
                let at = i & (MAX_KEYS - 1);
                let changes = if id(&kv.key) != shape.keys[at] {
                    if shape.keys[at] != BY_BYTES {
                        return None; // another shape: decided again below, and cached
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
                    return Some(Some(i));
                }
            }
            Some(None)
        })
        .ok()
        .flatten();
    if let Some(found) = cached {
        return found;
    }
    let decisions = remember(owner, slot, attributes, &decide);
    (0..len).find(|&i| may_change(&attributes[i], decisions[i]))
}

/// Caches the shape of `attributes` (at most [`MAX_KEYS`]) at `slot`; returns its
/// decisions, so that a miss decides each key once.
#[cold]
#[inline(never)]
fn remember(
    owner: u64,
    slot: usize,
    attributes: &[KeyValue],
    decide: &impl Fn(&str) -> Decision,
) -> [Decision; MAX_KEYS] {
    let mut shape = Shape {
        owner,
        len: attributes.len(),
        ..EMPTY
    };
    for (i, kv) in attributes.iter().enumerate() {
        shape.keys[i] = if is_static(&kv.key) { id(&kv.key) } else { BY_BYTES };
        shape.decisions[i] = decide(kv.key.as_str());
        shape.classes[i] = Class::of(shape.decisions[i]);
    }
    // Not remembered if the thread is ending or (never here) the cache is in use.
    let _ = SHAPES.try_with(|shapes| {
        if let Ok(mut shapes) = shapes.try_borrow_mut() {
            shapes[slot] = shape;
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
        // The same length, first and last keys (the same slot): only the middle differs.
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
