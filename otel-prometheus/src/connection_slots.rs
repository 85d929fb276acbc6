//! The listener's connection cap, fair between client addresses: at most `max`
//! connections are open at once. A new one takes the place of a connection that is not
//! being answered (one that connected and said nothing, sent half a request, or sits idle
//! between scrapes), taken from the address that holds the most places, oldest first: a
//! flood from one address evicts its own connections, never a scraper's from another.
//! At most half the cap is being answered at once, except that an address with no answer
//! in progress is always answered: clients that send requests and never read the
//! answers can neither hold every place nor lock out a scraper at another address.
//! When every place is taken by an answer in progress (non-readers from as many
//! addresses as there are places), a new connection from an address that holds no place
//! takes the place of the answer stuck longest, once it has been stuck for [`STUCK`]; one
//! from an address that holds a place, or whose own answer was taken as stuck within
//! [`NOT_READING`], is closed. A scraper reads its answer in milliseconds and holds no
//! place between scrapes, so a fresh one always finds a place, however many addresses
//! hold the others and however often they reconnect: their answers stay stuck, and an
//! address that lost a stuck answer cannot take another's in turn.
//!
//! "Address" means an IPv4 address, or an IPv6 address's /64: one host is commonly given
//! a whole /64, so a client rotating through the addresses of its own /64 is still one
//! client here.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// How long an answer must have been in progress before a new connection may take its
/// place when no place is free otherwise: far longer than a scraper on any network
/// takes to read a first window of its answer, far shorter than the write timeout.
pub(super) const STUCK: Duration = Duration::from_secs(1);

/// How long an address whose answer was taken as stuck may not take a stuck answer's
/// place in turn: otherwise each non-reader that lost its place would take another's, a
/// chain that keeps every answer younger than [`STUCK`] and a scraper out.
pub(super) const NOT_READING: Duration = Duration::from_secs(30);

/// Most addresses remembered as not reading; past it the oldest is forgotten.
const NOT_READING_REMEMBERED: usize = 4096;

/// The client `peer` counts as: an IPv4 address (an IPv4-mapped IPv6 one too), or the /64
/// of an IPv6 address.
fn client_of(peer: IpAddr) -> IpAddr {
    match peer {
        IpAddr::V4(_) => peer,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        },
    }
}

/// The open connections, oldest first.
#[derive(Debug)]
pub(super) struct ConnectionSlots {
    max: usize,
    table: Mutex<Table>,
    /// What the slots' answer times are counted from.
    epoch: Instant,
}

#[derive(Debug, Default)]
struct Table {
    next_id: u64,
    /// By id, which grows with each connection: the first entry is the oldest.
    open: BTreeMap<u64, Arc<Slot>>,
    /// Addresses whose answer was taken as stuck, and when (milliseconds from the
    /// epoch), oldest first.
    not_reading: Vec<(IpAddr, u64)>,
}

/// One open connection's place.
#[derive(Debug)]
pub(super) struct Slot {
    peer: IpAddr,
    /// A request head was read and its answer is not yet written: not to be evicted
    /// (unless stuck, see the module docs).
    answering: AtomicBool,
    /// When the answer in progress began, in milliseconds from the slots' epoch.
    answering_since: AtomicU64,
    evicted: Notify,
}

impl Slot {
    /// Its answer is all in the socket (or it got none): it may be evicted again.
    pub(super) fn answered(&self) {
        self.answering.store(false, Ordering::Relaxed);
    }

    /// Resolves when a newer connection took this one's place.
    pub(super) async fn evicted(&self) {
        self.evicted.notified().await;
    }

