//! `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` to `Sampling`, with the exact warnings.

use otel_kit_sampling::{Sampling, from_env_values};
use proptest::prelude::*;

const DEFAULT: &str = "parentbased_always_on";

fn ignored_unset(arg: &str) -> String {
    format!(
        "OTEL_TRACES_SAMPLER_ARG={arg:?} is ignored because OTEL_TRACES_SAMPLER is not set; \
         the default parentbased_always_on is used."
    )
}

fn ignored_no_arg(arg: &str, sampler: &str) -> String {
    format!(
        "OTEL_TRACES_SAMPLER_ARG={arg:?} is ignored because OTEL_TRACES_SAMPLER={sampler} takes no argument."
    )
}

fn bad_ratio(arg: &str, sampler: &str) -> String {
    format!(
        "OTEL_TRACES_SAMPLER_ARG={arg:?} is not a ratio between 0.0 and 1.0; \
         {sampler} uses the default 1.0 instead."
    )
}

fn bad_rate(arg: &str) -> String {
    format!(
        "OTEL_TRACES_SAMPLER_ARG={arg:?} is not a positive number of traces per second; \
         parentbased_ratelimited uses the default 100 instead."
    )
}

const XRAY_DEFAULT: &str = "xray(endpoint=http://127.0.0.1:2000, polling_interval=300)";

fn xray_unusable(arg: &str, entries: &str) -> String {
    format!("OTEL_TRACES_SAMPLER_ARG={arg:?} has entries xray cannot use: {entries}.")
}

const JAEGER_DEFAULT: &str =
    "jaeger_remote(endpoint=http://localhost:14250, pollingIntervalMs=60000, initial=traceidratio(0.001))";
const PARENT_BASED_JAEGER_DEFAULT: &str = "parentbased_jaeger_remote(endpoint=http://localhost:14250, pollingIntervalMs=60000, initial=traceidratio(0.001))";

fn unknown(sampler: &str) -> String {
    format!(
        "OTEL_TRACES_SAMPLER={sampler:?} is not a known sampler (expected always_on, always_off, \
         traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio, \
         parentbased_ratelimited, jaeger_remote, parentbased_jaeger_remote or xray); using the default parentbased_always_on instead."
    )
}

/// `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`, the expected `Display`, the expected warnings.
type Case = (
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    Vec<String>,
);

