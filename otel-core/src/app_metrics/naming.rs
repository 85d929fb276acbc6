//! The OpenTelemetry naming guidance for a metric the application names itself, as the
//! builders enforce it and otel-kit-testing's registry check reports it: lowercase
//! dot-separated segments under a namespace, no unit and no `_total` in the name, and a
//! unit in UCUM's case-sensitive form (`s`, `By`, `1`, `{order}`).

/// What is wrong with a name, or `None` when it follows the guidance.
///
/// ```
/// use otel_kit_core::app_metrics::naming::name_problem;
///
/// assert_eq!(name_problem("shop.orders.placed"), None);
/// assert!(name_problem("shop.orders_total").is_some());
/// assert!(name_problem("shop.checkout.duration_seconds").is_some());
/// ```
pub fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 255 {
        return Some("must be 1 to 255 characters".to_owned());
    }
    let segments: Vec<&str> = name.split('.').collect();
    if segments.len() < 2 {
        return Some("needs a namespace: `<namespace>.<name>`, e.g. `shop.orders.placed`".to_owned());
    }
    for segment in &segments {
        let mut chars = segment.chars();
        let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_lowercase());
        if !starts_with_letter
            || !segment
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Some(format!(
                "segment {segment:?}: each dot-separated segment is lowercase letters, digits \
                 and `_`, starting with a letter"
            ));
        }
    }
    let last = segments[segments.len() - 1];
    if last == "total" || last.ends_with("_total") {
        return Some("drop `_total`: a Prometheus exporter adds it to counters".to_owned());
    }
    for segment in &segments {
        if let Some(word) = UNIT_WORDS
            .iter()
            .find(|word| segment == *word || segment.ends_with(&format!("_{word}")))
        {
            return Some(format!(
                "drop the unit {word:?} from the name: it goes in the unit"
            ));
        }
    }
    None
}

/// Unit words that, in a name, repeat the unit (the guidance: "units do not belong in
/// the name").
const UNIT_WORDS: &[&str] = &[
    "seconds",
    "second",
    "secs",
    "sec",
    "ms",
    "millis",
    "milliseconds",
    "us",
    "microseconds",
    "ns",
    "nanoseconds",
    "minutes",
    "hours",
    "bytes",
    "kb",
    "mb",
    "gb",
    "kib",
    "mib",
    "gib",
    "percent",
];

/// What is wrong with a unit, or `None` when it is UCUM: `1`, an annotation (`{order}`,
/// `{USD}`), or products and quotients (`.`, `/`) of prefixed units with exponents
/// (`s`, `ms`, `By`, `KiBy`, `m/s2`), optionally annotated (`By{packet}`).
///
/// ```
/// use otel_kit_core::app_metrics::naming::unit_problem;
///
/// for ok in ["s", "ms", "By", "1", "{order}", "{USD}", "By/s", "%"] {
///     assert_eq!(unit_problem(ok), None, "{ok}");
/// }
/// for bad in ["seconds", "USD", "", "bytes", "{}"] {
///     assert!(unit_problem(bad).is_some(), "{bad}");
/// }
/// ```
pub fn unit_problem(unit: &str) -> Option<String> {
    if unit.is_empty() {
        return Some("empty: use `1` for a count or ratio, or an annotation like `{order}`".to_owned());
    }
    if unit.len() > 63 || !unit.is_ascii() {
        return Some("must be at most 63 ASCII characters".to_owned());
    }
    if let Some(instead) = SPELLED_OUT
        .iter()
        .find(|(word, _)| word.eq_ignore_ascii_case(unit))
    {
        return Some(format!("not UCUM: write {:?}", instead.1));
    }
    // `term{annotation}`: the term is checked, the annotation is free text.
    let (expression, annotation) = match unit.find('{') {
        Some(open) => (&unit[..open], Some(&unit[open..])),
        None => (unit, None),
    };
    if let Some(annotation) = annotation {
        let inner = annotation.strip_prefix('{').and_then(|a| a.strip_suffix('}'));
        match inner {
            Some(text) if !text.is_empty() && !text.contains(['{', '}']) => {}
            _ => return Some("an annotation is `{text}` with text, at the end".to_owned()),
        }
        if expression.is_empty() {
            return None;
        }
    }
    for term in expression.split(['.', '/']) {
        if !is_unit_term(term) {
            return Some(format!(
                "{term:?} is not a UCUM unit: use `s`, `ms`, `By`, `1`, `%`, ... or an \
                 annotation like `{{{term}}}` for a count of things"
            ));
        }
    }
    None
}

/// Words often written where UCUM has a symbol.
const SPELLED_OUT: &[(&str, &str)] = &[
    ("seconds", "s"),
    ("second", "s"),
    ("sec", "s"),
    ("milliseconds", "ms"),
    ("bytes", "By"),
    ("byte", "By"),
    ("percent", "%"),
    ("count", "1 or {thing}"),
];

/// One unit with an optional prefix and exponent: `s`, `ms`, `KiBy`, `m2`, `s-1`.
fn is_unit_term(term: &str) -> bool {
    let base = term.trim_end_matches(|c: char| c.is_ascii_digit());
    let base = base.strip_suffix('-').unwrap_or(base);
    if base.is_empty() {
        return term == "1" || term == "10";
    }
    if ATOMS.contains(&base) {
        return true;
    }
    PREFIXES.iter().any(|prefix| {
        base.strip_prefix(prefix)
            .is_some_and(|atom| PREFIXABLE.contains(&atom))
    })
}

/// UCUM atoms an application metric plausibly uses.
const ATOMS: &[&str] = &[
    "1", "%", "s", "min", "h", "d", "wk", "mo", "a", "By", "bit", "m", "g", "l", "L", "t", "Cel", "K", "Hz",
    "W", "J", "V", "A", "Ohm", "rad", "deg",
];
/// The atoms that take a prefix.
const PREFIXABLE: &[&str] = &[
    "s", "By", "bit", "m", "g", "l", "L", "Hz", "W", "J", "V", "A", "Ohm", "t",
];
/// UCUM's decimal and binary prefixes (binary ones for `By` and `bit`).
const PREFIXES: &[&str] = &[
    "Ki", "Mi", "Gi", "Ti", "da", "k", "M", "G", "T", "P", "h", "d", "c", "m", "u", "n", "p",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_guidance() {
        for ok in [
            "shop.orders.placed",
            "otel_kit.server.incoming_context",
            "shop.payment.amount",
        ] {
            assert_eq!(name_problem(ok), None, "{ok}");
        }
        for bad in [
            "orders",
            "Shop.Orders",
            "shop..orders",
            "shop.orders_total",
            "shop.latency_ms",
            "shop.payload.bytes",
            "shop.1orders",
            "shop.orders-placed",
            "",
        ] {
            assert!(name_problem(bad).is_some(), "{bad}");
        }
        assert!(name_problem(&format!("shop.{}", "a".repeat(300))).is_some());
    }

    #[test]
    fn units_are_ucum() {
        for ok in [
            "s",
            "ms",
            "us",
            "By",
            "KiBy",
            "MiBy",
            "1",
            "{order}",
            "{USD}",
            "By/s",
            "m/s2",
            "By{packet}",
            "%",
            "Cel",
        ] {
            assert_eq!(unit_problem(ok), None, "{ok}");
        }
        for bad in [
            "seconds", "Seconds", "sec", "bytes", "USD", "", "{}", "{a", "orders", "s{a}b", "é", "count",
        ] {
            assert!(unit_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(unit_problem("seconds").as_deref(), Some("not UCUM: write \"s\""));
    }
}