    fn is_answering(&self) -> bool {
        self.answering.load(Ordering::Relaxed)
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

    /// Whether this connection's request may be answered now (then it is marked as being
    /// answered until [`Slot::answered`]): yes while fewer than half the cap are being
    /// answered, and always when its address has no answer in progress; no means a cheap
    /// refusal, without a collection.
    pub(super) fn may_answer(&self) -> bool {
        self.may_answer_at(Instant::now())
    }

    fn may_answer_at(&self, now: Instant) -> bool {
        let table = self.slots.lock();
        let (mut answering, mut peer_answering) = (0, 0);
        for slot in table.open.values().filter(|s| s.is_answering()) {
            answering += 1;
            if slot.peer == self.slot.peer {
                peer_answering += 1;
            }
        }
        let allowed = answering < self.slots.max_answering() || peer_answering == 0;
        if allowed {
            self.slot
                .answering_since
                .store(self.slots.millis(now), Ordering::Relaxed);
            self.slot.answering.store(true, Ordering::Relaxed);
        }
        allowed
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
            epoch: Instant::now(),
        })
    }

    fn millis(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.epoch).as_millis()).unwrap_or(u64::MAX)
    }

    /// Half the cap, at least one.
    fn max_answering(&self) -> usize {
        (self.max / 2).max(1)
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        // Each change is one insert, one remove or one flag: a poisoned table is consistent.
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for a new connection from `peer`. When all are taken, it evicts the oldest
    /// connection not being answered of the address holding the most places, else the
    /// answer stuck longest once stuck for [`STUCK`]; `None` when every open connection
    /// is an answer in progress for less than that (the new one is closed).
    pub(super) fn admit(self: &Arc<Self>, peer: IpAddr) -> Option<SlotGuard> {
        self.admit_at(peer, Instant::now())
    }

    fn admit_at(self: &Arc<Self>, peer: IpAddr, now: Instant) -> Option<SlotGuard> {
        let peer = client_of(peer);
        let mut table = self.lock();
        if table.open.len() >= self.max {
            let (victim, stuck) = match Self::victim(&table, peer) {
                Some(victim) => (victim, false),
                None => (self.stuck_longest(&table, now, peer)?, true),
            };
            if let Some(evicted) = table.open.remove(&victim) {
                if stuck {
                    let at = self.millis(now);
                    table.not_reading.retain(|(address, _)| *address != evicted.peer);
                    if table.not_reading.len() == NOT_READING_REMEMBERED {
                        table.not_reading.remove(0);
                    }
                    table.not_reading.push((evicted.peer, at));
                }
                // Stored as a permit if its task is not waiting yet.
                evicted.evicted.notify_one();
            }
        }
        let id = table.next_id;
        table.next_id += 1;
        let slot = Arc::new(Slot {
            peer,
            answering: AtomicBool::new(false),
            answering_since: AtomicU64::new(0),
            evicted: Notify::new(),
        });
        table.open.insert(id, Arc::clone(&slot));
        Some(SlotGuard {
            slots: Arc::clone(self),
            id,
            slot,
        })
    }

    /// The oldest connection not being answered, of the address with the most places
    /// (the cap is small: counting is cheaper than keeping counts), for a new connection
    /// from `peer`: its own, or one of an address holding at least two places more than
    /// `peer`. An even swap gains no fairness, and would let a non-reader that lost its
    /// place take a scraper's between its connecting and its request being read.
    fn victim(table: &Table, peer: IpAddr) -> Option<u64> {
        let places = |peer: IpAddr| table.open.values().filter(|s| s.peer == peer).count();
        let own = places(peer);
        let mut best: Option<(usize, u64)> = None;
        let mut counted: Vec<(IpAddr, usize)> = Vec::new();
        for (id, slot) in table.open.iter().filter(|(_, s)| !s.is_answering()) {
            let held = match counted.iter().find(|(p, _)| *p == slot.peer) {
                Some((_, held)) => *held,
                None => {
                    let held = places(slot.peer);
                    counted.push((slot.peer, held));
                    held
                }
            };
            if slot.peer != peer && held < own + 2 {
                continue;
            }
            // Ids ascend: a later one replaces the best only with strictly more places.
            if best.is_none_or(|(most, _)| held > most) {
                best = Some((held, *id));
            }
        }
        best.map(|(_, id)| id)
    }

    /// The answer in progress that began first, if it has been in progress for [`STUCK`]
    /// at `now`, for a new connection from `peer`; none when `peer` holds a place or lost
    /// a stuck answer within [`NOT_READING`]. Non-readers that keep reconnecting would
    /// otherwise replace their answers (or each other's) as soon as they became stuck, so
    /// that none stayed stuck for long, and a scraper would find every place taken by an
    /// answer younger than [`STUCK`].
    fn stuck_longest(&self, table: &Table, now: Instant, peer: IpAddr) -> Option<u64> {
        let millis = self.millis(now);
        let stuck_before = millis.checked_sub(STUCK.as_millis() as u64)?;
        if table.open.values().any(|s| s.peer == peer) {
            return None;
        }
        let reading_again = millis.saturating_sub(NOT_READING.as_millis() as u64);
        if table
            .not_reading
            .iter()
            .any(|(address, at)| *address == peer && *at > reading_again)
        {
            return None;
        }
        table
            .open
            .iter()
            .filter(|(_, s)| s.is_answering())
            .map(|(id, s)| (s.answering_since.load(Ordering::Relaxed), *id))
            .filter(|(since, _)| *since <= stuck_before)
            .min()
            .map(|(_, id)| id)
    }

    /// Whether `guard`'s connection still holds its place.
    #[cfg(test)]
    fn holds(&self, guard: &SlotGuard) -> bool {
        self.lock().open.contains_key(&guard.id)
    }

    /// How many connections hold a place.
    #[cfg(test)]
    fn open(&self) -> usize {
        self.lock().open.len()
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use super::ConnectionSlots;

    const A: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    const C: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3));

    #[tokio::test]
    async fn a_new_connection_evicts_the_oldest_not_being_answered() {
        let slots = ConnectionSlots::new(2);
        let first = slots.admit(A).expect("room");
        let second = slots.admit(A).expect("room");
        assert!(first.may_answer());
        let third = slots.admit(B).expect("the second makes room");
        assert_eq!(slots.open(), 2);
        // The second was told; the first, being answered, was not.
        second.slot().evicted().await;
        assert!(
            third.may_answer(),
            "half the cap is being answered, but B has no answer in progress"
        );
        assert!(
            slots.admit(A).is_none(),
            "every open connection is being answered"
        );
        drop(first);
        assert_eq!(slots.open(), 1, "a dropped guard frees its place");
        assert!(slots.admit(A).is_some());
    }

    #[tokio::test]
    async fn the_address_holding_the_most_places_loses_one() {
        let slots = ConnectionSlots::new(4);
        let scraper = slots.admit(B).expect("room");
        let flood: Vec<_> = (0..3).map(|_| slots.admit(A).expect("room")).collect();
        // The scraper is the oldest, but its address holds one place of four.
        let _newer = slots.admit(A).expect("room");
        // A wrong victim leaves the flood's oldest in place: fail, do not hang.
        tokio::time::timeout(std::time::Duration::from_secs(5), flood[0].slot().evicted())
            .await
            .expect("the flood's oldest connection was evicted");
        for _ in 0..20 {
            let _churn = slots.admit(A).expect("room");
        }
        assert!(
            slots.holds(&scraper),
            "the scraper kept its place through the churn"
        );
    }

    #[tokio::test]
    async fn answers_stuck_at_every_address_give_way_to_a_new_connection() {
        use std::time::{Duration, Instant};

        use super::STUCK;

        let slots = ConnectionSlots::new(4);
        let start = Instant::now();
        // Four addresses, each with an answer in progress that it never reads.
        let stuck: Vec<_> = (2..6)
            .map(|last| {
                let peer = IpAddr::V4(Ipv4Addr::new(127, 0, 0, last));
                let guard = slots.admit_at(peer, start).expect("room");
                let at = start + Duration::from_millis(u64::from(last) * 10);
                assert!(guard.may_answer_at(at), "no answer in progress at its address");
                guard
            })
            .collect();
        assert!(
            slots.admit_at(A, start + STUCK / 2).is_none(),
            "answers in progress for less than STUCK keep their places"
        );
        let scraper = slots
            .admit_at(A, start + STUCK + Duration::from_millis(25))
            .expect("the answer stuck longest gives way");
        tokio::time::timeout(Duration::from_secs(5), stuck[0].slot().evicted())
            .await
            .expect("the first stuck answer was evicted");
        assert!(slots.holds(&stuck[1]) && slots.holds(&scraper));
        assert!(
            scraper.may_answer_at(start + STUCK),
            "its address has no answer in progress"
        );
    }

    #[test]
    fn a_stuck_answer_gives_way_to_a_new_address_not_to_one_reconnecting() {
        use std::time::{Duration, Instant};

        use super::STUCK;

        let slots = ConnectionSlots::new(2);
        let start = Instant::now();
        let b = slots.admit_at(B, start).expect("room");
        assert!(b.may_answer_at(start));
        let c = slots
            .admit_at(C, start + Duration::from_millis(10))
            .expect("room");
        assert!(c.may_answer_at(start + Duration::from_millis(10)));
        let later = start + STUCK + Duration::from_millis(50);
        // C reconnects: it holds a place, so no stuck answer gives way, its own included.
        assert!(slots.admit_at(C, later).is_none(), "C holds a place");
        assert!(slots.holds(&b) && slots.holds(&c), "both answers stay stuck");
        // A holds no place: it takes the answer stuck longest, B's.
        let a = slots.admit_at(A, later).expect("a new address finds a place");
        assert!(!slots.holds(&b) && slots.holds(&a) && slots.holds(&c));
        assert!(a.may_answer_at(later));
        // B, which lost its stuck answer, holds no place now, yet may not take C's stuck
        // answer in turn: a chain of non-readers would keep every answer young.
        let even_later = later + STUCK;
        assert!(slots.admit_at(B, even_later).is_none(), "B did not read");
        assert!(slots.holds(&c));
        drop(a);
        // Once it may have read again, it is admitted like any address.
        let much_later = later + super::NOT_READING + Duration::from_millis(10);
        assert!(slots.admit_at(B, much_later).is_some(), "a free place");
    }

    #[test]
    fn a_chain_of_non_readers_leaves_a_scraper_a_place() {
        use std::time::{Duration, Instant};

        use super::{STUCK, SlotGuard};

        // Four places, each held by a non-reader's stuck answer; every non-reader that
        // loses its place reconnects at once. The scraper (A) scrapes every 300 ms.
        let slots = ConnectionSlots::new(4);
        let start = Instant::now();
        let mut held: Vec<SlotGuard> = (0..4u8)
            .map(|n| {
                let peer = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2 + n));
                let guard = slots.admit_at(peer, start).expect("room");
                assert!(guard.may_answer_at(start));
                guard
            })
            .collect();
        for step in 0..40u64 {
            let now = start + STUCK + Duration::from_millis(300 * step);
            let scraper = slots
                .admit_at(A, now)
                .unwrap_or_else(|| panic!("scrape {step} found no place"));
            // Not yet answered: its request is still on its way.
            // While the scraper reads, each non-reader without a place reconnects and
            // asks again, until none gets in.
            loop {
                held.retain(|g| slots.holds(g));
                let mut admitted = false;
                for n in 0..4u8 {
                    let peer = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2 + n));
                    if !held.iter().any(|g| g.slot.peer == peer)
                        && let Some(guard) = slots.admit_at(peer, now)
                    {
                        assert!(guard.may_answer_at(now));
                        held.push(guard);
                        admitted = true;
                    }
                }
                if !admitted {
                    break;
                }
            }
            assert!(
                slots.holds(&scraper),
                "scrape {step} kept its place while reading"
            );
            drop(scraper);
        }
    }

    /// Non-readers that reconnect from a new address of their /64 each time (a few
    /// hundred in all) are one client: they cannot take each other's stuck answers in a
    /// chain that keeps a scraper out, as distinct addresses could.
    #[test]
    fn non_readers_rotating_through_one_ipv6_64_leave_a_scraper_a_place() {
        use std::net::Ipv6Addr;
        use std::time::{Duration, Instant};

        use super::{STUCK, SlotGuard};

        let slots = ConnectionSlots::new(4);
        let start = Instant::now();
        let mut next = 0u16;
        let mut rotated = || {
            next += 1;
            IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 7, 0, 0, next / 256, next % 256))
        };
        // Four non-readers from four /64s hold every place with stuck answers.
        let mut held: Vec<SlotGuard> = (0..4u16)
            .map(|n| {
                let peer = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, n, 0, 0, 0, 1));
                let guard = slots.admit_at(peer, start).expect("room");
                assert!(guard.may_answer_at(start));
                guard
            })
            .collect();
        // The non-readers reconnect all the time, each time from a new address of the one
        // /64 the attacker holds, and ask for an answer they will not read.
        let mut reconnect = |held: &mut Vec<SlotGuard>, now: Instant| {
            for _ in 0..4 {
                held.retain(|g| slots.holds(g));
                if let Some(guard) = slots.admit_at(rotated(), now) {
                    guard.may_answer_at(now);
                    held.push(guard);
                }
            }
        };
        for step in 0..40u64 {
            let now = start + STUCK + Duration::from_millis(300 * step);
            reconnect(&mut held, now);
            let scraper = slots
                .admit_at(A, now)
                .unwrap_or_else(|| panic!("scrape {step} found no place"));
            reconnect(&mut held, now);
            assert!(
                slots.holds(&scraper),
                "scrape {step} kept its place while reading"
            );
            drop(scraper);
        }
        assert!(next > 300, "{next} addresses rotated through");
        assert_eq!(
            super::client_of("::ffff:10.0.0.1".parse().expect("an address")),
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1))
        );
    }

    #[test]
    fn at_most_half_the_cap_is_answered_unless_the_address_has_none_in_progress() {
        let slots = ConnectionSlots::new(8);
        let flood: Vec<_> = (0..6).map(|_| slots.admit(A).expect("room")).collect();
        let answered = flood.iter().filter(|g| g.may_answer()).count();
        assert_eq!(answered, 4, "half the cap");
        let other = slots.admit(B).expect("room");
        assert!(other.may_answer(), "an address with no answer in progress");
        let third = slots.admit(C).expect("room");
        assert!(third.may_answer());
        flood[0].slot().answered();
        assert!(
            !flood[4].may_answer(),
            "five are being answered, three of them for A"
        );
        drop(other);
        drop(third);
        assert!(flood[4].may_answer(), "three are being answered");
    }
}
