//! The answer of X-Ray's `GetSamplingRules`, read into [`Rule`]s, and the order they are
//! tried in.
//!
//! A response is used only when it is a JSON object with a `SamplingRuleRecords` list;
//! anything else is a failed fetch and the rules the sampler has stay. Within a usable
//! response, a rule is left out, with the reason kept for the log, when it cannot be
//! applied as written: no name, a `Version` other than 1 (as AWS's samplers), a fixed
//! rate outside `0..=1` or a reservoir that is not a whole number, a matcher that is not a
//! string. A rule is never "repaired" into sampling more: a fixed rate of 5 is not read
//! as 1.

use serde_json::{Map, Value};

use crate::xray::pattern::Pattern;

/// A rule's priority when it has none: after every rule X-Ray allows (1 to 9999) and its
/// `Default` (10000), as AWS's Python sampler.
const NO_PRIORITY: i64 = 10_001;
/// The rule X-Ray always has, which matches everything; tried last.
pub(crate) const DEFAULT_RULE: &str = "Default";
/// The most rules the sampler keeps, `Default` included (X-Ray's quota is 25 a region),
/// and the most attribute matchers of one rule (AWS allows 5): each new trace is matched
/// against them in turn.
pub(crate) const MAX_RULES: usize = 100;
pub(crate) const MAX_ATTRIBUTES: usize = 16;

/// One sampling rule, checked, with its matchers compiled.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Rule {
    pub(crate) name: String,
    pub(crate) priority: i64,
    pub(crate) fixed_rate: f64,
    pub(crate) reservoir_size: u64,
    pub(crate) service_name: Pattern,
    pub(crate) service_type: Pattern,
    pub(crate) host: Pattern,
    pub(crate) http_method: Pattern,
    pub(crate) url_path: Pattern,
    pub(crate) resource_arn: Pattern,
    /// Span attributes that must be present and match, by key.
    pub(crate) attributes: Vec<(String, Pattern)>,
}

/// One page of rules: those usable, why the others were left out, and the token of the
/// next page.
#[derive(Debug, Default)]
pub(crate) struct RulesPage {
    pub(crate) rules: Vec<Rule>,
    pub(crate) left_out: Vec<String>,
    pub(crate) next_token: Option<String>,
}

/// The body of a `GetSamplingRules` request: empty for the first page, the token for the
/// next ones.
pub(crate) fn request_body(next_token: Option<&str>) -> Vec<u8> {
    let body = match next_token {
        Some(token) => serde_json::json!({ "NextToken": token }),
        None => serde_json::json!({}),
    };
    body.to_string().into_bytes()
}

/// The rules of one response, or why the response is not usable.
pub(crate) fn parse_page(body: &[u8]) -> Result<RulesPage, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("the response is not JSON ({e})"))?;
    let object = value.as_object().ok_or("the response is not a JSON object")?;
    let records = object
        .get("SamplingRuleRecords")
        .and_then(Value::as_array)
        .ok_or("the response has no SamplingRuleRecords list")?;
    let mut page = RulesPage {
        next_token: object
            .get("NextToken")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_owned),
        ..RulesPage::default()
    };
    for (i, record) in records.iter().enumerate() {
        let Some(rule) = record.get("SamplingRule").and_then(Value::as_object) else {
            page.left_out
                .push(format!("SamplingRuleRecords[{i}] has no SamplingRule object"));
            continue;
        };
        match parse_rule(rule) {
            Ok(rule) => page.rules.push(rule),
            Err(why) => page.left_out.push(format!("SamplingRuleRecords[{i}]: {why}")),
        }
    }
    Ok(page)
}