#[test]
fn every_value_maps_to_its_preset_with_the_exact_warnings() {
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        // Unset and empty.
        (None, None, DEFAULT, vec![]),
        (Some(""), None, DEFAULT, vec![]),
        (Some("  "), Some(""), DEFAULT, vec![]),
        (None, Some("0.1"), DEFAULT, vec![ignored_unset("0.1")]),
        (Some(""), Some("0.1"), DEFAULT, vec![ignored_unset("0.1")]),
        // Samplers without an argument.
        (Some("always_on"), None, "always_on", vec![]),
        (Some("always_off"), None, "always_off", vec![]),
        (Some("parentbased_always_on"), None, DEFAULT, vec![]),
        (Some("parentbased_always_off"), None, "parentbased_always_off", vec![]),
        (Some("always_on"), Some(""), "always_on", vec![]),
        (Some("always_on"), Some("0.5"), "always_on", vec![ignored_no_arg("0.5", "always_on")]),
        (Some("Parentbased_Always_Off"), Some("x"), "parentbased_always_off",
            vec![ignored_no_arg("x", "parentbased_always_off")]),
        // Ratios: standard (not parent-based) and parent-based.
        (Some("traceidratio"), Some("0.3"), "traceidratio(0.3)", vec![]),
        (Some("traceidratio"), None, "traceidratio(1)", vec![]),
        (Some("traceidratio"), Some("1.5"), "traceidratio(1)", vec![bad_ratio("1.5", "traceidratio")]),
        (Some("parentbased_traceidratio"), Some("0.1"), "parentbased_traceidratio(0.1)", vec![]),
        (Some("parentbased_traceidratio"), Some(" 0.25 "), "parentbased_traceidratio(0.25)", vec![]),
        (Some("parentbased_traceidratio"), Some("0"), "parentbased_traceidratio(0)", vec![]),
        (Some("parentbased_traceidratio"), Some("1"), "parentbased_traceidratio(1)", vec![]),
        (Some("parentbased_traceidratio"), Some("1e-2"), "parentbased_traceidratio(0.01)", vec![]),
        (Some("parentbased_traceidratio"), None, "parentbased_traceidratio(1)", vec![]),
        (Some("parentbased_traceidratio"), Some(""), "parentbased_traceidratio(1)", vec![]),
        (Some("parentbased_traceidratio"), Some("abc"), "parentbased_traceidratio(1)",
            vec![bad_ratio("abc", "parentbased_traceidratio")]),
        (Some("parentbased_traceidratio"), Some("-0.1"), "parentbased_traceidratio(1)",
            vec![bad_ratio("-0.1", "parentbased_traceidratio")]),
        (Some("parentbased_traceidratio"), Some("NaN"), "parentbased_traceidratio(1)",
            vec![bad_ratio("NaN", "parentbased_traceidratio")]),
        (Some("parentbased_traceidratio"), Some("10%"), "parentbased_traceidratio(1)",
            vec![bad_ratio("10%", "parentbased_traceidratio")]),
        // Our extension.
        (Some("parentbased_ratelimited"), None, "parentbased_ratelimited(100/s)", vec![]),
        (Some("parentbased_ratelimited"), Some("25"), "parentbased_ratelimited(25/s)", vec![]),
        (Some("parentbased_ratelimited"), Some("0.5"), "parentbased_ratelimited(0.5/s)", vec![]),
        (Some("parentbased_ratelimited"), Some("0"), "parentbased_ratelimited(100/s)", vec![bad_rate("0")]),
        (Some("parentbased_ratelimited"), Some("-1"), "parentbased_ratelimited(100/s)", vec![bad_rate("-1")]),
        (Some("parentbased_ratelimited"), Some("inf"), "parentbased_ratelimited(100/s)", vec![bad_rate("inf")]),
        (Some("parentbased_ratelimited"), Some("fast"), "parentbased_ratelimited(100/s)", vec![bad_rate("fast")]),
        // Jaeger remote (the `jaeger-remote` feature is on in these tests).
        (Some("jaeger_remote"), None, JAEGER_DEFAULT, vec![]),
        (Some("parentbased_jaeger_remote"), Some("endpoint=http://localhost:14250"),
            PARENT_BASED_JAEGER_DEFAULT, vec![]),
        (Some("jaeger_remote"), Some("endpoint=http://agent:5778,pollingIntervalMs=5000,initialSamplingRate=0.25"),
            "jaeger_remote(endpoint=http://agent:5778, pollingIntervalMs=5000, initial=traceidratio(0.25))", vec![]),
        (Some("jaeger_remote"), Some("pollingIntervalMs=soon"),
            JAEGER_DEFAULT,
            vec!["OTEL_TRACES_SAMPLER_ARG=\"pollingIntervalMs=soon\" has entries jaeger_remote cannot use: \
                  \"pollingIntervalMs=soon\" is not a whole number of milliseconds above 0; \
                  jaeger_remote polls every 60000 ms instead.".to_owned()]),
        // Under the floor: a poll a millisecond would be a connection a millisecond.
        (Some("jaeger_remote"), Some("pollingIntervalMs=1"),
            "jaeger_remote(endpoint=http://localhost:14250, pollingIntervalMs=1000, initial=traceidratio(0.001))",
            vec!["OTEL_TRACES_SAMPLER_ARG=\"pollingIntervalMs=1\" has entries jaeger_remote cannot use: \
                  \"pollingIntervalMs=1\" is under the 1000 ms floor; jaeger_remote polls every 1000 ms.".to_owned()]),
        // X-Ray (the `xray-remote` feature is on in these tests), its ARG as AWS's
        // distributions read it.
        (Some("xray"), None, XRAY_DEFAULT, vec![]),
        (Some("XRay"), Some("endpoint=http://localhost:2000, polling_interval=60"),
            "xray(endpoint=http://localhost:2000, polling_interval=60)", vec![]),
        (Some("xray"), Some("endpoint=http://collector:2000/xray/"),
            "xray(endpoint=http://collector:2000/xray/, polling_interval=300)", vec![]),
        (Some("xray"), Some("0.5"), XRAY_DEFAULT, vec![xray_unusable("0.5",
            "\"0.5\" is not a key=value entry (endpoint or polling_interval); xray ignores it")]),
        // Under 10 s gets the default, as AWS's Python sampler does.
        (Some("xray"), Some("polling_interval=5"), XRAY_DEFAULT, vec![xray_unusable("polling_interval=5",
            "\"polling_interval=5\" is under 10 seconds; xray polls every 300 seconds, the default")]),
        // Over a day too: u64::MAX seconds is past what the clock can add.
        (Some("xray"), Some("polling_interval=18446744073709551615"), XRAY_DEFAULT, vec![xray_unusable(
            "polling_interval=18446744073709551615",
            "\"polling_interval=18446744073709551615\" is over 86400 seconds (a day); xray polls every 300 \
             seconds, the default")]),
        (Some("xray"), Some("polling_interval=2.5,sampling=on"), XRAY_DEFAULT, vec![xray_unusable(
            "polling_interval=2.5,sampling=on",
            "\"polling_interval=2.5\" is not a whole number of seconds; xray polls every 300 seconds instead; \
             \"sampling=on\" names no key xray knows (endpoint, polling_interval); it is ignored")]),
        (Some("xray"), Some("endpoint=https://u:pw@daemon:2000"), XRAY_DEFAULT, vec![xray_unusable(
            "endpoint=https://u:***@daemon:2000",
            "\"endpoint=https://u:***@daemon:2000\" is unusable: \"https://u:***@daemon:2000\" is not an \
             http://host[:port][/path] URL (https is not supported); xray uses the default http://127.0.0.1:2000")]),
        // Unknown values, including near misses.
        (Some("bogus"), None, DEFAULT, vec![unknown("bogus")]),
        (Some("ratelimited"), Some("5"), DEFAULT, vec![unknown("ratelimited")]),
        (Some("parentbased_traceid_ratio"), Some("0.1"), DEFAULT, vec![unknown("parentbased_traceid_ratio")]),
        (Some("always on"), None, DEFAULT, vec![unknown("always on")]),
    ];
    for (sampler, arg, expected, warnings) in cases {
        let (sampling, got) = from_env_values(sampler, arg);
        let case = format!("OTEL_TRACES_SAMPLER={sampler:?} OTEL_TRACES_SAMPLER_ARG={arg:?}");
        assert_eq!(sampling.to_string(), expected, "{case}");
        assert_eq!(got, warnings, "{case}");
    }
}

