//! Interop with the other SDKs' consistent samplers: for the same ratios, trace ids,
//! parents and trace states, the peer decides and writes `tracestate`, and the kit must
//! agree.
//!
//! - Python (`opentelemetry-sdk` 1.45, `opentelemetry.sdk.trace._sampling_experimental`):
//!   runs when `TEST_PYTHON_OTEL` names a Python with `opentelemetry-sdk`.
//! - JavaScript (`@opentelemetry/sampler-composite` 0.222): runs when `TEST_NODE_OTEL`
//!   names a directory whose `node_modules` has it (`npm install
//!   @opentelemetry/sampler-composite @opentelemetry/api`), with `node` on the path.
//!
//! Both round the threshold to all 56 bits; the kit to the 4 significant hex digits the
//! specification recommends. Where the two thresholds are equal (ratios such as
//! 1/2, 1/4, 3/4, 1/16) decisions and `ot` values must be identical; elsewhere decisions
//! must be identical for every trace id whose randomness is not between the two
//! thresholds, and the two thresholds within the kit's rounding.

use std::io::Write as _;
use std::process::{Command, Stdio};

use opentelemetry::Context;
use opentelemetry::trace::{
    SpanContext, SpanId, SpanKind, TraceContextExt as _, TraceFlags, TraceId, TraceState,
};
use opentelemetry_sdk::trace::SamplingDecision;
use otel_kit_sampling::{Sampling, Threshold};

/// Reads `ratio form parent trace_id tracestate` lines; writes `decision ot` lines.
const PYTHON: &str = r#"
import sys
from opentelemetry.context import Context
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, TraceState, set_span_in_context
from opentelemetry.sdk.trace._sampling_experimental import (
    composable_parent_threshold, composable_traceid_ratio_based, composite_sampler)

samplers = {}
for line in sys.stdin:
    ratio, form, parent, trace_id, tracestate = line.rstrip("\n").split(" ")
    key = (ratio, form)
    if key not in samplers:
        inner = composable_traceid_ratio_based(float(ratio))
        samplers[key] = composite_sampler(composable_parent_threshold(inner) if form == "parentbased" else inner)
    trace_id = int(trace_id, 16)
    state = TraceState.from_header([tracestate]) if tracestate != "-" else None
    if parent == "root":
        context = None
    else:
        flags = TraceFlags(TraceFlags.SAMPLED if parent == "sampled" else TraceFlags.DEFAULT)
        span_context = SpanContext(trace_id, 0x00F067AA0BA902B7, True, flags, state or TraceState())
        context = set_span_in_context(NonRecordingSpan(span_context), Context())
    result = samplers[key].should_sample(context, trace_id, "request", trace_state=state)
    ot = result.trace_state.get("ot") if result.trace_state else None
    print("sample" if result.decision.is_sampled() else "drop", ot or "-")
"#;

/// The same in JavaScript.
const NODE: &str = r#"
const api = require("@opentelemetry/api");
const core = require("@opentelemetry/core");
const composite = require("@opentelemetry/sampler-composite");
const lines = require("fs").readFileSync(0, "utf8").split("\n").filter((l) => l.length > 0);
const samplers = new Map();
const out = [];
for (const line of lines) {
  const [ratio, form, parent, traceId, tracestate] = line.split(" ");
  const key = ratio + " " + form;
  if (!samplers.has(key)) {
    const inner = composite.createComposableProbabilitySampler(Number(ratio));
    samplers.set(key, composite.createCompositeSampler(
      form === "parentbased" ? composite.createComposableParentThresholdSampler(inner) : inner));
  }
  let context = api.ROOT_CONTEXT;
  if (parent !== "root") {
    context = api.trace.setSpanContext(context, {
      traceId, spanId: "00f067aa0ba902b7", isRemote: true,
      traceFlags: parent === "sampled" ? api.TraceFlags.SAMPLED : api.TraceFlags.NONE,
      traceState: new core.TraceState(tracestate === "-" ? "" : tracestate),
    });
  }
  const result = samplers.get(key).shouldSample(context, traceId, "request", api.SpanKind.SERVER, {}, []);
  const ot = result.traceState ? result.traceState.get("ot") : undefined;
  out.push((result.decision === 2 ? "sample" : "drop") + " " + (ot || "-"));
}
console.log(out.join("\n"));
"#;

