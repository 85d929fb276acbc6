//! `trace_everything_for` against the running service, over a configuration that samples
//! nothing: every request is sampled while it is on, a caller's "not sampled" included
//! and health checks excepted, and nothing once it has ended or been cancelled.

use std::time::{Duration, Instant};

use otel_kit_init::sampling::Sampling;

use super::service::{CALLER_SPAN_ID, UNSAMPLED_CALLER, running, wait_until};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_is_sampled_for_the_duration_then_the_configured_ratio_again() {
    let service = running(|b| {
        b.without_globals()
            .sampling(Sampling::ratio(0.0).excluding_health_checks())
    })
    .await;
    let control = service.telemetry.control();
    let duration = Duration::from_millis(500);
    let started = Instant::now();
    control.trace_everything_for(duration).expect("a valid duration");
    for id in ["during-0", "during-1", "during-2"] {
        service.get("/work", id).await;
    }
    service
        .get_from("/work", "during-unsampled-caller", UNSAMPLED_CALLER)
        .await;
    service.get("/health", "during-health-check").await;
    let sent = started.elapsed();
    assert!(
        sent < duration,
        "the requests took {sent:?}, longer than the override: this machine is too slow for the test"
    );
    assert!(control.trace_everything_remaining().is_some());

    wait_until(
        "the override ends by itself",
        duration + Duration::from_secs(2),
        || control.trace_everything_remaining().is_none(),
    )
    .await;
    for id in ["after-0", "after-1", "after-2"] {
        service.get("/work", id).await;
    }
    service.flush();
    assert_eq!(
        service.exported_requests(),
        ["during-0", "during-1", "during-2", "during-unsampled-caller"]
    );
    // Sampled against the caller's decision, the span still belongs to the caller's trace.
    let fragment = service.span_of("during-unsampled-caller");
    assert_eq!(fragment.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(fragment.parent_span_id.as_deref(), Some(CALLER_SPAN_ID));
    assert_eq!(control.sampling_ratio(), Some(0.0));
    service.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_the_override_returns_to_the_configured_ratio_at_once() {
    let service = running(|b| b.without_globals().sampling(Sampling::ratio(0.0))).await;
    let control = service.telemetry.control();
    control
        .trace_everything_for(Duration::from_secs(600))
        .expect("a valid duration");
    service.get("/work", "on").await;
    assert!(control.cancel_trace_everything(), "it was on");
    service.get("/work", "cancelled").await;
    assert!(!control.cancel_trace_everything(), "nothing left to cancel");
    assert_eq!(control.trace_everything_remaining(), None);
    service.flush();
    assert_eq!(service.exported_requests(), ["on"]);
    service.finish().await;
}
