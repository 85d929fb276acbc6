//! `set_sampling_ratio` against the running service: the next requests follow the new
//! ratio, the preset keeps its shape, and one telemetry's control leaves another's alone.

use otel_kit_init::sampling::Sampling;
use otel_kit_init::{ControlError, Exporter};

use super::service::{UNSAMPLED_CALLER, running};

fn ids(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}-{i}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_ratio_applies_to_the_next_requests_and_keeps_the_preset_shape() {
    let service = running(|b| {
        b.without_globals()
            .sampling(Sampling::ratio(0.0).excluding_health_checks())
    })
    .await;
    let control = service.telemetry.control();
    for id in ids("at-0", 5) {
        service.get("/work", &id).await;
    }
    service.flush();
    assert_eq!(
        service.exported_requests(),
        Vec::<String>::new(),
        "ratio 0 samples nothing"
    );

    control.set_sampling_ratio(1.0).expect("a valid ratio");
    // The very next requests, not "within a while": the sampler reads the ratio on
    // every decision.
    for id in ids("at-1", 5) {
        service.get("/work", &id).await;
    }
    // Still parent-based: a caller that did not sample is followed. Still excluding the
    // health checks.
    service
        .get_from("/work", "unsampled-caller", UNSAMPLED_CALLER)
        .await;
    service.get("/health", "health-check").await;
    service.flush();
    assert_eq!(service.exported_requests(), ids("at-1", 5));
    assert_eq!(control.sampling_ratio(), Some(1.0));
    assert_eq!(
        control.sampling().to_string(),
        "parentbased_traceidratio(1) excluding routes [/health, /healthz, /ready, /live, /metrics]"
    );

    control.set_sampling_ratio(0.0).expect("a valid ratio");
    for id in ids("at-0-again", 5) {
        service.get("/work", &id).await;
    }
    service.flush();
    assert_eq!(service.exported_requests(), ids("at-1", 5), "back to none");

    // A refused ratio changes nothing.
    assert_eq!(
        control.set_sampling_ratio(1.5),
        Err(ControlError::InvalidRatio(1.5))
    );
    service.get("/work", "after-refusal").await;
    service.flush();
    assert_eq!(service.exported_requests(), ids("at-1", 5));
    assert_eq!(control.sampling_ratio(), Some(0.0));
    service.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_control_changes_only_the_telemetry_it_came_from() {
    let first = running(|b| b.without_globals().sampling(Sampling::ratio(0.0))).await;
    let second = running(|b| b.without_globals().sampling(Sampling::ratio(0.0))).await;
    first
        .telemetry
        .control()
        .set_sampling_ratio(1.0)
        .expect("a valid ratio");
    first.get("/work", "first").await;
    second.get("/work", "second").await;
    first.flush();
    second.flush();
    assert_eq!(first.exported_requests(), ["first"]);
    assert_eq!(second.exported_requests(), Vec::<String>::new());
    assert_eq!(second.telemetry.control().sampling_ratio(), Some(0.0));
    first.finish().await;
    second.finish().await;
}

#[test]
fn a_rate_limit_has_no_ratio_to_set_and_says_so() {
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .exporter(Exporter::None)
        .sampling(Sampling::rate_limited(100.0))
        .init()
        .expect("init");
    let control = telemetry.control();
    let err = control.set_sampling_ratio(1.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the sampler in effect, parentbased_ratelimited(100/s), has no ratio to change; configure a \
         ratio (OTEL_TRACES_SAMPLER=parentbased_traceidratio) to change it at runtime, or use \
         trace_everything_for for a temporary override"
    );
    assert_eq!(control.sampling_ratio(), None);
    assert_eq!(control.sampling().to_string(), "parentbased_ratelimited(100/s)");
}
