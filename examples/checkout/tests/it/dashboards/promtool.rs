//! The rules under `promtool` (`TEST_PROMTOOL`): `promtool check rules` on the shipped
//! rule files, and `promtool test rules` on `alert-rules.test.yaml`,
//! `day-over-day.test.yaml` and `collector-alerts.test.yaml`, the unit tests of every
//! alert on synthetic series. Both fail on a deliberately broken copy, so they
//! cannot pass vacuously; and every alert of the shipped files has a case that fires
//! and one that does not.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_rust2::YamlLoader;

use super::{alert_rules, dashboards_dir};
use crate::prometheus_server::RULE_FILES;

/// promtool's unit tests of the alerts: the first loads every rule file, the second
/// only the alerts that compare with the day before, the third the collector's own.
const TEST_FILES: [&str; 3] = [
    "alert-rules.test.yaml",
    "day-over-day.test.yaml",
    "collector-alerts.test.yaml",
];
const TEST_ARGS: &[&str] = &["test", "rules", TEST_FILES[0], TEST_FILES[1], TEST_FILES[2]];
/// The broken copies' run: the unit tests of the alerts they break only (the other two
/// files take 4 s of promtool's CPU for nothing there).
const ALERT_TEST_ARGS: &[&str] = &["test", "rules", TEST_FILES[0]];

fn rules_dir() -> PathBuf {
    dashboards_dir().join("prometheus")
}

/// `TEST_PROMTOOL`, or `None` after printing why `test` does not run.
fn promtool(test: &str) -> Option<PathBuf> {
    match std::env::var("TEST_PROMTOOL") {
        Ok(path) if !path.trim().is_empty() => Some(PathBuf::from(path)),
        _ => {
            println!("{test}: skipped: TEST_PROMTOOL (Prometheus's promtool) is not set");
            None
        }
    }
}

/// Runs `promtool args...` in `dir`: whether it succeeded, and its output.
fn run(promtool: &Path, dir: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new(promtool)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", promtool.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// A copy of the rule files and their tests in a directory of their own, with `edit`
/// applied to `file`'s text.
fn broken_copy(name: &str, file: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("checkout-rules-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create a directory");
    for copied in RULE_FILES.iter().chain(&TEST_FILES) {
        let text = std::fs::read_to_string(rules_dir().join(copied)).expect("read");
        let text = if *copied == file { edit(&text) } else { text };
        std::fs::write(dir.join(copied), text).expect("write");
    }
    dir
}

#[test]
fn promtool_checks_the_rules_and_a_broken_rule_fails() {
    let Some(promtool) = promtool("promtool_checks_the_rules_and_a_broken_rule_fails") else {
        return;
    };
    let mut args = vec!["check", "rules"];
    args.extend(RULE_FILES);
    let (ok, output) = run(&promtool, &rules_dir(), &args);
    assert!(ok, "promtool check rules:\n{output}");

    let dir = broken_copy("check", "alert-rules.yaml", |text| {
        text.replacen(
            "job:http_server_request_errors:ratio_rate5m > 0.05",
            "job:http_server_request_errors:ratio_rate5m >",
            1,
        )
    });
    let (ok, output) = run(&promtool, &dir, &args);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!ok, "a rule that does not parse must fail the check:\n{output}");
}

#[test]
fn promtool_unit_tests_every_alert_and_a_wrong_threshold_fails() {
    let Some(promtool) = promtool("promtool_unit_tests_every_alert_and_a_wrong_threshold_fails") else {
        return;
    };
    let (ok, output) = run(&promtool, &rules_dir(), TEST_ARGS);
    assert!(ok, "promtool test rules {TEST_FILES:?}:\n{output}");

    // At 3% instead of 5%, the frontend's 4% of failed requests would page: the unit
    // test of HttpHighErrorRatio says it must not.
    let dir = broken_copy("threshold", "alert-rules.yaml", |text| {
        text.replacen(
            "job:http_server_request_errors:ratio_rate5m > 0.05",
            "job:http_server_request_errors:ratio_rate5m > 0.03",
            1,
        )
    });
    let (ok, output) = run(&promtool, &dir, ALERT_TEST_ARGS);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!ok, "a lowered threshold must fail the unit tests:\n{output}");
    assert!(output.contains("HttpHighErrorRatio"), "{output}");
}

#[test]
fn promtool_unit_tests_fail_without_the_burn_rate_guards() {
    let test = "promtool_unit_tests_fail_without_the_burn_rate_guards";
    let Some(promtool) = promtool(test) else {
        return;
    };
    // Without the traffic guard, admin's one request a minute pages; without the
    // per-service objective, batch's 1% of failures burns its budget at 10, not 1.
    for (name, file, from, to, alert) in [
        (
            "guard",
            "alert-rules.yaml",
            "job_protocol:slo_requests:rate1h > 0.1",
            "job_protocol:slo_requests:rate1h > 0",
            "SloBurnRateFast",
        ),
        (
            "objective",
            "recording-rules.yaml",
            r#"otel_kit:slo_objective:ratio{job!=""}"#,
            r#"otel_kit:slo_objective:ratio{job="none"}"#,
            "SloBurnRateSlow",
        ),
    ] {
        let dir = broken_copy(name, file, |text| {
            assert!(text.contains(from), "{file} has {from}");
            text.replacen(from, to, 1)
        });
        let (ok, output) = run(&promtool, &dir, ALERT_TEST_ARGS);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(!ok, "{name}: the unit tests must fail:\n{output}");
        assert!(output.contains(alert), "{name}: {output}");
    }
}

/// Every alert of the shipped alert files is tested: at some time it fires (an expected
/// alert), and at another nothing does (before its `for`, or below its threshold).
#[test]
fn every_alert_has_a_firing_and_a_silent_case() {
    let read = |file: &str| {
        let text = std::fs::read_to_string(rules_dir().join(file)).expect("read");
        YamlLoader::load_from_str(&text).expect("YAML").remove(0)
    };
    let alerts: BTreeSet<String> = alert_rules()
        .iter()
        .filter_map(|r| r["alert"].as_str().map(str::to_owned))
        .collect();
    let (mut firing, mut silent) = (BTreeSet::new(), BTreeSet::new());
    for (i, file) in TEST_FILES.iter().enumerate() {
        let tests = read(file);
        let files: Vec<&str> = tests["rule_files"]
            .as_vec()
            .expect("rule_files")
            .iter()
            .filter_map(|f| f.as_str())
            .collect();
        if i == 0 {
            assert_eq!(files, RULE_FILES, "{file} loads the shipped rules");
        } else {
            assert!(files.iter().all(|f| RULE_FILES.contains(f)), "{file}: {files:?}");
        }
        for test in tests["tests"].as_vec().expect("tests") {
            for case in test["alert_rule_test"].as_vec().into_iter().flatten() {
                let name = case["alertname"].as_str().expect("alertname").to_owned();
                match case["exp_alerts"].as_vec() {
                    Some(expected) if !expected.is_empty() => {
                        for alert in expected {
                            assert!(
                                ["summary", "description", "runbook_url"]
                                    .iter()
                                    .all(|a| alert["exp_annotations"][*a].as_str().is_some()),
                                "{file} {name}: the annotations are checked too"
                            );
                        }
                        firing.insert(name)
                    }
                    _ => silent.insert(name),
                };
            }
        }
    }
    assert_eq!(firing, alerts, "an alert without a case where it fires");
    assert_eq!(silent, alerts, "an alert without a case where it stays silent");
}
