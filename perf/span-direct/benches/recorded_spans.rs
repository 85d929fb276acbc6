//! A recorded span end to end through the kit's own instrumentation, for callgrind
//! (`perf/span-direct/measure.py recorded`): `RECORDED_SPANS=<case>:<variant>:<n>` runs the
//! case's operation 1,000 then `n` more times and, through the kit, shuts the pipeline
//! down, so every recorded span is encoded and sent to `RECORDED_SPANS_ENDPOINT`
//! (OTLP/HTTP; the script serves it in its own process, outside the count).
//!
//! Cases: `server`, `client`, `database`; variants: `plain`, `recorded`, `unsampled`
//! (see `span_direct::recorded`). The run checks what it measured: through the kit,
//! every span exported when recorded, none when unsampled, none dropped.
#![allow(missing_docs)]

use span_direct::recorded::{Case, Operations, Variant, telemetry};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const WARM_UP: usize = 1_000;

fn main() -> Result<(), BoxError> {
    let Ok(spec) = std::env::var("RECORDED_SPANS") else {
        println!(
            "set RECORDED_SPANS=<server|client|database>:<plain|recorded|unsampled>:<n> (see perf/span-direct/measure.py recorded)"
        );
        return Ok(());
    };
    let mut parts = spec.split(':');
    let (Some(case), Some(variant), Some(n), None) = (
        parts.next().and_then(Case::named),
        parts.next().and_then(Variant::named),
        parts.next().and_then(|n| n.parse::<usize>().ok()),
        parts.next(),
    ) else {
        return Err(format!(
            "RECORDED_SPANS={spec}: expected <server|client|database>:<plain|recorded|unsampled>:<n>"
        )
        .into());
    };
    let telemetry = match variant {
        Variant::Plain => None,
        _ => {
            let endpoint =
                std::env::var("RECORDED_SPANS_ENDPOINT").map_err(|_| "RECORDED_SPANS_ENDPOINT is not set")?;
            Some(telemetry(variant, &endpoint)?)
        }
    };
    let operations = Operations::new(case, variant)?;
    operations.run(WARM_UP + n)?;
    if let Some(telemetry) = telemetry {
        telemetry.shutdown()?;
        let stats = telemetry.span_queue_stats().ok_or("no span queue")?;
        let expected = if variant == Variant::Recorded {
            WARM_UP + n
        } else {
            0
        };
        if stats.exported() != expected as u64 || stats.dropped() != 0 {
            return Err(format!(
                "{spec}: {} spans exported and {} dropped, expected {expected} and none",
                stats.exported(),
                stats.dropped()
            )
            .into());
        }
    }
    println!("{spec}: done");
    Ok(())
}
