//! How many items (spans, log records) each trace holds in a batch queue, for the
//! explosion guard: a map from trace id to count, kept under the queue's lock. An entry
//! leaves with its trace's last queued item, so the map never has more entries than the
//! queue has items.
//!
//! Trace ids arrive from callers (`traceparent`), so the map's hash must not let a
//! caller choose ids that collide: each id is hashed by a folded multiply of its two
//! halves, each mixed with a key drawn once per process from std's `RandomState` (the
//! construction of foldhash and wyhash). It costs a few nanoseconds where std's SipHash
//! costs tens, on every item queued and every item exported.

use std::collections::HashMap;
use std::collections::hash_map::{Entry, RandomState};
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

use opentelemetry::trace::TraceId;

/// Items queued per trace; no entry holds 0.
#[derive(Debug, Default)]
pub(super) struct TraceCounts {
    counts: HashMap<u128, u32, Keys>,
}

impl TraceCounts {
    /// Counts one more item of `trace`, unless it holds `max` already.
    #[inline]
    pub(super) fn admit(&mut self, trace: TraceId, max: usize) -> bool {
        let held = self.counts.entry(key(trace)).or_insert(0);
        if *held as usize >= max {
            return false;
        }
        *held += 1;
        true
    }

    /// Uncounts the items of a batch that left the queue, given by their traces.
    pub(super) fn release(&mut self, traces: impl Iterator<Item = TraceId>) {
        // Items of one trace often sit together: one lookup per run.
        let mut traces = traces.map(key).peekable();
        while let Some(trace) = traces.next() {
            let mut run = 1;
            while traces.next_if_eq(&trace).is_some() {
                run += 1;
            }
            if let Entry::Occupied(mut held) = self.counts.entry(trace) {
                let left = held.get().saturating_sub(run);
                if left == 0 {
                    held.remove();
                } else {
                    *held.get_mut() = left;
                }
            }
        }
    }

    #[cfg(test)]
    pub(super) fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

fn key(trace: TraceId) -> u128 {
    u128::from_be_bytes(trace.to_bytes())
}

/// The per-process keys of the trace id hash.
#[derive(Debug, Clone, Copy)]
struct Keys(u64, u64);

impl Default for Keys {
    fn default() -> Self {
        static KEYS: OnceLock<Keys> = OnceLock::new();
        *KEYS.get_or_init(|| {
            let random = RandomState::new();
            Keys(random.hash_one(0x5eed_u64), random.hash_one(0xfeed_u64) | 1)
        })
    }
}

impl BuildHasher for Keys {
    type Hasher = TraceIdHasher;

    fn build_hasher(&self) -> TraceIdHasher {
        TraceIdHasher { keys: *self, hash: 0 }
    }
}

#[derive(Debug)]
pub(super) struct TraceIdHasher {
    keys: Keys,
    hash: u64,
}

impl TraceIdHasher {
    fn fold(&mut self, low: u64, high: u64) {
        let product = u128::from(low ^ self.keys.0) * u128::from(high ^ self.keys.1);
        self.hash ^= (product as u64) ^ ((product >> 64) as u64);
    }
}

impl Hasher for TraceIdHasher {
    #[inline]
    fn write_u128(&mut self, id: u128) {
        self.fold(id as u64, (id >> 64) as u64);
    }

    /// Only `u128` keys are hashed here; any other input is folded 16 bytes at a time.
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(16) {
            let mut block = [0u8; 16];
            block[..chunk.len()].copy_from_slice(chunk);
            self.write_u128(u128::from_le_bytes(block));
        }
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_admit_up_to_the_share_and_leave_with_their_spans() {
        let mut counts = TraceCounts::default();
        let (a, b) = (TraceId::from(1), TraceId::from(2));
        assert!(counts.admit(a, 2) && counts.admit(a, 2));
        assert!(!counts.admit(a, 2));
        assert!(counts.admit(b, 2));
        let hasher = Keys::default();
        assert_ne!(hasher.hash_one(1_u128), hasher.hash_one(2_u128));
        assert_ne!(hasher.hash_one(1_u128 << 64), hasher.hash_one(2_u128 << 64));
    }
}
