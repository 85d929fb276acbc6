//! Changing the telemetry while the service runs ([`TelemetryControl`]): the sampling
//! ratio, the log and span filter, and a trace-everything override that ends by itself.
//!
//! Each change takes effect for the next span or event (an atomic store in the sampler,
//! a swap of the filters behind tracing-subscriber's `reload`) and is logged once, at
//! target `otel_kit_init`, naming the old and new values. Writers take one lock, so
//! concurrent changes are applied and logged in one order; the sampler and the filters
//! never take it.

mod error;

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

pub use error::ControlError;

use crate::sampling::{SamplerControl, Sampling};
use crate::subscriber::{FilterSwitch, LogFilter};

/// Where the changes are logged.
const TARGET: &str = "otel_kit_init";

/// Changes the sampling and the filter of one [`Telemetry`](crate::Telemetry) while it
/// runs: for a debug override during an incident, from an admin endpoint the service
/// owns (`docs/configuration.md`, "Runtime control", shows one behind the service's
/// own authentication; otel-kit-init opens no endpoint).
///
/// Take it with [`Telemetry::control`](crate::Telemetry::control). It is cheap to clone
/// (one reference count), `Send` and `Sync`, and reaches only the providers and the
/// subscriber of the `Telemetry` it came from, whether `init()` installed the globals or
/// not.
///
/// ```
/// use std::time::Duration;
/// use otel_kit_init::sampling::Sampling;
///
/// let telemetry = otel_kit_init::builder()
///     .without_globals()
///     .exporter(otel_kit_init::Exporter::None)
///     .sampling(Sampling::ratio(0.01).excluding_health_checks())
///     .init()?;
/// let control = telemetry.control();
///
/// control.set_sampling_ratio(0.5)?;
/// assert_eq!(control.sampling_ratio(), Some(0.5));
/// assert_eq!(
///     control.sampling().to_string(),
///     "parentbased_traceidratio(0.5) excluding routes [/health, /healthz, /ready, /live, /metrics]"
/// );
///
/// control.trace_everything_for(Duration::from_secs(600))?;
/// assert!(control.trace_everything_remaining().is_some());
/// assert!(control.cancel_trace_everything());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct TelemetryControl {
    inner: Arc<Inner>,
}

struct Inner {
    sampler: SamplerControl,
    /// `None` when `init()` installed no subscriber.
    filter: Option<FilterSwitch>,
    state: Mutex<State>,
    /// Wakes the thread waiting for the override's end when the override changes.
    override_changed: Condvar,
}

/// What is in effect, as the getters report it and the log lines name it.
struct State {
    /// The sampling in effect when no override is on.
    sampling: Sampling,
    /// The application's directives, without what `init()` appends for the
    /// OpenTelemetry crates; `None` when there is no subscriber.
    filter: Option<LogFilter>,
    everything: Option<Everything>,
    /// Changes whenever an override starts or ends, so that the thread waiting for the
    /// end of a replaced one does nothing.
    generation: u64,
}

struct Everything {
    duration: Duration,
    until: Instant,
}