#[test]
fn jaeger_remote_arg_entries_that_cannot_be_used_make_one_warning_naming_each() {
    let arg = " Endpoint = ftp://x , pollingIntervalMs=0,initialSamplingRate=1.5,colour=red,junk,,";
    let (sampling, warnings) = from_env_values(Some("jaeger_remote"), Some(arg));
    assert_eq!(
        sampling.to_string(),
        JAEGER_DEFAULT,
        "each entry keeps its default"
    );
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let warning = &warnings[0];
    assert!(warning.starts_with(&format!("OTEL_TRACES_SAMPLER_ARG={arg:?} has entries")));
    for part in [
        "\"Endpoint = ftp://x\" is unusable",
        "default http://localhost:14250",
        "\"pollingIntervalMs=0\"",
        "60000 ms",
        "\"initialSamplingRate=1.5\"",
        "default 0.001",
        "\"colour=red\" names no key",
        "\"junk\" is not a key=value entry",
    ] {
        assert!(warning.contains(part), "{part} missing from {warning}");
    }
    assert!(warning.ends_with('.'));
}

#[test]
fn names_are_case_insensitive_and_trimmed() {
    let cases = [
        ("ALWAYS_ON", "always_on"),
        ("Always_Off", "always_off"),
        ("PARENTBASED_ALWAYS_ON", DEFAULT),
        ("TraceIdRatio", "traceidratio(0.5)"),
        ("ParentBased_TraceIdRatio", "parentbased_traceidratio(0.5)"),
        ("PARENTBASED_RATELIMITED", "parentbased_ratelimited(0.5/s)"),
        (" always_on\t", "always_on"),
    ];
    for (sampler, expected) in cases {
        let arg = if expected.contains('(') { Some("0.5") } else { None };
        let (sampling, warnings) = from_env_values(Some(sampler), arg);
        assert_eq!(
            (sampling.to_string(), warnings),
            (expected.to_string(), vec![]),
            "{sampler:?}"
        );
    }
}

