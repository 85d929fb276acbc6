//! Builds the X-Ray remote sampler for an [`XrayRemote`] and keeps its state current
//! from a [`PollerThread`]: the rules at start and every polling interval (plus up to 1%
//! of jitter), the statistics and targets every targets interval (or as X-Ray asks), the
//! rules again at once when X-Ray says they changed.
//!
//! Every fetch runs under one deadline ([`RemoteHttp::bounded`]) on the poller's own
//! runtime, never on a span's path. A fetch that fails changes nothing: the rules and
//! targets the sampler has stay (the targets' quotas still end at their TTL), and a
//! report that failed is not sent again, as AWS's samplers do. A failure is logged once
//! when it starts and once when it ends, not at every poll.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hyper::body::Bytes;
use opentelemetry::trace::TraceId;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{IdGenerator as _, RandomIdGenerator, ShouldSample};

use crate::remote::http::RemoteHttp;
use crate::remote::poller_thread::PollerThread;
use crate::xray::matcher::ResourceView;
use crate::xray::remote::{XrayRemote, XrayResource};
use crate::xray::rules::{self, Rule};
use crate::xray::sampler::{XraySampler, XrayState};
use crate::xray::targets::{self, MAX_DOCUMENTS};

/// The most `GetSamplingRules` pages one fetch reads (X-Ray allows far fewer rules).
const MAX_PAGES: usize = 16;
/// The bounds put on the reporting interval X-Ray asks for.
const MIN_TARGETS_INTERVAL: Duration = Duration::from_secs(1);
const MAX_TARGETS_INTERVAL: Duration = Duration::from_secs(3600);

/// The sampler, its poll loop started.
pub(crate) fn build(remote: &XrayRemote) -> Result<Box<dyn ShouldSample>, String> {
    remote.check()?;
    let resource = match &remote.resource {
        Some(resource) => resource.clone(),
        None => XrayResource::of(&Resource::builder().build()),
    };
    let state = Arc::new(XrayState::new(ResourceView::of(&resource)));
    let poller = PollerThread::start("otel-kit-xray")?;
    // One connection to the daemon for both calls, each with its own deadline.
    let http = RemoteHttp::new(XrayRemote::FETCH_TIMEOUT, XrayRemote::MAX_RESPONSE_BYTES);
    let polls = Polls {
        state: Arc::clone(&state),
        rules_url: remote.url_of("GetSamplingRules")?,
        targets_url: remote.url_of("SamplingTargets")?,
        rules_http: http.with_timeout(XrayRemote::FETCH_TIMEOUT.min(remote.polling_interval)),
        targets_http: http.with_timeout(XrayRemote::FETCH_TIMEOUT.min(remote.targets_interval)),
        polling_interval: remote.polling_interval,
        targets_interval: remote.targets_interval,
        client_id: client_id(),
        left_out_warned: std::sync::Mutex::default(),
    };
    drop(poller.handle().spawn(polls.run()));
    Ok(Box::new(XraySampler {
        state,
        _poller: Arc::new(poller),
    }))
}

/// The poll loop and what it needs.
struct Polls {
    state: Arc<XrayState>,
    rules_url: http::Uri,
    targets_url: http::Uri,
    rules_http: RemoteHttp,
    targets_http: RemoteHttp,
    polling_interval: Duration,
    targets_interval: Duration,
    /// 24 hex digits, new for each sampler, as X-Ray asks of a client.
    client_id: String,
    /// The last warning of rules left out, so the same answer every poll warns once.
    left_out_warned: std::sync::Mutex<String>,
}

/// What the last targets report changed for the loop.
struct Reported {
    rules_are_stale: bool,
    next_in: Option<Duration>,
}

impl Polls {
    async fn run(self) {
        let mut next_rules = Instant::now();
        let mut next_targets = after(self.targets_interval);
        // When the rules in use were fetched, in seconds since the epoch.
        let mut rules_fetched_at = 0.0;
        let (mut rules_failing, mut targets_failing) = (false, false);
        loop {
            if Instant::now() >= next_rules {
                let fetched = self.rules_http.bounded(self.fetch_rules()).await;
                if let Ok(rules) = &fetched {
                    rules_fetched_at = epoch_seconds();
                    self.state.replace_rules(rules.clone());
                }
                log_transition("GetSamplingRules", fetched.map(|_| ()), &mut rules_failing);
                next_rules = after(
                    self.polling_interval
                        .saturating_add(jitter(self.polling_interval)),
                );
            }
            if Instant::now() >= next_targets {
                let reported = self.targets_http.bounded(self.report(rules_fetched_at)).await;
                let mut next_in = self.targets_interval;
                if let Ok(Some(reported)) = &reported {
                    if reported.rules_are_stale {
                        next_rules = Instant::now();
                    }
                    next_in = reported.next_in.unwrap_or(next_in);
                }
                log_transition("SamplingTargets", reported.map(|_| ()), &mut targets_failing);
                next_targets = after(next_in);
            }
            tokio::time::sleep_until(next_rules.min(next_targets).into()).await;
        }
    }

