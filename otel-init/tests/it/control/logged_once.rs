//! Each change is logged once, at target `otel_kit_init`, naming the old and new values;
//! a refused or idle change logs nothing, and logging never feeds on itself. Read from
//! the OTLP log records the collector received, through the subscriber `init()`
//! installed (so in its own process).

use std::time::Duration;

use otel_kit_init::sampling::Sampling;

use super::service::{Running, running, wait_until};
use crate::support::own_process::ran_in_own_process;

/// The records the control wrote, in order.
fn control_lines(service: &Running) -> Vec<String> {
    service
        .log_bodies()
        .into_iter()
        .filter(|b| {
            [
                "trace sampling changed",
                "log filter changed",
                "trace everything for",
                "trace-everything override",
            ]
            .iter()
            .any(|p| b.starts_with(p))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_change_is_logged_once_naming_the_old_and_new_values() {
    if ran_in_own_process(
        module_path!(),
        "each_change_is_logged_once_naming_the_old_and_new_values",
    ) {
        return;
    }
    let service = running(|b| b.sampling(Sampling::ratio(0.25))).await;
    let control = service.telemetry.control();

    control.set_sampling_ratio(0.5).expect("valid");
    control.set_sampling_ratio(0.5).expect("valid, and no change");
    assert!(control.set_sampling_ratio(2.0).is_err());
    control.set_filter("info,control_it=debug").expect("valid");
    control
        .set_filter("info,control_it=debug")
        .expect("valid, and no change");
    assert!(control.set_filter("info,control_it=loud").is_err());
    control
        .trace_everything_for(Duration::from_millis(200))
        .expect("valid");
    wait_until("the override's end is logged", Duration::from_secs(5), || {
        service.flush();
        control_lines(&service).len() == 4
    })
    .await;
    control
        .trace_everything_for(Duration::from_secs(600))
        .expect("valid");
    assert!(control.cancel_trace_everything());
    // Traffic and idle time after the changes add no line of the control's.
    service.get("/work", "r1").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    service.flush();

    let lines = control_lines(&service);
    let expected_starts = [
        "trace sampling changed from parentbased_traceidratio(0.25) to parentbased_traceidratio(0.5)",
        "log filter changed from \"info\" to \"info,control_it=debug\"",
        "trace everything for 200ms: every new trace is sampled, excluded routes excepted; \
         then parentbased_traceidratio(0.5) again",
        "trace-everything override ended after 200ms; sampling is parentbased_traceidratio(0.5) again",
        "trace everything for 600s: every new trace is sampled",
        "trace-everything override cancelled with ",
    ];
    assert_eq!(lines.len(), expected_starts.len(), "{lines:#?}");
    for (line, start) in lines.iter().zip(expected_starts) {
        assert!(line.starts_with(start), "expected {start:?}, got {line:?}");
    }
    assert!(
        lines[5].ends_with("left; sampling is parentbased_traceidratio(0.5) again"),
        "{}",
        lines[5]
    );
    let records = service.collector.logs();
    let warn = records
        .as_slice()
        .iter()
        .find(|r| {
            r.body_str()
                .is_some_and(|b| b.starts_with("trace everything for 200ms"))
        })
        .expect("the override's start");
    assert_eq!(warn.severity_text, "WARN", "an override is worth a warning");
    service.finish().await;
}