#[test]
fn env_presets_equal_the_typed_presets() {
    let cases = [
        (from_env_values(None, None).0, Sampling::default()),
        (from_env_values(Some("always_on"), None).0, Sampling::always_on()),
        (
            from_env_values(Some("always_off"), None).0,
            Sampling::always_off(),
        ),
        (
            from_env_values(Some("parentbased_traceidratio"), Some("0.1")).0,
            Sampling::ratio(0.1),
        ),
        (
            from_env_values(Some("parentbased_ratelimited"), Some("25")).0,
            Sampling::rate_limited(25.0),
        ),
    ];
    for (from_env, typed) in cases {
        assert_eq!(from_env, typed);
    }
    // The spec's plain `traceidratio` is not the typed ratio: that one is parent-based.
    assert_ne!(
        from_env_values(Some("traceidratio"), Some("0.1")).0,
        Sampling::ratio(0.1)
    );
}

const NAMES: [&str; 10] = [
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
    "parentbased_ratelimited",
    "jaeger_remote",
    "parentbased_jaeger_remote",
    "xray",
];

proptest! {
    #[test]
    fn whatever_is_set_the_result_is_valid_and_each_problem_is_one_warning(
        sampler in proptest::option::of(prop_oneof![proptest::sample::select(&NAMES[..]).prop_map(String::from), ".*"]),
        arg in proptest::option::of(prop_oneof!["-?[0-9]{0,3}(\\.[0-9]{0,3})?", ".*"]),
    ) {
        let (sampling, warnings) = from_env_values(sampler.as_deref(), arg.as_deref());
        prop_assert_eq!(sampling.validate(), Ok(()));
        prop_assert!(warnings.len() <= 1, "{:?}", warnings);
        for warning in &warnings {
            prop_assert!(warning.starts_with("OTEL_TRACES_SAMPLER"), "{}", warning);
            prop_assert!(warning.ends_with('.'), "{}", warning);
        }
    }

    #[test]
    fn any_mix_of_case_gives_the_same_result(
        name in proptest::sample::select(&NAMES[..]),
        upper in proptest::collection::vec(any::<bool>(), 32),
        arg in proptest::option::of("[0-9]\\.[0-9]{1,2}"),
    ) {
        let mixed: String = name
            .chars()
            .zip(upper.iter().cycle())
            .map(|(c, up)| if *up { c.to_ascii_uppercase() } else { c })
            .collect();
        let (lower, lower_warnings) = from_env_values(Some(name), arg.as_deref());
        let (other, other_warnings) = from_env_values(Some(&mixed), arg.as_deref());
        prop_assert_eq!(lower, other);
        // Warnings quote the value as written; only the case of that quote may differ.
        let normalised: Vec<String> = other_warnings.iter().map(|w| w.replace(&mixed, name)).collect();
        prop_assert_eq!(lower_warnings, normalised);
    }
}

/// A password holding the `,` that separates entries, and digits before a `/`: no piece
/// of it is printed, whichever sampler reads the value, in its warnings, `Display` or
/// `Debug`.
#[test]
fn a_password_with_a_comma_is_never_printed_in_pieces() {
    for (sampler, arg) in [
        ("xray", "endpoint=https://alice:pq7x,zz9k@daemon:2000"),
        (
            "xray",
            "endpoint=http://alice:71,93/58@daemon:2000,polling_interval=5",
        ),
        (
            "jaeger_remote",
            "endpoint=http://alice:sx3q,cr3t@collector:14250,pollingIntervalMs=1",
        ),
        ("xray", "endpoint=http://alice:913/846@daemon:2000"),
    ] {
        let (sampling, warnings) = from_env_values(Some(sampler), Some(arg));
        let described = format!("{sampling} {sampling:?}");
        let password = arg
            .split_once("alice:")
            .and_then(|(_, rest)| rest.rsplit_once('@'))
            .map(|(password, _)| password)
            .expect("a password");
        for piece in password.split([',', '/']).filter(|p| p.len() >= 2) {
            assert!(
                !described.contains(piece),
                "{piece:?} of the password in: {described}"
            );
        }
        for warning in &warnings {
            for piece in password.split([',', '/']).filter(|p| p.len() >= 2) {
                assert!(
                    !warning.contains(piece),
                    "{piece:?} of the password in: {warning}"
                );
            }
            assert!(warning.contains("alice:***@"), "{warning}");
        }
        assert!(
            !warnings.is_empty() || sampler == "xray",
            "{sampler} {arg}: {warnings:?}"
        );
    }
}