    /// Every page of rules, in the order they are tried.
    async fn fetch_rules(&self) -> Result<Vec<Rule>, String> {
        let mut token: Option<String> = None;
        let mut rules = Vec::new();
        let mut left_out = Vec::new();
        for _ in 0..MAX_PAGES {
            let body = Bytes::from(rules::request_body(token.as_deref()));
            let answer = self.rules_http.exchange(&self.rules_url, Some(body)).await?;
            let page = rules::parse_page(&answer)?;
            left_out.extend(page.left_out);
            rules.extend(page.rules);
            token = page.next_token;
            if token.is_none() {
                let (rules, past_the_cap) = rules::in_order(rules);
                if !past_the_cap.is_empty() {
                    left_out.push(format!(
                        "{} rules past the {} the sampler keeps, the last in priority order: {}",
                        past_the_cap.len(),
                        rules::MAX_RULES,
                        past_the_cap.join(", ")
                    ));
                }
                self.warn_left_out(left_out);
                return Ok(rules);
            }
        }
        Err(format!("the rules run past {MAX_PAGES} pages"))
    }

    /// One warning naming the rules a usable answer had that the sampler does not use
    /// (cut to the message bound: names and patterns come from the network), when it
    /// differs from the last.
    fn warn_left_out(&self, left_out: Vec<String>) {
        let text = left_out.join("; ");
        let text = otel_kit_core::__private::exception::bounded(&text);
        let mut warned = self
            .left_out_warned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *warned != text {
            if !text.is_empty() {
                let shown = otel_kit_core::__private::printable_text::escape_controls(text);
                tracing::warn!("X-Ray sampling rules left out: {shown}");
            }
            text.clone_into(&mut warned);
        }
    }

    /// Sends the statistics and applies the targets X-Ray answers; `None` when no rule
    /// was used since the last report, and nothing was sent.
    async fn report(&self, rules_fetched_at: f64) -> Result<Option<Reported>, String> {
        let statistics = self.state.take_statistics();
        if statistics.is_empty() {
            return Ok(None);
        }
        let now = SystemTime::now();
        let mut reported = Reported {
            rules_are_stale: false,
            next_in: None,
        };
        for chunk in statistics.chunks(MAX_DOCUMENTS) {
            let body = Bytes::from(targets::request_body(chunk, &self.client_id, now));
            let answer = self.targets_http.exchange(&self.targets_url, Some(body)).await?;
            let answer = targets::parse_answer(&answer)?;
            if !answer.left_out.is_empty() {
                tracing::debug!(
                    "X-Ray sampling targets left out: {}",
                    otel_kit_core::__private::printable_text::escape_controls(&answer.left_out.join("; "))
                );
            }
            self.state.apply_targets(&answer.targets);
            reported.rules_are_stale |= answer.rules_are_stale(rules_fetched_at);
            let asked = answer.targets.iter().filter_map(|t| t.interval).min();
            reported.next_in = reported.next_in.into_iter().chain(asked).min();
        }
        reported.next_in = reported
            .next_in
            .map(|i| i.clamp(MIN_TARGETS_INTERVAL, MAX_TARGETS_INTERVAL));
        Ok(Some(reported))
    }
}

/// One warning when a call starts failing, one line when it works again.
fn log_transition(call: &str, result: Result<(), String>, failing: &mut bool) {
    match (result, *failing) {
        (Err(why), false) => {
            *failing = true;
            tracing::warn!(
                "X-Ray sampler: {call} failed: {}; the sampler keeps what it had",
                otel_kit_core::__private::printable_text::escape_controls(&why)
            );
        }
        (Ok(()), true) => {
            *failing = false;
            tracing::info!("X-Ray sampler: {call} works again");
        }
        _ => {}
    }
}

/// `interval` from now, at most a year: an interval set in code may be anything up to
/// `Duration::MAX`, and `Instant + Duration` panics past the clock's range (the poll loop
/// would stop, and an abort build exit).
fn after(interval: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(365 * 24 * 60 * 60);
    let now = Instant::now();
    now.checked_add(interval.min(FAR)).unwrap_or(now)
}

/// Up to 1% of `interval`, so that a fleet started at once does not poll at once.
fn jitter(interval: Duration) -> Duration {
    let random = u128::from_be_bytes(RandomIdGenerator::default().new_trace_id().to_bytes());
    let range = interval.as_nanos() / 100;
    if range == 0 {
        return Duration::ZERO;
    }
    Duration::from_nanos(u64::try_from(random % range).unwrap_or(0))
}

/// A client id as X-Ray wants it: 24 random hex digits.
fn client_id() -> String {
    let id: TraceId = RandomIdGenerator::default().new_trace_id();
    id.to_string()[..24].to_owned()
}

fn epoch_seconds() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}