impl TelemetryControl {
    pub(crate) fn new(
        sampling: Sampling,
        sampler: SamplerControl,
        filter: Option<(LogFilter, FilterSwitch)>,
    ) -> Self {
        let (filter, switch) = filter.unzip();
        TelemetryControl {
            inner: Arc::new(Inner {
                sampler,
                filter: switch,
                state: Mutex::new(State {
                    sampling,
                    filter,
                    everything: None,
                    generation: 0,
                }),
                override_changed: Condvar::new(),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner.state()
    }

    /// Samples new traces at `ratio` from the next span on, keeping the preset's shape
    /// and excluded routes: a parent-based preset stays parent-based (children follow
    /// their parent), `always_on`/`always_off`/`traceidratio` go on deciding every span
    /// by the ratio. While a trace-everything override is on, the ratio applies once it
    /// ends. Setting the ratio in effect changes nothing and logs nothing.
    ///
    /// # Errors
    ///
    /// - [`ControlError::InvalidRatio`]: `ratio` is not within `0.0..=1.0`.
    /// - [`ControlError::NotRatioBased`]: the preset is `parentbased_ratelimited`, which
    ///   has no ratio; turning it into one would drop the limit the service was
    ///   configured with, so it is refused rather than replaced.
    /// - [`ControlError::SamplerNotControlled`]: the tracer provider uses another sampler.
    ///
    /// ```
    /// use otel_kit_init::{ControlError, sampling::Sampling};
    ///
    /// # let telemetry = otel_kit_init::builder()
    /// #     .without_globals()
    /// #     .exporter(otel_kit_init::Exporter::None)
    /// #     .sampling(Sampling::rate_limited(100.0))
    /// #     .init()?;
    /// // With `.sampling(Sampling::rate_limited(100.0))`:
    /// let err = telemetry.control().set_sampling_ratio(1.0).unwrap_err();
    /// assert!(matches!(err, ControlError::NotRatioBased { .. }));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn set_sampling_ratio(&self, ratio: f64) -> Result<(), ControlError> {
        if !(0.0..=1.0).contains(&ratio) {
            return Err(ControlError::InvalidRatio(ratio));
        }
        let mut state = self.state();
        let new = state
            .sampling
            .with_ratio(ratio)
            .ok_or_else(|| ControlError::NotRatioBased {
                sampling: state.sampling.to_string(),
            })?;
        if !self.inner.sampler.in_use() {
            return Err(ControlError::SamplerNotControlled);
        }
        if state.sampling.sampling_ratio() == Some(ratio) {
            return Ok(());
        }
        self.inner
            .sampler
            .set_ratio(ratio)
            .map_err(|_| ControlError::InvalidRatio(ratio))?;
        let old = std::mem::replace(&mut state.sampling, new);
        match state.remaining() {
            None => tracing::info!(target: TARGET, "trace sampling changed from {old} to {}", state.sampling),
            Some(left) => tracing::info!(
                target: TARGET,
                "trace sampling changed from {old} to {}, which applies once the trace-everything override ends in {:?}",
                state.sampling,
                rounded(left)
            ),
        }
        Ok(())
    }

    /// The sampling in effect when no trace-everything override is on: the configured
    /// preset, with the ratio set since, if any.
    ///
    /// ```
    /// # let telemetry = otel_kit_init::builder().without_globals().exporter(otel_kit_init::Exporter::None).init()?;
    /// assert_eq!(telemetry.control().sampling().to_string(), "parentbased_always_on");
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn sampling(&self) -> Sampling {
        self.state().sampling.clone()
    }

    /// The ratio of new traces sampled when no trace-everything override is on: 1 for
    /// `parentbased_always_on` and `always_on`, 0 for the `always_off` presets; `None`
    /// for `parentbased_ratelimited`.
    ///
    /// ```
    /// # let telemetry = otel_kit_init::builder().without_globals().exporter(otel_kit_init::Exporter::None).init()?;
    /// assert_eq!(telemetry.control().sampling_ratio(), Some(1.0));
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn sampling_ratio(&self) -> Option<f64> {
        self.state().sampling.sampling_ratio()
    }

    /// Samples every new trace for `duration`, then returns to the sampling in effect
    /// before, by itself (a thread of this control waits for the end and logs it).
    /// Calling it again while it is on replaces the end time.
    ///
    /// What "everything" means:
    ///
    /// - **Root spans**: all sampled, whatever the ratio or rate limit (the rate limit's
    ///   budget is not used up).
    /// - **A remote parent that was not sampled** (`traceparent` flag `00`): sampled
    ///   anyway. The override is for seeing what this service does during an incident;
    ///   behind a gateway that samples 1%, following the caller would leave 99% of
    ///   requests untraced and the override nearly useless. The cost is that these
    ///   traces start at this service: the caller's spans are missing from them, and
    ///   services called from here, seeing the sampled flag, record their part too.
    /// - **A local parent that was not sampled**: followed, not sampled, so a request
    ///   that began before the override gains no orphan spans.
    /// - **Excluded routes** (health checks and the like): still excluded; they are noise
    ///   in an incident too.
    ///
    /// # Errors
    ///
    /// [`ControlError::InvalidDuration`] for a zero or unrepresentably long duration,
    /// [`ControlError::SamplerNotControlled`] when the tracer provider uses another
    /// sampler, [`ControlError::TimerUnavailable`] if no thread could be started.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// # let telemetry = otel_kit_init::builder().without_globals().exporter(otel_kit_init::Exporter::None).init()?;
    /// let control = telemetry.control();
    /// control.trace_everything_for(Duration::from_secs(15 * 60))?;
    /// assert!(control.trace_everything_remaining() > Some(Duration::from_secs(14 * 60)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trace_everything_for(&self, duration: Duration) -> Result<(), ControlError> {
        let start = Instant::now();
        let until = start
            .checked_add(duration)
            .filter(|_| !duration.is_zero())
            .ok_or(ControlError::InvalidDuration(duration))?;
        if !self.inner.sampler.in_use() {
            return Err(ControlError::SamplerNotControlled);
        }
        let mut state = self.state();
        let generation = state.generation.wrapping_add(1);
        // Started first, so that a failure changes nothing; it waits for this lock.
        let inner = Arc::clone(&self.inner);
        std::thread::Builder::new()
            .name("otel-trace-everything".to_owned())
            .spawn(move || inner.end_override_when_due(generation))
            .map_err(|e| ControlError::TimerUnavailable(e.to_string()))?;
        let replaced = state.remaining();
        state.generation = generation;
        state.everything = Some(Everything { duration, until });
        self.inner.sampler.trace_everything_until(until);
        // Lets the thread of a replaced override see that it has nothing left to do.
        self.inner.override_changed.notify_all();
        let replaced = match replaced {
            Some(left) => format!(" (replacing an override with {:?} left)", rounded(left)),
            None => String::new(),
        };
        tracing::warn!(
            target: TARGET,
            "trace everything for {duration:?}{replaced}: every new trace is sampled, excluded routes excepted; \
             then {} again",
            state.sampling
        );
        Ok(())
    }

    /// Ends the trace-everything override now. Returns whether one was on (only then is
    /// the end logged).
    ///
    /// ```
    /// # let telemetry = otel_kit_init::builder().without_globals().exporter(otel_kit_init::Exporter::None).init()?;
    /// assert!(!telemetry.control().cancel_trace_everything(), "none was on");
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn cancel_trace_everything(&self) -> bool {
        let mut state = self.state();
        // Past its end, the override is the waiting thread's to end and log.
        let Some(left) = state.remaining() else {
            return false;
        };
        state.end_override(&self.inner.sampler);
        self.inner.override_changed.notify_all();
        tracing::info!(
            target: TARGET,
            "trace-everything override cancelled with {:?} left; sampling is {} again",
            rounded(left),
            state.sampling
        );
        true
    }

    /// How long the trace-everything override has left; `None` when it is off.
    ///
    /// ```
    /// # let telemetry = otel_kit_init::builder().without_globals().exporter(otel_kit_init::Exporter::None).init()?;
    /// assert_eq!(telemetry.control().trace_everything_remaining(), None);
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn trace_everything_remaining(&self) -> Option<Duration> {
        self.state().remaining()
    }

    /// Replaces the `RUST_LOG`-style directives of the `tracing` subscriber `init()`
    /// installed, from the next event and span on: what reaches the console and the OTLP
    /// log bridge, and the extra spans and span events traces record (the
    /// [`subscriber` module](crate::subscriber#filtering-why-traces-do-not-follow-rust_log)
    /// explains why `info` spans are traced whatever the filter). `OTEL_LOG_LEVEL` still
    /// decides for the OpenTelemetry crates' own diagnostics and for these change logs,
    /// and the exporters' own transport stays out of the exported telemetry, so
    /// `set_filter("trace")` cannot make telemetry feed on itself.
    ///
    /// # Errors
    ///
    /// [`ControlError::InvalidFilter`] when `directives` do not parse (or are empty),
    /// [`ControlError::NoSubscriber`] when `init()` installed no subscriber. The filter in
    /// effect stays.
    ///
    /// ```no_run
    /// let telemetry = otel_kit_init::init()?;
    /// let control = telemetry.control();
    /// control.set_filter("info,my_app=debug")?;
    /// assert_eq!(control.filter().unwrap().directives(), "info,my_app=debug");
    /// assert!(control.set_filter("my_app=loud").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_filter(&self, directives: &str) -> Result<(), ControlError> {
        let invalid = |reason: String| ControlError::InvalidFilter {
            directives: directives.to_owned(),
            reason,
        };
        if directives.trim().is_empty() {
            return Err(invalid("it is empty".to_owned()));
        }
        let new = LogFilter::parse(directives).map_err(|e| invalid(e.to_string()))?;
        let Some(switch) = &self.inner.filter else {
            return Err(ControlError::NoSubscriber);
        };
        let mut state = self.state();
        let Some(old) = state.filter.as_ref() else {
            return Err(ControlError::NoSubscriber);
        };
        if *old == new {
            return Ok(());
        }
        switch.set(&new).map_err(|_| ControlError::NoSubscriber)?;
        let old = state.filter.replace(new).unwrap_or_default();
        let new = state.filter.as_ref().map_or("", LogFilter::directives);
        tracing::info!(target: TARGET, "log filter changed from {:?} to {new:?}", old.directives());
        Ok(())
    }

