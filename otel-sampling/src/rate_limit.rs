//! The root sampler of `parentbased_ratelimited`: at most N new traces per second,
//! lock-free.
//!
//! The budget is a token bucket kept as one atomic number, the generic cell rate
//! algorithm (GCRA): `tat` is the time at which the bucket will be full again. A trace
//! is admitted when that time is at most `tolerance` ahead of now, and admitting it
//! pushes `tat` one `interval` further. One compare-and-swap per decision, no lock, and
//! the state cannot drift because nothing is refilled by a timer.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

const NANOS_PER_SECOND: f64 = 1e9;

/// Admits a root span when the shared bucket has a token. Clones share the bucket, so
/// however the SDK copies the sampler there is one budget per `into_sampler` call.
#[derive(Clone, Debug)]
pub(super) struct RateLimitedRoot {
    bucket: Arc<Bucket>,
}

impl RateLimitedRoot {
    pub(super) fn new(traces_per_second: f64) -> Self {
        Self {
            bucket: Arc::new(Bucket::new(traces_per_second, Clock::monotonic())),
        }
    }

    /// Takes a token when the bucket has one.
    pub(super) fn try_acquire(&self) -> bool {
        self.bucket.try_acquire()
    }
}

/// Where "now" comes from: the monotonic clock, or in tests a value the test sets.
#[derive(Debug)]
enum Clock {
    Monotonic(Instant),
    #[cfg(test)]
    Manual(Arc<AtomicU64>),
}

impl Clock {
    fn monotonic() -> Self {
        Self::Monotonic(Instant::now())
    }

    /// Nanoseconds since the bucket was made.
    fn now(&self) -> u64 {
        match self {
            // 2^64 ns is 584 years of uptime; saturating is enough.
            Self::Monotonic(start) => u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX),
            #[cfg(test)]
            Self::Manual(nanos) => nanos.load(Ordering::SeqCst),
        }
    }
}

#[derive(Debug)]
struct Bucket {
    /// The rate is not finite and positive: admit nothing (never reached after
    /// `validate`, but `into_sampler` must still do something defined).
    closed: bool,
    /// Nanoseconds per admitted trace, rounded up so the rate is never exceeded.
    interval: u64,
    /// How far `tat` may run ahead of now: `burst - 1` intervals.
    tolerance: u64,
    /// The theoretical arrival time, in `clock` nanoseconds. Starts at 0, i.e. full.
    tat: AtomicU64,
    clock: Clock,
}

impl Bucket {
    fn new(traces_per_second: f64, clock: Clock) -> Self {
        let closed = traces_per_second.is_nan() || traces_per_second <= 0.0;
        // `as` saturates: a tiny rate gives u64::MAX, an infinite one 0 (admit all).
        let interval = (NANOS_PER_SECOND / traces_per_second).ceil() as u64;
        let burst = traces_per_second.floor().max(1.0) as u64;
        Self {
            closed,
            interval,
            tolerance: (burst - 1).saturating_mul(interval),
            tat: AtomicU64::new(0),
            clock,
        }
    }