#[derive(Clone)]
struct Case {
    ratio: f64,
    parent_based: bool,
    /// `root`, `sampled` or `unsampled` (a remote parent).
    parent: &'static str,
    trace_id: TraceId,
    tracestate: String,
}

fn ids(count: usize, mut state: u64) -> Vec<u128> {
    (0..count)
        .map(|_| {
            let mut next = || {
                state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = state;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                z ^ (z >> 31)
            };
            (u128::from(next()) << 64) | u128::from(next())
        })
        .collect()
}

fn cases() -> Vec<Case> {
    let ratios = [1.0, 0.75, 0.5, 0.25, 0.0625, 0.1, 0.01, 0.001, 1.0 / 3.0];
    let mut cases = Vec::new();
    for (n, ratio) in ratios.into_iter().enumerate() {
        for (i, id) in ids(600, n as u64).into_iter().enumerate() {
            let rv = format!("{:014x}", (id >> 64) as u64 & ((1 << 56) - 1));
            let randomness = (id as u64) & ((1 << 56) - 1);
            let (parent_based, parent, tracestate) = match i % 7 {
                // Roots, without and with an explicit rv.
                0 => (true, "root", String::new()),
                1 => (false, "root", String::new()),
                2 => (false, "sampled", format!("ot=rv:{rv};k:v")),
                // Children of parents that sampled, with and without a threshold, and
                // of one that did not.
                3 => (true, "sampled", String::new()),
                4 => (true, "unsampled", String::new()),
                5 => (false, "unsampled", "ot=k:v".to_owned()),
                // A parent that sampled with a threshold its randomness satisfies.
                _ => (
                    true,
                    "sampled",
                    format!("ot=th:{};k:v", if randomness >> 55 == 1 { "8" } else { "0" }),
                ),
            };
            cases.push(Case {
                ratio,
                parent_based,
                parent,
                trace_id: TraceId::from(id),
                tracestate,
            });
        }
    }
    cases
}

fn kit(case: &Case) -> (bool, Option<String>) {
    let sampling = if case.parent_based {
        Sampling::ratio(case.ratio)
    } else {
        Sampling::trace_id_ratio(case.ratio)
    };
    let trace_state: TraceState = case.tracestate.parse().expect("valid");
    let cx = match case.parent {
        "root" => Context::new(),
        parent => Context::new().with_remote_span_context(SpanContext::new(
            case.trace_id,
            SpanId::from(0x00f0_67aa_0ba9_02b7),
            if parent == "sampled" {
                TraceFlags::SAMPLED
            } else {
                TraceFlags::default()
            },
            true,
            trace_state,
        )),
    };
    let result = sampling.into_sampler().should_sample(
        Some(&cx),
        case.trace_id,
        "request",
        &SpanKind::Server,
        &[],
        &[],
    );
    (
        result.decision == SamplingDecision::RecordAndSample,
        result.trace_state.get("ot").map(str::to_owned),
    )
}

fn peer(mut command: Command, cases: &[Case]) -> Vec<(bool, Option<String>)> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the peer runs");
    let mut input = String::new();
    for case in cases {
        let kind = if case.parent_based {
            "parentbased"
        } else {
            "traceidratio"
        };
        let tracestate = if case.tracestate.is_empty() {
            "-"
        } else {
            case.tracestate.as_str()
        };
        input.push_str(&format!(
            "{:?} {kind} {} {} {tracestate}\n",
            case.ratio, case.parent, case.trace_id
        ));
    }
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write cases");
    let output = child.wait_with_output().expect("python finishes");
    assert!(output.status.success(), "the peer failed");
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| {
            let (decision, ot) = line.split_once(' ').expect("two fields");
            (decision == "sample", (ot != "-").then(|| ot.to_owned()))
        })
        .collect()
}

