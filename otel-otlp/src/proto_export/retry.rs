//! Retrying a failed export as opentelemetry-otlp 0.33 does (its recommended policy):
//! up to 3 retries, the delay doubling from 100 ms to at most 1.6 s plus up to 100 ms of
//! jitter, a server's requested delay (HTTP `Retry-After`, gRPC `RetryInfo`) honoured up
//! to 30 s, and never past the export timeout. Only failures the OTLP specification
//! calls transient are retried. Each attempt gets the time left of the export timeout and
//! no more, so one export, retries included, ends within the timeout (plus the
//! scheduling of the export runtime's timer, a few milliseconds).

use std::future::Future;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

const MAX_RETRIES: u32 = 3;
const INITIAL_DELAY: Duration = Duration::from_millis(100);
const MAX_DELAY: Duration = Duration::from_millis(1600);
const MAX_JITTER_MS: u64 = 100;
/// The longest delay a server may ask for.
const MAX_THROTTLE: Duration = Duration::from_secs(30);

/// Whether a failed attempt may be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Retry {
    No,
    Yes,
    /// The server asked to wait this long first.
    After(Duration),
}

/// A failed attempt: what to tell the user, and whether to try again.
#[derive(Debug)]
pub(super) struct Failure {
    pub(super) message: String,
    pub(super) retry: Retry,
    /// The attempt was cut off at the export's deadline: its connection may be one that
    /// no longer answers.
    pub(super) timed_out: bool,
}

impl Failure {
    pub(super) fn new(message: impl Into<String>, retry: Retry) -> Self {
        Failure {
            message: message.into(),
            retry,
            timed_out: false,
        }
    }

    fn deadline_passed(timeout: Duration) -> Self {
        Failure {
            message: format!("no answer within the export timeout ({timeout:?}), connecting included"),
            retry: Retry::No,
            timed_out: true,
        }
    }
}

/// Runs `attempt` until it succeeds, fails for good, or `deadline` (from now) would
/// pass before the next try; an attempt still running at the deadline is dropped.
/// Sleeps with tokio's timer: this runs on the export runtime.
pub(super) async fn with_retries<T, F, Fut>(deadline: Duration, mut attempt: F) -> Result<T, Failure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let start = Instant::now();
    let mut retries = 0;
    let mut delay = INITIAL_DELAY;
    let mut cap = MAX_DELAY;
    loop {
        let left = deadline.saturating_sub(start.elapsed());
        let failure = match tokio::time::timeout(left, attempt()).await {
            Ok(Ok(done)) => return Ok(done),
            Ok(Err(failure)) => failure,
            Err(_) => return Err(Failure::deadline_passed(deadline)),
        };
        if retries >= MAX_RETRIES || start.elapsed() >= deadline {
            return Err(failure);
        }
        match failure.retry {
            Retry::No => return Err(failure),
            Retry::Yes => {}
            Retry::After(asked) => {
                let asked = asked.min(MAX_THROTTLE);
                if asked > cap {
                    cap = MAX_THROTTLE;
                }
                delay = delay.max(asked);
            }
        }
        let sleep = (delay + jitter()).min(cap);
        if sleep >= deadline.saturating_sub(start.elapsed()) {
            return Err(failure);
        }
        retries += 1;
        tokio::time::sleep(sleep).await;
        delay = (delay * 2).min(cap);
    }
}

/// Up to 100 ms, from the clock's nanoseconds: enough to spread exporters that failed
/// together.
fn jitter() -> Duration {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    Duration::from_millis(u64::from(nanos) % (MAX_JITTER_MS + 1))
}

/// What to set instead of a compression the collector refused (it answered 415 or 400
/// over HTTP, `UNIMPLEMENTED` over gRPC).
pub(super) fn instead_of(compression: otel_kit_core::otlp::Compression) -> &'static str {
    match compression {
        otel_kit_core::otlp::Compression::Gzip => "set the compression to none",
        otel_kit_core::otlp::Compression::Zstd => "set the compression to gzip or none",
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn run<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("runtime")
            .block_on(future)
    }

    #[test]
    fn transient_failures_are_retried_three_times_then_reported() {
        let tries = Cell::new(0);
        let result: Result<(), Failure> = run(with_retries(Duration::from_secs(10), || {
            tries.set(tries.get() + 1);
            async { Err(Failure::new("unavailable", Retry::Yes)) }
        }));
        assert_eq!(result.expect_err("fails").message, "unavailable");
        assert_eq!(tries.get(), 4);
    }

    #[test]
    fn a_permanent_failure_is_not_retried_and_a_success_ends_the_retries() {
        let tries = Cell::new(0);
        let result: Result<(), Failure> = run(with_retries(Duration::from_secs(10), || {
            tries.set(tries.get() + 1);
            async { Err(Failure::new("bad request", Retry::No)) }
        }));
        assert!(result.is_err());
        assert_eq!(tries.get(), 1);

        tries.set(0);
        let result = run(with_retries(Duration::from_secs(10), || {
            tries.set(tries.get() + 1);
            let n = tries.get();
            async move {
                if n < 3 {
                    Err(Failure::new("unavailable", Retry::Yes))
                } else {
                    Ok(n)
                }
            }
        }));
        assert_eq!(result.expect("third try"), 3);
    }

    #[test]
    fn no_retry_waits_past_the_deadline() {
        let tries = Cell::new(0);
        let result: Result<(), Failure> = run(async {
            let start = tokio::time::Instant::now();
            let r = with_retries(Duration::from_millis(500), || {
                tries.set(tries.get() + 1);
                async { Err(Failure::new("throttled", Retry::After(Duration::from_secs(5)))) }
            })
            .await;
            assert!(tokio::time::Instant::now() - start < Duration::from_millis(500));
            r
        });
        assert!(result.is_err());
        assert_eq!(tries.get(), 1, "a 5 s wait does not fit in 500 ms");
    }

    #[test]
    fn an_attempt_gets_only_the_time_left() {
        // A quick transient failure near the end, then an attempt that would take a
        // whole timeout of its own (a silent peer, up to the transport's own timeout).
        let tries = Cell::new(0);
        let (result, took) = run(async {
            let start = tokio::time::Instant::now();
            let r: Result<(), Failure> = with_retries(Duration::from_secs(1), || {
                tries.set(tries.get() + 1);
                let n = tries.get();
                async move {
                    if n == 1 {
                        tokio::time::sleep(Duration::from_millis(700)).await;
                    } else {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    Err(Failure::new("unavailable", Retry::Yes))
                }
            })
            .await;
            (r, tokio::time::Instant::now() - start)
        });
        assert_eq!(tries.get(), 2, "retried once");
        let failure = result.expect_err("fails");
        assert!(failure.timed_out, "{failure:?}");
        assert_eq!(took, Duration::from_secs(1), "ends at the deadline exactly");
    }
}