    /// The directives in effect, without what `init()` appends for the OpenTelemetry
    /// crates (`OTEL_LOG_LEVEL`); `None` when `init()` installed no subscriber.
    ///
    /// ```
    /// # let telemetry = otel_kit_init::builder().without_globals().exporter(otel_kit_init::Exporter::None).init()?;
    /// assert_eq!(telemetry.control().filter(), None, "without_globals installs no subscriber");
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn filter(&self) -> Option<LogFilter> {
        self.state().filter.clone()
    }
}

impl fmt::Debug for TelemetryControl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("TelemetryControl")
            .field("sampling", &state.sampling.to_string())
            .field("trace_everything_remaining", &state.remaining())
            .field("filter", &state.filter.as_ref().map(LogFilter::directives))
            .finish()
    }
}

impl Inner {
    fn state(&self) -> MutexGuard<'_, State> {
        // The state is whole between statements; a panic while logging leaves it usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs on the override's own thread: waits for its end, then ends and logs it,
    /// unless it was replaced or cancelled first.
    fn end_override_when_due(&self, generation: u64) {
        let mut state = self.state();
        loop {
            if state.generation != generation {
                return;
            }
            let Some(until) = state.everything.as_ref().map(|e| e.until) else {
                return;
            };
            let now = Instant::now();
            if now >= until {
                break;
            }
            state = self
                .override_changed
                .wait_timeout(state, until - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        let duration = state.end_override(&self.sampler);
        tracing::info!(
            target: TARGET,
            "trace-everything override ended after {duration:?}; sampling is {} again",
            state.sampling
        );
    }
}

impl State {
    fn remaining(&self) -> Option<Duration> {
        let left = self
            .everything
            .as_ref()?
            .until
            .checked_duration_since(Instant::now())?;
        (!left.is_zero()).then_some(left)
    }

    /// Back to the ratio; returns how long the override was for.
    fn end_override(&mut self, sampler: &SamplerControl) -> Duration {
        self.generation = self.generation.wrapping_add(1);
        sampler.stop_everything();
        self.everything.take().map_or(Duration::ZERO, |e| e.duration)
    }
}

/// A remaining time for a log line: whole milliseconds, whole seconds from a minute.
fn rounded(d: Duration) -> Duration {
    if d >= Duration::from_secs(60) {
        Duration::from_secs(d.as_secs())
    } else {
        Duration::from_millis(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

#[cfg(test)]
mod tests;
