//! One X-Ray sampling rule as the sampler applies it to new traces ([`Applier`]): its
//! reservoir, then its fixed rate, and the counts X-Ray is told; and the sampling used
//! when no rule applies ([`Fallback`]).
//!
//! As X-Ray documents it, a rule samples up to its reservoir's traces each second, then
//! its fixed rate of the rest. The reservoir is shared by every client of the rule, so
//! until X-Ray assigns this client a quota (its first target), the client borrows 1
//! trace per second from it when the rule has a reservoir at all; with a quota, it takes
//! up to the quota each second until the quota's TTL, then only the fixed rate, until
//! the next target. The fixed rate decides by the trace id's randomness (its right-most
//! 56 bits, as consistent probability sampling does), so every service at the same rate
//! keeps the same traces; it writes no `ot=th` threshold, since with a reservoir in front
//! no single probability describes the decision.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use otel_kit_core::__private::consistent_sampling::Threshold;

use crate::rate_limit::RateLimitedRoot;
use crate::xray::rules::Rule;
use crate::xray::targets::{Statistics, Target};

/// See the module docs. Cheap to clone: the counts and the reservoir's bucket are
/// shared, so a rule set rebuilt around an applier (new rules, a new target for another
/// rule) keeps them.
#[derive(Clone, Debug)]
pub(crate) struct Applier {
    pub(crate) rule: Arc<Rule>,
    counts: Arc<Counts>,
    reservoir: Option<Reservoir>,
    /// `None` samples nothing (a fixed rate of 0).
    fixed_rate: Option<Threshold>,
}

/// The traces per second a rule takes before its fixed rate.
#[derive(Clone, Debug)]
struct Reservoir {
    bucket: RateLimitedRoot,
    per_second: u64,
    /// When the quota ends (its TTL); `None` for the borrowed 1 per second, which lasts
    /// until the first target.
    until: Option<Instant>,
    /// The traces are borrowed (no quota yet): counted as `BorrowCount`.
    borrowed: bool,
}

/// What X-Ray is told about a rule: roots that matched it, how many were sampled, and
/// how many of those were borrowed from the reservoir.
#[derive(Debug, Default)]
struct Counts {
    requests: AtomicU64,
    sampled: AtomicU64,
    borrowed: AtomicU64,
}

impl Applier {
    /// The rule before any target: 1 borrowed trace per second when it has a reservoir,
    /// then its fixed rate.
    pub(crate) fn new(rule: Rule) -> Self {
        let reservoir = (rule.reservoir_size > 0).then(|| Reservoir {
            bucket: RateLimitedRoot::new(1.0),
            per_second: 1,
            until: None,
            borrowed: true,
        });
        Applier {
            fixed_rate: Threshold::from_probability(rule.fixed_rate),
            rule: Arc::new(rule),
            counts: Arc::default(),
            reservoir,
        }
    }

    /// Whether a new trace of this rule, of 56-bit `randomness`, is sampled; counted.
    ///
    /// A decision adds to the counts in the order requests, sampled, borrowed, and a
    /// report takes them in the opposite order (see
    /// [`take_statistics`](Self::take_statistics)), without a lock on this path.
    pub(crate) fn decide(&self, randomness: u64) -> bool {
        let counts = &self.counts;
        counts.requests.fetch_add(1, Ordering::AcqRel);
        if let Some(reservoir) = &self.reservoir
            && reservoir.until.is_none_or(|until| Instant::now() < until)
            && reservoir.bucket.try_acquire()
        {
            counts.sampled.fetch_add(1, Ordering::AcqRel);
            if reservoir.borrowed {
                counts.borrowed.fetch_add(1, Ordering::AcqRel);
            }
            return true;
        }
        let sampled = self.fixed_rate.is_some_and(|t| t.samples(randomness));
        if sampled {
            counts.sampled.fetch_add(1, Ordering::AcqRel);
        }
        sampled
    }

    /// The counts since the last report, reset; `None` when no trace matched the rule
    /// (X-Ray is told only of rules in use, as AWS's samplers do).
    ///
    /// A decision racing the report may land its request in this report and its sample in
    /// the next; so that no document says more were sampled than requested (or borrowed
    /// than sampled), the excess waits for the next report. Nothing is lost: over all
    /// reports, the sums are the decisions made.
    pub(crate) fn take_statistics(&self) -> Option<Statistics> {
        let counts = &self.counts;
        let mut borrowed = counts.borrowed.swap(0, Ordering::AcqRel);
        let mut sampled = counts.sampled.swap(0, Ordering::AcqRel);
        let requests = counts.requests.swap(0, Ordering::AcqRel);
        if sampled > requests {
            counts.sampled.fetch_add(sampled - requests, Ordering::AcqRel);
            sampled = requests;
        }
        if borrowed > sampled {
            counts.borrowed.fetch_add(borrowed - sampled, Ordering::AcqRel);
            borrowed = sampled;
        }
        (requests > 0).then(|| Statistics {
            rule: self.rule.name.clone(),
            requests,
            sampled,
            borrowed,
        })
    }

    /// The rule with X-Ray's `target` for this client, received at `now` (`now_epoch`
    /// in seconds since the epoch, the clock the quota's TTL is on). A quota of the same
    /// size keeps its bucket, and what it has used up this second.
    pub(crate) fn with_target(&self, target: &Target, now: Instant, now_epoch: f64) -> Applier {
        let reservoir = target
            .quota
            .filter(|(per_second, _)| *per_second > 0)
            .map(|(per_second, ttl)| {
                let left = Duration::try_from_secs_f64(ttl - now_epoch).unwrap_or(Duration::ZERO);
                let bucket = match &self.reservoir {
                    Some(current) if !current.borrowed && current.per_second == per_second => {
                        current.bucket.clone()
                    }
                    _ => RateLimitedRoot::new(per_second as f64),
                };
                Reservoir {
                    bucket,
                    per_second,
                    // A TTL too far ahead for the clock is no end.
                    until: now.checked_add(left),
                    borrowed: false,
                }
            });
        Applier {
            rule: Arc::clone(&self.rule),
            counts: Arc::clone(&self.counts),
            reservoir,
            fixed_rate: Threshold::from_probability(target.fixed_rate),
        }
    }
}

/// The sampling before the first rules arrive, and for a trace no rule matches: X-Ray's
/// default rule, 1 trace per second and then 5% of the rest, as AWS's samplers fall
/// back to. Never counted: it is no rule of X-Ray's.
#[derive(Debug)]
pub(crate) struct Fallback {
    bucket: RateLimitedRoot,
    fixed_rate: Option<Threshold>,
}

impl Fallback {
    pub(crate) const PER_SECOND: f64 = 1.0;
    pub(crate) const FIXED_RATE: f64 = 0.05;

    pub(crate) fn new() -> Self {
        Fallback {
            bucket: RateLimitedRoot::new(Self::PER_SECOND),
            fixed_rate: Threshold::from_probability(Self::FIXED_RATE),
        }
    }

    pub(crate) fn decide(&self, randomness: u64) -> bool {
        self.bucket.try_acquire() || self.fixed_rate.is_some_and(|t| t.samples(randomness))
    }
}