fn threshold_of(ot: Option<&str>) -> Option<Threshold> {
    ot?.split(';')
        .find_map(|m| m.strip_prefix("th:"))
        .and_then(Threshold::parse)
}

#[test]
fn the_kit_and_the_python_sdk_keep_the_same_traces_and_write_the_same_thresholds() {
    let Ok(python) = std::env::var("TEST_PYTHON_OTEL") else {
        eprintln!(
            "skipped: set TEST_PYTHON_OTEL to a Python with opentelemetry-sdk >= 1.39 (its _sampling_experimental)"
        );
        return;
    };
    let mut command = Command::new(python);
    command.args(["-c", PYTHON]);
    compare_with(command);
}

#[test]
fn the_kit_and_the_javascript_sdk_keep_the_same_traces_and_write_the_same_thresholds() {
    let Ok(dir) = std::env::var("TEST_NODE_OTEL") else {
        eprintln!(
            "skipped: set TEST_NODE_OTEL to a directory with @opentelemetry/sampler-composite in node_modules"
        );
        return;
    };
    let mut command = Command::new("node");
    command.args(["-e", NODE]).current_dir(dir);
    compare_with(command);
}

/// Runs the cases through the kit and through the peer `command`, and compares.
fn compare_with(command: Command) {
    let cases = cases();
    let theirs = peer(command, &cases);
    assert_eq!(theirs.len(), cases.len());
    let (mut identical, mut between) = (0, 0);
    for (case, theirs) in cases.iter().zip(&theirs) {
        let ours = kit(case);
        let what = format!(
            "ratio {} {} parent {} id {} tracestate {:?}: kit {ours:?}, python {theirs:?}",
            case.ratio,
            if case.parent_based {
                "parent-based"
            } else {
                "traceidratio"
            },
            case.parent,
            case.trace_id,
            case.tracestate
        );
        let (our_th, their_th) = (threshold_of(ours.1.as_deref()), threshold_of(theirs.1.as_deref()));
        if ours == *theirs {
            identical += 1;
            continue;
        }
        // Only the rounding of the threshold may differ, and only for ratios whose
        // threshold needs more than 4 hex digits.
        let kit_threshold = Threshold::from_probability(case.ratio).expect("a probability");
        let full = (1u64 << 56) - (case.ratio * 2f64.powi(56)).round() as u64;
        assert_ne!(
            kit_threshold.value(),
            full,
            "equal thresholds must agree exactly: {what}"
        );
        let relative = (kit_threshold.value().abs_diff(full)) as f64 / (1u64 << 56) as f64 / case.ratio;
        assert!(relative < 16f64.powi(-3), "thresholds too far apart: {what}");
        if ours.0 == theirs.0 {
            // Same decision: the th values differ by rounding alone.
            assert_eq!(our_th, Some(kit_threshold), "{what}");
            assert_eq!(their_th.map(|t| t.value()), Some(full), "{what}");
            fn strip(ot: &Option<String>) -> Option<Vec<&str>> {
                ot.as_deref()
                    .map(|ot| ot.split(';').filter(|m| !m.starts_with("th:")).collect())
            }
            assert_eq!(strip(&ours.1), strip(&theirs.1), "the other sub-keys: {what}");
        } else {
            // Different decisions: only for randomness between the two thresholds.
            let rv = case.tracestate.split("rv:").nth(1).map(|rest| &rest[..14]);
            let randomness = rv.map_or_else(
                || (u128::from_be_bytes(case.trace_id.to_bytes()) as u64) & ((1 << 56) - 1),
                |rv| u64::from_str_radix(rv, 16).expect("hex"),
            );
            let (low, high) = (kit_threshold.value().min(full), kit_threshold.value().max(full));
            assert!((low..high).contains(&randomness), "{what}");
            between += 1;
        }
    }
    eprintln!(
        "{} cases: {identical} identical, {} differing only in th rounding, {between} decided differently (randomness between the two thresholds)",
        cases.len(),
        cases.len() - identical - between
    );
    assert!(identical >= cases.len() / 2, "most cases are identical");
}