/// The rules in the order they are tried: by priority, then by name (as AWS's samplers
/// compare them, code point by code point), the `Default` rule last whatever its
/// priority; a second rule of the same name is left out, since statistics and targets go
/// by name. Past [`MAX_RULES`], the last in that order are left out (`Default` stays):
/// their names are the second value.
pub(crate) fn in_order(mut rules: Vec<Rule>) -> (Vec<Rule>, Vec<String>) {
    rules.sort_by(|a, b| {
        (a.name == DEFAULT_RULE, a.priority, &a.name).cmp(&(b.name == DEFAULT_RULE, b.priority, &b.name))
    });
    let mut seen = std::collections::HashSet::new();
    rules.retain(|rule| seen.insert(rule.name.clone()));
    let mut dropped = Vec::new();
    if rules.len() > MAX_RULES {
        let default = rules.last().filter(|r| r.name == DEFAULT_RULE).cloned();
        let keep = MAX_RULES - usize::from(default.is_some());
        dropped = rules.drain(keep..).map(|r| r.name).collect();
        if let Some(default) = default {
            dropped.retain(|name| name != DEFAULT_RULE);
            rules.push(default);
        }
    }
    (rules, dropped)
}

fn parse_rule(rule: &Map<String, Value>) -> Result<Rule, String> {
    let name = match rule.get("RuleName") {
        Some(Value::String(name)) if !name.is_empty() => name.clone(),
        _ => return Err("RuleName is missing or not a non-empty string".into()),
    };
    let within = |why: String| format!("rule {name:?}: {why}");
    match rule.get("Version").and_then(Value::as_i64) {
        Some(1) => {}
        _ => return Err(within("Version is not 1".into())),
    }
    let fixed_rate = match absent_or(rule, "FixedRate") {
        None => 0.0,
        Some(v) => v
            .as_f64()
            .filter(|r| (0.0..=1.0).contains(r))
            .ok_or_else(|| within("FixedRate is not a number between 0 and 1".into()))?,
    };
    let reservoir_size = match absent_or(rule, "ReservoirSize") {
        None => 0,
        Some(v) => {
            whole(v).ok_or_else(|| within("ReservoirSize is not a whole number of at least 0".into()))?
        }
    };
    let priority = match absent_or(rule, "Priority") {
        None => NO_PRIORITY,
        Some(v) => v
            .as_i64()
            .ok_or_else(|| within("Priority is not a whole number".into()))?,
    };
    let pattern = |key: &str| match absent_or(rule, key) {
        None => Pattern::new("").map_err(|why| within(format!("{key}: {why}"))),
        Some(Value::String(p)) => Pattern::new(p).map_err(|why| within(format!("{key}: {why}"))),
        Some(_) => Err(within(format!("{key} is not a string"))),
    };
    let attributes = match absent_or(rule, "Attributes") {
        None => Vec::new(),
        Some(Value::Object(map)) if map.len() > MAX_ATTRIBUTES => {
            return Err(within(format!(
                "{} Attributes, past the {MAX_ATTRIBUTES} a rule may have",
                map.len()
            )));
        }
        Some(Value::Object(map)) => map
            .iter()
            .map(|(key, value)| match value {
                Value::String(p) => Pattern::new(p)
                    .map(|pattern| (key.clone(), pattern))
                    .map_err(|why| within(format!("Attributes.{key}: {why}"))),
                _ => Err(within(format!("Attributes.{key} is not a string"))),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(within("Attributes is not an object".into())),
    };
    Ok(Rule {
        priority,
        fixed_rate,
        reservoir_size,
        service_name: pattern("ServiceName")?,
        service_type: pattern("ServiceType")?,
        host: pattern("Host")?,
        http_method: pattern("HTTPMethod")?,
        url_path: pattern("URLPath")?,
        resource_arn: pattern("ResourceARN")?,
        attributes,
        name,
    })
}

/// The field, unless missing or `null`.
fn absent_or<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|v| !v.is_null())
}

/// A whole number of at least 0, also when written `2.0`.
pub(crate) fn whole(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|n| n.is_finite() && *n >= 0.0 && n.fract() == 0.0 && *n <= u32::MAX as f64)
            .map(|n| n as u64)
    })
}
