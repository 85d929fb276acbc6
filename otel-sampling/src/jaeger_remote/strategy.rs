//! Checks a strategies response before the SDK's Jaeger remote sampler sees it, and
//! rewrites it in the one shape the SDK parses.
//!
//! The SDK keeps its last strategy when a fetch fails, but not when a response parses
//! and carries no strategy (it then goes back to the initial sampler), and it takes any
//! probability it is given (5.0 samples everything). It also needs fields the Jaeger
//! servers leave out (`strategyType` with per-operation strategies, the per-operation
//! rate bounds), and refuses the `RATE_LIMITING` type they send. So a response is accepted only when it names one usable strategy, with
//! every probability within `0..=1`; anything else is a failed fetch and the last good
//! strategy stays.

use serde_json::{Map, Value, json};

/// A usable strategy: the body as the SDK parses it, and the rate when it is a rate
/// limit (which the kit's own bucket applies, see `jaeger_remote/poller.rs`).
#[derive(Debug)]
pub(crate) struct Accepted {
    pub(crate) body: Vec<u8>,
    pub(crate) traces_per_second: Option<f64>,
}

/// The response as the SDK parses it, or why it is not a usable strategy.
/// As the SDK and the Jaeger clients: per-operation first, then rate limiting, then
/// probabilistic; `strategyType` is not trusted.
pub(crate) fn normalise(body: &[u8]) -> Result<Accepted, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("the response is not JSON ({e})"))?;
    let object = value.as_object().ok_or("the response is not a JSON object")?;
    let mut traces_per_second = None;
    let strategy = if let Some(ops) = present(object, "operationSampling") {
        per_operation(ops)?
    } else if let Some(rate) = present(object, "rateLimitingSampling") {
        let max = rate
            .get("maxTracesPerSecond")
            .and_then(Value::as_f64)
            .filter(|n| n.is_finite() && *n >= 0.0)
            .ok_or("rateLimitingSampling.maxTracesPerSecond is not a number of traces per second")?;
        // The SDK takes an i32; the Jaeger API an integer.
        let max = max.min(f64::from(i32::MAX)) as i32;
        traces_per_second = Some(f64::from(max));
        // `strategyType` is legacy and the SDK decides by the field present, but it parses
        // the type strictly, and spells rate limiting `RATELIMITING` where the Jaeger API
        // says `RATE_LIMITING`: the one value it reads is written here.
        json!({"strategyType": "PROBABILISTIC", "rateLimitingSampling": {"maxTracesPerSecond": max}})
    } else if let Some(probabilistic) = present(object, "probabilisticSampling") {
        let rate = probability(
            probabilistic,
            "samplingRate",
            "probabilisticSampling.samplingRate",
        )?;
        json!({"strategyType": "PROBABILISTIC", "probabilisticSampling": {"samplingRate": rate}})
    } else {
        return Err("the response names no strategy (operationSampling, rateLimitingSampling or probabilisticSampling)".into());
    };
    let body = serde_json::to_vec(&strategy).map_err(|e| e.to_string())?;
    Ok(Accepted {
        body,
        traces_per_second,
    })
}

/// The field, unless missing or `null`.
fn present<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|v| !v.is_null())
}

fn probability(object: &Value, key: &str, path: &str) -> Result<f64, String> {
    object
        .get(key)
        .and_then(Value::as_f64)
        .filter(|p| (0.0..=1.0).contains(p))
        .ok_or_else(|| format!("{path} is not a probability between 0 and 1"))
}

fn per_operation(ops: &Value) -> Result<Value, String> {
    let default = probability(
        ops,
        "defaultSamplingProbability",
        "operationSampling.defaultSamplingProbability",
    )?;
    let bound = |key: &str| ops.get(key).and_then(Value::as_f64).unwrap_or(0.0);
    let mut operations = Vec::new();
    let listed = match ops.get("perOperationStrategies") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(list)) => list.as_slice(),
        Some(_) => return Err("operationSampling.perOperationStrategies is not a list".into()),
    };
    for (i, op) in listed.iter().enumerate() {
        let name = op.get("operation").and_then(Value::as_str).ok_or_else(|| {
            format!("operationSampling.perOperationStrategies[{i}].operation is not a string")
        })?;
        let rate = op
            .get("probabilisticSampling")
            .ok_or_else(|| {
                format!("operationSampling.perOperationStrategies[{i}] has no probabilisticSampling")
            })
            .and_then(|p| {
                probability(
                    p,
                    "samplingRate",
                    &format!(
                        "operationSampling.perOperationStrategies[{i}].probabilisticSampling.samplingRate"
                    ),
                )
            })?;
        operations.push(json!({"operation": name, "probabilisticSampling": {"samplingRate": rate}}));
    }
    Ok(json!({
        "strategyType": "PROBABILISTIC",
        "operationSampling": {
            "defaultSamplingProbability": default,
            "defaultLowerBoundTracesPerSecond": bound("defaultLowerBoundTracesPerSecond"),
            "defaultUpperBoundTracesPerSecond": bound("defaultUpperBoundTracesPerSecond"),
            "perOperationStrategies": operations,
        }
    }))
}
