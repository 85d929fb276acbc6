//! `OTEL_PROPAGATORS` names to propagators: every name, mixes, duplicates, case, the
//! names that are skipped with their exact warnings, and `none`.

use std::collections::BTreeSet;

use opentelemetry::propagation::TextMapPropagator as _;
use otel_kit_init::config::from_names;
use otel_kit_propagators::{PropagatorName, Propagators};

use PropagatorName::{B3, B3Multi, Baggage, Jaeger, OtTrace, TraceContext, XRay};

/// The header names a propagator set injects, so each case checks behaviour, not only
/// the names it reports.
fn fields(propagators: &Propagators) -> BTreeSet<String> {
    propagators.fields().map(str::to_owned).collect()
}

fn fields_of(names: &[PropagatorName]) -> BTreeSet<String> {
    names
        .iter()
        .flat_map(|name| match name {
            TraceContext => vec!["traceparent", "tracestate"],
            Baggage => vec!["baggage"],
            B3 => vec!["b3"],
            B3Multi => vec!["x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "x-b3-flags"],
            Jaeger => vec!["uber-trace-id"],
            OtTrace => vec!["ot-tracer-traceid", "ot-tracer-spanid", "ot-tracer-sampled"],
            XRay => vec!["x-amzn-trace-id"],
            _ => unreachable!("a name this test does not know"),
        })
        .map(str::to_owned)
        .collect()
}

fn warn(value: &str, message: &str) -> String {
    format!("OTEL_PROPAGATORS=\"{value}\" {message}")
}

fn unknown(value: &str, name: &str) -> String {
    warn(
        value,
        &format!("names the unknown propagator `{name}`; it is skipped"),
    )
}

#[test]
fn from_names_table() {
    let default = [TraceContext, Baggage];
    let fallback = |value: &str, why: &str| warn(value, &format!("{why}; using tracecontext,baggage"));
    let none_wins = |value: &str| {
        warn(
            value,
            "combines `none` with other propagators; propagating nothing",
        )
    };

    #[rustfmt::skip]
    let cases: Vec<(&[&str], &[PropagatorName], Vec<String>)> = vec![
        // Unset or empty: the default, silently.
        (&[], &default, vec![]),
        (&[""], &default, vec![]),
        (&["  ", ",", " , "], &default, vec![]),
        // Each supported name alone.
        (&["tracecontext"], &[TraceContext], vec![]),
        (&["baggage"], &[Baggage], vec![]),
        (&["b3"], &[B3], vec![]),
        (&["b3multi"], &[B3Multi], vec![]),
        (&["none"], &[], vec![]),
        // Mixes keep the order given, whether split already or one raw value.
        (&["tracecontext,baggage,b3"], &[TraceContext, Baggage, B3], vec![]),
        (&["b3multi", "tracecontext"], &[B3Multi, TraceContext], vec![]),
        (&["baggage, b3 ,", "b3multi"], &[Baggage, B3, B3Multi], vec![]),
        // Case and surrounding spaces do not matter.
        (&[" TraceContext ", "BAGGAGE", "B3Multi"], &[TraceContext, Baggage, B3Multi], vec![]),
        // Duplicates count once, at their first position.
        (&["b3", "tracecontext", "B3", "b3", "TRACECONTEXT"], &[B3, TraceContext], vec![]),
        (&["NONE", "none"], &[], vec![]),
        // Jaeger and X-Ray, mixed with the others in any order.
        (&["tracecontext", "jaeger"], &[TraceContext, Jaeger], vec![]),
        (&["XRay, b3multi", "jaeger,baggage"], &[XRay, B3Multi, Jaeger, Baggage], vec![]),
        // OT Trace, with the others; unknown names: warned and skipped.
        (&["ottrace", "baggage"], &[OtTrace, Baggage], vec![]),
        (&["tracecontext", "w3c"], &[TraceContext], vec![unknown("tracecontext,w3c", "w3c")]),
        (&["foo, Foo", "b3"], &[B3], vec![unknown("foo,Foo,b3", "foo")]),
        // Nothing usable left: the default, with one more warning.
        // Nothing usable: one warning, naming what was wrong and the default used.
        (&["typo"], &default, vec![fallback("typo", "names the unknown propagator `typo`")]),
        // `none` with anything else: `none` wins, with a warning.
        (&["none", "b3"], &[], vec![none_wins("none,b3")]),
        (&["tracecontext", "None"], &[], vec![none_wins("tracecontext,None")]),
        (&["jaeger,none"], &[], vec![none_wins("jaeger,none")]),
    ];

    for (input, expected, expected_warnings) in cases {
        let (propagators, warnings) = from_names(input.iter().copied());
        assert_eq!(propagators.names(), expected, "names for {input:?}");
        assert_eq!(warnings, expected_warnings, "warnings for {input:?}");
        assert_eq!(
            fields(&propagators),
            fields_of(expected),
            "injected fields for {input:?}"
        );
        let display = if expected.is_empty() {
            "none".to_owned()
        } else {
            expected.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(",")
        };
        assert_eq!(propagators.to_string(), display, "display for {input:?}");
    }
}

#[test]
fn an_unset_variable_is_an_empty_option() {
    let unset: Option<&str> = None;
    let (propagators, warnings) = from_names(unset);
    assert_eq!(propagators.names(), [TraceContext, Baggage]);
    assert!(warnings.is_empty());

    let (propagators, _) = from_names(Some("b3multi,baggage"));
    assert_eq!(propagators.names(), [B3Multi, Baggage]);
}

#[test]
fn names_round_trip_through_display() {
    for name in [TraceContext, Baggage, B3, B3Multi] {
        let (propagators, warnings) = from_names([name.to_string().as_str()]);
        assert_eq!(propagators.names(), [name]);
        assert!(warnings.is_empty(), "{warnings:?}");
    }
    // A `Propagators` prints as the `OTEL_PROPAGATORS` value that rebuilds it.
    let all = Propagators::new([B3, TraceContext, B3Multi, Baggage]);
    let (rebuilt, _) = from_names([all.to_string().as_str()]);
    assert_eq!(rebuilt.names(), all.names());
    let (none, _) = from_names([Propagators::none().to_string().as_str()]);
    assert!(none.names().is_empty());
}

#[test]
fn default_and_new_agree() {
    assert_eq!(
        Propagators::default().names(),
        Propagators::new([TraceContext, Baggage]).names()
    );
    assert_eq!(Propagators::new([B3, B3, Baggage, B3]).names(), [B3, Baggage]);
    assert!(Propagators::new([]).names().is_empty());
    let cloned = Propagators::new([B3Multi]).clone();
    assert_eq!(fields(&cloned), fields_of(&[B3Multi]));
}
