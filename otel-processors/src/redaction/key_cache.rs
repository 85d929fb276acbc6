//! A small per-thread cache of decisions for keys outside the table of known keys (an
//! application's own attributes, a `tracing` field): matching the patterns costs a few
//! hundred instructions, a hit here a few dozen.
//!
//! Bounded and allocation-free: a fixed array per thread, each key at one slot (chosen by
//! its hash), a new key replacing the old one there. Each entry names the rules it was
//! decided by (an owner number per compiled rules, never reused), so two redactors never
//! see each other's decisions, and the key is stored and compared whole, so a hit is
//! always the patterns' own verdict for exactly these bytes. Keys longer than
//! [`MAX_KEY`] are decided by the patterns each time.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use super::decision::Decision;

/// The longest key kept.
const MAX_KEY: usize = 40;
/// Entries per thread: a power of two. 32 × 56 bytes of thread-local storage.
pub(crate) const ENTRIES: usize = 32;

#[derive(Clone, Copy)]
struct Entry {
    owner: u64,
    len: u8,
    key: [u8; MAX_KEY],
    decision: Decision,
}

thread_local! {
    // `const`: no lazy initialisation and no destructor, so access is a plain load.
    static CACHE: RefCell<[Option<Entry>; ENTRIES]> = const { RefCell::new([None; ENTRIES]) };
}

static NEXT_OWNER: AtomicU64 = AtomicU64::new(1);

/// A number for a new set of compiled rules.
pub(crate) fn new_owner() -> u64 {
    NEXT_OWNER.fetch_add(1, Ordering::Relaxed)
}

/// `owner`'s decision for `key` from this thread's cache at `slot` (below [`ENTRIES`]);
/// on a miss, `decide()`, remembered there.
pub(crate) fn get_or(owner: u64, key: &[u8], slot: usize, decide: impl FnOnce() -> Decision) -> Decision {
    let Ok(len) = u8::try_from(key.len()) else {
        return decide();
    };
    if key.len() > MAX_KEY {
        return decide();
    }
    let slot = slot % ENTRIES;
    let cached = CACHE
        .try_with(|cache| {
            let cache = cache.try_borrow().ok()?;
            let entry = cache[slot].as_ref()?;
            (entry.owner == owner && entry.len == len && entry.key[..key.len()] == *key)
                .then_some(entry.decision)
        })
        .ok()
        .flatten();
    if let Some(decision) = cached {
        return decision;
    }
    let decision = decide();
    let mut entry = Entry {
        owner,
        len,
        key: [0; MAX_KEY],
        decision,
    };
    entry.key[..key.len()].copy_from_slice(key);
    // Not remembered if the thread is ending or (never here) the cache is in use.
    let _ = CACHE.try_with(|cache| {
        if let Ok(mut cache) = cache.try_borrow_mut() {
            cache[slot] = Some(entry);
        }
    });
    decision
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::redaction::decision::Action;

    fn decision(action: Action) -> Decision {
        Decision {
            action,
            scan: true,
            address: false,
        }
    }

    #[test]
    fn a_key_is_decided_once_per_owner_and_thread() {
        let (a, b) = (new_owner(), new_owner());
        let calls = Cell::new(0);
        let decide = |action| {
            calls.set(calls.get() + 1);
            decision(action)
        };
        assert_eq!(
            get_or(a, b"app.note", 3, || decide(Action::Keep)).action,
            Action::Keep
        );
        assert_eq!(
            get_or(a, b"app.note", 3, || decide(Action::Drop)).action,
            Action::Keep
        );
        assert_eq!(calls.get(), 1, "the second look-up is a hit");
        // Another owner, another key at the same slot, or a prefix of the key: misses.
        assert_eq!(
            get_or(b, b"app.note", 3, || decide(Action::Drop)).action,
            Action::Drop
        );
        assert_eq!(
            get_or(a, b"app.not", 3, || decide(Action::Hash)).action,
            Action::Hash
        );
        assert_eq!(calls.get(), 3);
        // The slot now holds the last key: the first is decided again.
        assert_eq!(
            get_or(a, b"app.note", 3, || decide(Action::Keep)).action,
            Action::Keep
        );
        assert_eq!(calls.get(), 4);
        // Another thread has its own cache.
        std::thread::scope(|s| {
            s.spawn(|| {
                let fresh = get_or(a, b"app.note", 3, || decision(Action::Drop));
                assert_eq!(fresh.action, Action::Drop);
            });
        });
    }

    #[test]
    fn long_keys_are_never_kept() {
        let owner = new_owner();
        let long = [b'k'; MAX_KEY + 1];
        assert_eq!(
            get_or(owner, &long, 0, || decision(Action::Drop)).action,
            Action::Drop
        );
        assert_eq!(
            get_or(owner, &long, 0, || decision(Action::Keep)).action,
            Action::Keep
        );
        let longest = [b'k'; MAX_KEY];
        get_or(owner, &longest, 0, || decision(Action::Drop));
        assert_eq!(
            get_or(owner, &longest, 0, || decision(Action::Keep)).action,
            Action::Drop
        );
    }
}
