//! The listener's connection cap: at most `max` connections are open at once, and a new
//! one takes the place of the oldest that is not being answered (a client that connected
//! and said nothing, sent half a request, or sits idle between scrapes), so a flood of
//! silent connections can neither hold the service's file descriptors nor lock a real
//! scrape out.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

/// The open connections, oldest first.
#[derive(Debug)]
pub(super) struct ConnectionSlots {
    max: usize,
    table: Mutex<Table>,
}

#[derive(Debug, Default)]
struct Table {
    next_id: u64,
    /// By id, which grows with each connection: the first entry is the oldest.
    open: BTreeMap<u64, Arc<Slot>>,
}

/// One open connection's place.
#[derive(Debug, Default)]
pub(super) struct Slot {
    /// A request head was read and its answer is not yet written: not to be evicted.
    answering: AtomicBool,
    evicted: Notify,
}

impl Slot {
    pub(super) fn set_answering(&self, answering: bool) {
        self.answering.store(answering, Ordering::Relaxed);
    }

    /// Resolves when a newer connection took this one's place.
    pub(super) async fn evicted(&self) {
        self.evicted.notified().await;
    }
}

/// Holds a place until dropped (the connection's end).
#[derive(Debug)]
pub(super) struct SlotGuard {
    slots: Arc<ConnectionSlots>,
    id: u64,
    slot: Arc<Slot>,
}

impl SlotGuard {
    pub(super) fn slot(&self) -> &Arc<Slot> {
        &self.slot
    }
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        self.slots.lock().open.remove(&self.id);
    }
}

impl ConnectionSlots {
    pub(super) fn new(max: usize) -> Arc<Self> {
        Arc::new(ConnectionSlots {
            max: max.max(1),
            table: Mutex::default(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        // Each change is one insert or one remove: a poisoned table is consistent.
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for a new connection, evicting the oldest one not being answered when
    /// all are taken; `None` when every open connection is being answered (the new one
    /// is closed: the write timeout frees a place soon).
    pub(super) fn admit(self: &Arc<Self>) -> Option<SlotGuard> {
        let mut table = self.lock();
        if table.open.len() >= self.max {
            let oldest_waiting = table
                .open
                .iter()
                .find(|(_, slot)| !slot.answering.load(Ordering::Relaxed))
                .map(|(id, _)| *id)?;
            if let Some(evicted) = table.open.remove(&oldest_waiting) {
                // Stored as a permit if its task is not waiting yet.
                evicted.evicted.notify_one();
            }
        }
        let id = table.next_id;
        table.next_id += 1;
        let slot = Arc::new(Slot::default());
        table.open.insert(id, Arc::clone(&slot));
        Some(SlotGuard {
            slots: Arc::clone(self),
            id,
            slot,
        })
    }

    /// How many connections hold a place.
    #[cfg(test)]
    fn open(&self) -> usize {
        self.lock().open.len()
    }
}

#[cfg(test)]
mod tests {
    use super::ConnectionSlots;

    #[tokio::test]
    async fn a_new_connection_evicts_the_oldest_not_being_answered() {
        let slots = ConnectionSlots::new(2);
        let first = slots.admit().expect("room");
        let second = slots.admit().expect("room");
        first.slot().set_answering(true);
        let third = slots.admit().expect("the second makes room");
        assert_eq!(slots.open(), 2);
        // The second was told; the first, being answered, was not.
        second.slot().evicted().await;
        third.slot().set_answering(true);
        assert!(slots.admit().is_none(), "every open connection is being answered");
        drop(first);
        assert_eq!(slots.open(), 1, "a dropped guard frees its place");
        assert!(slots.admit().is_some());
    }
}
