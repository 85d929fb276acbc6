//! What a filter answered for each call site when it registered, kept while the filter
//! lives: an `EnvFilter` asked about an event walks its directives (about 370
//! instructions with `init()`'s), although for a call site it answered `always` or
//! `never` the answer cannot change until the filter does. A call site is known by its
//! metadata's address: the `log` crate's records, which share a call site per level
//! but carry metadata of their own, are never found, and are asked as before.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;
use tracing::Metadata;
use tracing::subscriber::Interest;

/// More call sites than a program has: past it, call sites are asked every time.
const MAX_CALLSITES: usize = 16_384;

/// One filter's `always` (true) and `never` (false) answers, by metadata address. No
/// lock of its own: it lives beside its filter, under the filter's lock.
#[derive(Debug, Default)]
pub(super) struct CallsiteDecisions(FxHashMap<usize, bool>);

impl CallsiteDecisions {
    /// Keeps the filter's `interest` in `meta`'s call site, when it is `always` or
    /// `never` (`sometimes` depends on more than the metadata).
    pub(super) fn remember(&mut self, meta: &'static Metadata<'static>, interest: &Interest) {
        let decided = if interest.is_always() {
            true
        } else if interest.is_never() {
            false
        } else {
            return;
        };
        let len = self.0.len();
        match self.0.entry(address(meta)) {
            Entry::Occupied(mut entry) => {
                entry.insert(decided);
            }
            Entry::Vacant(entry) if len < MAX_CALLSITES => {
                entry.insert(decided);
            }
            Entry::Vacant(_) => {}
        }
    }

    /// What the filter answered for `meta`'s call site, if it is kept.
    pub(super) fn get(&self, meta: &Metadata<'_>) -> Option<bool> {
        self.0.get(&address(meta)).copied()
    }
}

fn address(meta: &Metadata<'_>) -> usize {
    std::ptr::from_ref(meta).addr()
}

#[cfg(test)]
mod tests {
    use tracing::{Level, callsite::Identifier, field::FieldSet, metadata::Kind};

    use super::*;

    struct Site;
    impl tracing::Callsite for Site {
        fn set_interest(&self, _: Interest) {}
        fn metadata(&self) -> &Metadata<'_> {
            &META
        }
    }
    static SITE: Site = Site;
    static META: Metadata<'static> = metadata();

    /// An INFO event's metadata at `SITE`: a new value each call.
    const fn metadata() -> Metadata<'static> {
        Metadata::new(
            "event",
            "app",
            Level::INFO,
            None,
            None,
            None,
            FieldSet::new(&["message"], Identifier(&SITE)),
            Kind::EVENT,
        )
    }

    #[test]
    fn only_always_and_never_are_kept_and_only_for_the_very_metadata() {
        let mut decisions = CallsiteDecisions::default();
        decisions.remember(&META, &Interest::sometimes());
        assert_eq!(decisions.get(&META), None);
        decisions.remember(&META, &Interest::never());
        assert_eq!(decisions.get(&META), Some(false));
        decisions.remember(&META, &Interest::always());
        assert_eq!(decisions.get(&META), Some(true));
        // Equal metadata elsewhere (as the `log` crate's records are made): not found.
        assert_eq!(decisions.get(&metadata()), None);
    }
}
