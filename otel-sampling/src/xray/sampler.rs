//! The X-Ray remote sampler's decision ([`XraySampler`]) over the state its poller keeps
//! current ([`XrayState`]: the rules in the order they are tried, each with its target).
//!
//! A span with a parent follows it, as with AWS's samplers (their rule samplers are all
//! parent-based), and is not counted: X-Ray counts the traces a service starts. A new
//! trace is decided by the first rule that matches it, or by the [`Fallback`] before
//! the first rules and when none matches. The decision reads the rule set through one
//! shared lock, held only to copy a pointer; the poller replaces the set as a whole, so a
//! span start never waits on the network.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use opentelemetry::trace::{Link, SpanKind, TraceId};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{SamplingResult, ShouldSample};
use otel_kit_core::__private::consistent_sampling::trace_id_randomness;

use crate::arithmetic::RatioArithmetic;
use crate::parent_state::{Outcome, parent_trace_state};
use crate::remote::poller_thread::PollerThread;
use crate::runtime::parent_flags;
use crate::xray::applier::{Applier, Fallback};
use crate::xray::matcher::ResourceView;
use crate::xray::rules::Rule;
use crate::xray::targets::{Statistics, Target};

/// The sampler `init()` runs (as a custom preset, so that route exclusion and the
/// trace-everything override apply around it). Its copies share the state and the
/// polling thread, which stops when the last copy is dropped.
#[derive(Clone, Debug)]
pub(crate) struct XraySampler {
    pub(crate) state: Arc<XrayState>,
    pub(crate) _poller: Arc<PollerThread>,
}

/// What the decisions read and the poller writes.
#[derive(Debug)]
pub(crate) struct XrayState {
    resource: ResourceView,
    /// `None` until the first rules arrive.
    rules: RwLock<Option<Arc<[Applier]>>>,
    fallback: Fallback,
}

impl ShouldSample for XraySampler {
    fn should_sample(
        &self,
        parent_context: Option<&Context>,
        trace_id: TraceId,
        _name: &str,
        _span_kind: &SpanKind,
        attributes: &[KeyValue],
        _links: &[Link],
    ) -> SamplingResult {
        let sampled = match parent_context.and_then(parent_flags) {
            Some(parent) => parent.sampled,
            None => self.state.decide_root(trace_id, attributes),
        };
        // Not a probability decision: no threshold written; a followed parent's kept
        // when its randomness agrees with it.
        Outcome::from_flag(sampled, None).into_result(
            RatioArithmetic::Consistent,
            &parent_trace_state(parent_context),
            trace_id,
        )
    }
}

impl XrayState {
    pub(crate) fn new(resource: ResourceView) -> Self {
        XrayState {
            resource,
            rules: RwLock::new(None),
            fallback: Fallback::new(),
        }
    }

    /// The rules as last replaced, if any arrived.
    fn current(&self) -> Option<Arc<[Applier]>> {
        self.rules.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Whether a new trace whose root span starts with `attributes` is sampled.
    pub(crate) fn decide_root(&self, trace_id: TraceId, attributes: &[KeyValue]) -> bool {
        let randomness = trace_id_randomness(trace_id);
        let rules = self.current();
        match rules
            .as_deref()
            .and_then(|rules| rules.iter().find(|a| a.rule.matches(&self.resource, attributes)))
        {
            Some(applier) => applier.decide(randomness),
            None => self.fallback.decide(randomness),
        }
    }

    /// The name of the rule a new trace starting with `attributes` would be decided by.
    pub(crate) fn matching_rule(&self, attributes: &[KeyValue]) -> Option<String> {
        let rules = self.current()?;
        rules
            .iter()
            .find(|a| a.rule.matches(&self.resource, attributes))
            .map(|a| a.rule.name.clone())
    }

    /// New rules, in the order they are tried. A rule that did not change keeps its
    /// applier: its target, reservoir and counts since the last report.
    pub(crate) fn replace_rules(&self, rules: Vec<Rule>) {
        let current = self.current();
        let appliers: Arc<[Applier]> = rules
            .into_iter()
            .map(|rule| {
                current
                    .as_deref()
                    .and_then(|old| old.iter().find(|a| *a.rule == rule))
                    .cloned()
                    .unwrap_or_else(|| Applier::new(rule))
            })
            .collect();
        *self.rules.write().unwrap_or_else(PoisonError::into_inner) = Some(appliers);
    }

    /// Each rule's counts since the last report (rules no trace matched left out).
    pub(crate) fn take_statistics(&self) -> Vec<Statistics> {
        self.current()
            .map(|rules| rules.iter().filter_map(Applier::take_statistics).collect())
            .unwrap_or_default()
    }

    /// X-Ray's targets for this client, each applied to the rule of its name; rules
    /// without a target keep theirs.
    pub(crate) fn apply_targets(&self, targets: &[Target]) {
        let Some(current) = self.current() else {
            return;
        };
        if targets.is_empty() {
            return;
        }
        let now = Instant::now();
        let now_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        let appliers: Arc<[Applier]> = current
            .iter()
            .map(
                |applier| match targets.iter().find(|t| t.rule == applier.rule.name) {
                    Some(target) => applier.with_target(target, now, now_epoch),
                    None => applier.clone(),
                },
            )
            .collect();
        // Only the poller writes, so no newer rule set is overwritten here.
        *self.rules.write().unwrap_or_else(PoisonError::into_inner) = Some(appliers);
    }
}
