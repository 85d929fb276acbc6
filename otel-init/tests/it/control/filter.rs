//! `set_filter` against the running service, whose handler logs at `debug` and `info`:
//! the subscriber `init()` installed exports the `debug` line once its target is
//! enabled, refuses bad directives keeping the filter in effect, and there is no filter
//! to change when `init()` installed no subscriber.

use otel_kit_init::{ControlError, Exporter};

use super::service::running;
use crate::support::own_process::ran_in_own_process;

fn has(bodies: &[String], body: &str) -> bool {
    bodies.iter().any(|b| b == body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_filter_applies_to_the_next_requests_and_bad_directives_change_nothing() {
    if ran_in_own_process(
        module_path!(),
        "a_new_filter_applies_to_the_next_requests_and_bad_directives_change_nothing",
    ) {
        return;
    }
    // Globals on: the subscriber `init()` installs is the one controlled.
    let service = running(|b| b).await;
    let control = service.telemetry.control();
    let directives = || control.filter().map(|f| f.directives().to_owned());
    assert_eq!(directives().as_deref(), Some("info"));

    service.get("/work", "r1").await;
    control
        .set_filter("info,control_it=debug")
        .expect("valid directives");
    service.get("/work", "r2").await;
    let err = control.set_filter("info,control_it=loud").unwrap_err();
    assert!(
        matches!(&err, ControlError::InvalidFilter { directives, .. } if directives == "info,control_it=loud"),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("the filter in effect is unchanged"),
        "{err}"
    );
    assert_eq!(directives().as_deref(), Some("info,control_it=debug"));
    service.get("/work", "r3").await;
    control.set_filter("info").expect("valid directives");
    service.get("/work", "r4").await;
    service.flush();

    let bodies = service.log_bodies();
    for id in ["r1", "r2", "r3", "r4"] {
        assert!(has(&bodies, &format!("handled {id}")), "{id}: {bodies:?}");
    }
    assert!(!has(&bodies, "debug detail for r1"), "info: {bodies:?}");
    assert!(has(&bodies, "debug detail for r2"), "debug enabled: {bodies:?}");
    assert!(
        has(&bodies, "debug detail for r3"),
        "the refused filter changed nothing: {bodies:?}"
    );
    assert!(!has(&bodies, "debug detail for r4"), "back to info: {bodies:?}");
    service.finish().await;
}

#[test]
fn without_a_subscriber_there_is_no_filter_to_change() {
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .exporter(Exporter::None)
        .init()
        .expect("init");
    let control = telemetry.control();
    assert_eq!(control.filter(), None);
    assert_eq!(control.set_filter("debug"), Err(ControlError::NoSubscriber));
    // Bad directives are reported as such first: that is what to fix.
    assert!(matches!(
        control.set_filter("my_app=loud"),
        Err(ControlError::InvalidFilter { .. })
    ));
    assert!(matches!(
        control.set_filter(" "),
        Err(ControlError::InvalidFilter { .. })
    ));
}
