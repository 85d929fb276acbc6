//! The control's own rules, without a service: refusals, and the override's thread.

use super::*;

fn control(sampling: Sampling) -> TelemetryControl {
    let (controlled, state) = sampling.controlled();
    drop(controlled.into_sampler());
    TelemetryControl::new(sampling, state, None)
}

#[test]
fn is_cheap_to_share_between_threads() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<TelemetryControl>();
}

#[test]
fn a_refused_ratio_leaves_the_one_in_effect() {
    let control = control(Sampling::ratio(0.25));
    for bad in [-0.1, 1.01, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            control.set_sampling_ratio(bad),
            Err(ControlError::InvalidRatio(_))
        ));
    }
    assert_eq!(control.sampling_ratio(), Some(0.25));
}

#[test]
fn a_sampler_that_was_never_built_is_reported_not_silently_ignored() {
    let sampling = Sampling::ratio(0.25);
    let (_, state) = sampling.controlled();
    let control = TelemetryControl::new(sampling, state, None);
    assert_eq!(
        control.set_sampling_ratio(0.5),
        Err(ControlError::SamplerNotControlled)
    );
    assert_eq!(
        control.trace_everything_for(Duration::from_secs(1)),
        Err(ControlError::SamplerNotControlled)
    );
}

#[test]
fn not_parent_based_presets_stay_so() {
    let control = control(Sampling::always_off().excluding_routes(["/ping"]));
    control.set_sampling_ratio(0.5).unwrap();
    assert_eq!(
        control.sampling().to_string(),
        "traceidratio(0.5) excluding routes [/ping]"
    );
}

#[test]
fn a_zero_or_endless_override_is_refused() {
    let control = control(Sampling::default());
    for bad in [Duration::ZERO, Duration::MAX] {
        assert_eq!(
            control.trace_everything_for(bad),
            Err(ControlError::InvalidDuration(bad))
        );
    }
    assert_eq!(control.trace_everything_remaining(), None);
}

#[test]
fn a_new_override_replaces_the_end_time_and_the_old_thread_leaves_it_alone() {
    let control = control(Sampling::ratio(0.0));
    control.trace_everything_for(Duration::from_millis(50)).unwrap();
    control.trace_everything_for(Duration::from_secs(60)).unwrap();
    std::thread::sleep(Duration::from_millis(150));
    assert!(control.trace_everything_remaining() > Some(Duration::from_secs(50)));
    assert!(control.cancel_trace_everything());
    assert_eq!(control.trace_everything_remaining(), None);
}

#[test]
fn the_override_ends_by_itself() {
    let control = control(Sampling::ratio(0.0));
    control.trace_everything_for(Duration::from_millis(30)).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while control.inner.state().everything.is_some() {
        assert!(Instant::now() < deadline, "the override's thread did not end it");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(!control.cancel_trace_everything());
}