    fn try_acquire(&self) -> bool {
        if self.closed {
            return false;
        }
        let now = self.clock.now();
        let mut current = self.tat.load(Ordering::Acquire);
        loop {
            // A bucket idle for long is simply full: `tat` never lags behind now.
            let tat = current.max(now);
            if tat - now > self.tolerance {
                return false;
            }
            match self.tat.compare_exchange_weak(
                current,
                tat.saturating_add(self.interval),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return true,
                Err(actual) => current = actual,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::thread;

    use opentelemetry::Context;
    use opentelemetry::trace::{
        SpanContext, SpanId, SpanKind, TraceContextExt as _, TraceFlags, TraceId, TraceState,
    };
    use opentelemetry_sdk::trace::{SamplingDecision, ShouldSample as _};

    use super::super::runtime::{RuntimeSampler, SamplerState, Shape};
    use super::*;

    const SECOND: u64 = 1_000_000_000;

    fn manual(traces_per_second: f64) -> (Bucket, Arc<AtomicU64>) {
        let now = Arc::new(AtomicU64::new(0));
        (Bucket::new(traces_per_second, Clock::Manual(now.clone())), now)
    }

    fn admitted(bucket: &Bucket, attempts: usize) -> usize {
        (0..attempts).filter(|_| bucket.try_acquire()).count()
    }

    #[test]
    fn admits_the_burst_then_exactly_the_rate_each_second() {
        let (bucket, now) = manual(10.0);
        assert_eq!(admitted(&bucket, 100), 10, "the initial burst is max(1, rate)");
        assert_eq!(admitted(&bucket, 100), 0, "no time passed, no refill");
        for second in 1..=5 {
            now.store(second * SECOND, Ordering::SeqCst);
            assert_eq!(admitted(&bucket, 100), 10, "second {second}");
        }
    }

    #[test]
    fn refills_in_proportion_to_elapsed_time() {
        let (bucket, now) = manual(10.0);
        assert_eq!(admitted(&bucket, 100), 10);
        now.store(SECOND / 2, Ordering::SeqCst);
        assert_eq!(admitted(&bucket, 100), 5);
        now.store(SECOND / 2 + SECOND / 10 - 1, Ordering::SeqCst);
        assert_eq!(admitted(&bucket, 100), 0, "one token takes a full 100 ms");
        now.store(SECOND / 2 + SECOND / 10, Ordering::SeqCst);
        assert_eq!(admitted(&bucket, 100), 1);
    }

    #[test]
    fn an_idle_bucket_holds_at_most_one_burst() {
        let (bucket, now) = manual(10.0);
        now.store(3600 * SECOND, Ordering::SeqCst);
        assert_eq!(admitted(&bucket, 1000), 10);
    }

    #[test]
    fn a_rate_below_one_allows_a_burst_of_one() {
        let (bucket, now) = manual(0.5);
        assert_eq!(admitted(&bucket, 10), 1);
        now.store(SECOND, Ordering::SeqCst);
        assert_eq!(admitted(&bucket, 10), 0, "one trace per two seconds");
        now.store(2 * SECOND, Ordering::SeqCst);
        assert_eq!(admitted(&bucket, 10), 1);
    }

    #[test]
    fn a_fractional_rate_rounds_the_burst_down() {
        let (bucket, now) = manual(2.5);
        assert_eq!(admitted(&bucket, 10), 2);
        // 10 s at 2.5/s is 25 traces, however the requests are spread.
        let mut total = 0;
        for tenth in 1..=100 {
            now.store(tenth * SECOND / 10, Ordering::SeqCst);
            total += admitted(&bucket, 10);
        }
        assert_eq!(total, 25);
    }

    #[test]
    fn invalid_rates_admit_nothing_and_infinite_admits_all() {
        for rate in [0.0, -1.0, f64::NAN, f64::NEG_INFINITY] {
            let (bucket, _) = manual(rate);
            assert_eq!(admitted(&bucket, 10), 0, "rate {rate}");
        }
        let (bucket, _) = manual(f64::INFINITY);
        assert_eq!(admitted(&bucket, 1000), 1000);
    }

    #[test]
    fn eight_threads_never_get_more_than_the_bucket_holds() {
        let (bucket, _) = manual(100.0);
        let bucket = Arc::new(bucket);
        let per_thread: Vec<usize> = thread::scope(|s| {
            let handles: Vec<_> = (0..8).map(|_| s.spawn(|| admitted(&bucket, 1000))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(
            per_thread.iter().sum::<usize>(),
            100,
            "per thread: {per_thread:?}"
        );
    }

    #[test]
    fn eight_threads_with_a_moving_clock_stay_within_burst_plus_refill() {
        let (bucket, now) = manual(100.0);
        let bucket = Arc::new(bucket);
        let steps = 200u64;
        let step = SECOND / 1000; // 1 ms: 200 ms in all, so 20 refilled tokens
        let total: usize = thread::scope(|s| {
            let workers: Vec<_> = (0..8)
                .map(|_| s.spawn(|| (0..5000).filter(|_| bucket.try_acquire()).count()))
                .collect();
            s.spawn(|| {
                for i in 1..=steps {
                    now.store(i * step, Ordering::SeqCst);
                    thread::yield_now();
                }
            });
            workers.into_iter().map(|h| h.join().unwrap()).sum()
        });
        let end = now.load(Ordering::SeqCst);
        let bound = 100 + usize::try_from(end / bucket.interval).unwrap();
        assert!(total <= bound, "admitted {total}, bucket allows at most {bound}");
        assert!(total >= 100, "admitted {total}, the initial burst alone is 100");
    }

    #[test]
    fn the_sampler_reports_the_bucket_and_keeps_the_parent_trace_state() {
        let now = Arc::new(AtomicU64::new(0));
        let root = RateLimitedRoot {
            bucket: Arc::new(Bucket::new(1.0, Clock::Manual(now))),
        };
        let sampler = RuntimeSampler::new(
            SamplerState::new(0.0, false, Default::default()),
            Shape::ParentBasedRateLimited(root),
        );
        // Ids that are not valid: no parent, so the bucket decides; its trace state is
        // still passed on, as the SDK's samplers do.
        let parent = SpanContext::new(
            TraceId::INVALID,
            SpanId::INVALID,
            TraceFlags::default(),
            true,
            TraceState::from_key_value([("vendor", "x")]).unwrap(),
        );
        let cx = Context::new().with_remote_span_context(parent);
        let decide = || sampler.should_sample(Some(&cx), TraceId::from(2), "s", &SpanKind::Server, &[], &[]);
        let first = decide();
        assert_eq!(first.decision, SamplingDecision::RecordAndSample);
        assert_eq!(first.trace_state.get("vendor"), Some("x"));
        assert_eq!(decide().decision, SamplingDecision::Drop);
    }
}
