//! X-Ray's `SamplingTargets` call: the statistics sent ([`Statistics`], written as X-Ray's
//! `SamplingStatisticsDocuments`) and the answer read ([`TargetsAnswer`]: a target per
//! rule, the rules X-Ray could not process, when the rules last changed).
//!
//! An answer is used only when it is a JSON object with a `SamplingTargetDocuments`
//! list; a target is used only when its fixed rate is within `0..=1` and its quota, TTL
//! and interval are numbers of the right kind. Anything else is left out, and the rule
//! keeps the target it had.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::xray::rules::whole;

/// The most documents X-Ray takes in one call; more are sent in several.
pub(crate) const MAX_DOCUMENTS: usize = 25;

/// One rule's counts since the last report.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Statistics {
    pub(crate) rule: String,
    pub(crate) requests: u64,
    pub(crate) sampled: u64,
    pub(crate) borrowed: u64,
}

/// The body of one `SamplingTargets` call: at most [`MAX_DOCUMENTS`] of `statistics`,
/// from this client, at `now`. The field names are X-Ray's (`SampledCount`); the time is
/// in seconds since the epoch, as X-Ray's JSON protocol writes times.
pub(crate) fn request_body(statistics: &[Statistics], client_id: &str, now: SystemTime) -> Vec<u8> {
    let timestamp = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs_f64();
    let documents: Vec<Value> = statistics
        .iter()
        .map(|s| {
            json!({
                "RuleName": s.rule,
                "ClientID": client_id,
                "Timestamp": timestamp,
                "RequestCount": s.requests,
                "SampledCount": s.sampled,
                "BorrowCount": s.borrowed,
            })
        })
        .collect();
    json!({ "SamplingStatisticsDocuments": documents })
        .to_string()
        .into_bytes()
}

/// The new sampling of one rule for this client.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Target {
    pub(crate) rule: String,
    pub(crate) fixed_rate: f64,
    /// Traces per second this client may take from the rule's reservoir, and until when
    /// (seconds since the epoch); `None` when X-Ray gave no quota or no TTL for it.
    pub(crate) quota: Option<(u64, f64)>,
    /// When to report again, if X-Ray says.
    pub(crate) interval: Option<Duration>,
}

/// A usable `SamplingTargets` answer.
#[derive(Debug, Default)]
pub(crate) struct TargetsAnswer {
    pub(crate) targets: Vec<Target>,
    /// Why some target documents were left out.
    pub(crate) left_out: Vec<String>,
    /// When the rules last changed at X-Ray, in seconds since the epoch.
    pub(crate) last_rule_modification: Option<f64>,
    /// The rules whose statistics X-Ray could not process, with its error code.
    pub(crate) unprocessed: Vec<(String, String)>,
}

impl TargetsAnswer {
    /// Whether the rules must be fetched again now: they changed after `rules_fetched_at`
    /// (seconds since the epoch), or X-Ray refused a rule's statistics as a client error
    /// (a 4xx code: the rule is gone, or not what it was), as AWS's X-Ray SDKs do.
    pub(crate) fn rules_are_stale(&self, rules_fetched_at: f64) -> bool {
        self.last_rule_modification.is_some_and(|t| t > rules_fetched_at)
            || self.unprocessed.iter().any(|(_, code)| code.starts_with('4'))
    }
}

/// The answer, or why it is not usable.
pub(crate) fn parse_answer(body: &[u8]) -> Result<TargetsAnswer, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("the response is not JSON ({e})"))?;
    let object = value.as_object().ok_or("the response is not a JSON object")?;
    let documents = object
        .get("SamplingTargetDocuments")
        .and_then(Value::as_array)
        .ok_or("the response has no SamplingTargetDocuments list")?;
    let mut answer = TargetsAnswer {
        last_rule_modification: object
            .get("LastRuleModification")
            .and_then(Value::as_f64)
            .filter(|t| t.is_finite()),
        ..TargetsAnswer::default()
    };
    for (i, document) in documents.iter().enumerate() {
        match parse_target(document) {
            Ok(target) => answer.targets.push(target),
            Err(why) => answer
                .left_out
                .push(format!("SamplingTargetDocuments[{i}]: {why}")),
        }
    }
    if let Some(unprocessed) = object.get("UnprocessedStatistics").and_then(Value::as_array) {
        for entry in unprocessed {
            let text = |key| entry.get(key).and_then(Value::as_str).map(str::to_owned);
            if let (Some(rule), Some(code)) = (text("RuleName"), text("ErrorCode")) {
                answer.unprocessed.push((rule, code));
            }
        }
    }
    Ok(answer)
}

fn parse_target(document: &Value) -> Result<Target, String> {
    let rule = document
        .get("RuleName")
        .and_then(Value::as_str)
        .filter(|name| !name.is_empty())
        .ok_or("RuleName is missing or not a non-empty string")?
        .to_owned();
    let fixed_rate = document
        .get("FixedRate")
        .and_then(Value::as_f64)
        .filter(|r| (0.0..=1.0).contains(r))
        .ok_or_else(|| format!("rule {rule:?}: FixedRate is not a number between 0 and 1"))?;
    let present = |key| document.get(key).filter(|v| !v.is_null());
    let quota = match (present("ReservoirQuota"), present("ReservoirQuotaTTL")) {
        (Some(quota), Some(ttl)) => Some((
            whole(quota).ok_or_else(|| format!("rule {rule:?}: ReservoirQuota is not a whole number"))?,
            ttl.as_f64()
                .filter(|t| t.is_finite())
                .ok_or_else(|| format!("rule {rule:?}: ReservoirQuotaTTL is not a time"))?,
        )),
        // A quota without a TTL has no end X-Ray vouches for: not used, as AWS's samplers.
        _ => None,
    };
    let interval = match present("Interval") {
        None => None,
        Some(seconds) => Some(Duration::from_secs(whole(seconds).ok_or_else(|| {
            format!("rule {rule:?}: Interval is not a whole number of seconds")
        })?)),
    };
    Ok(Target {
        rule,
        fixed_rate,
        quota,
        interval,
    })
}
