//! OpenTelemetry names as Prometheus names, by the specification's
//! `compatibility/prometheus_and_openmetrics.md` ("Metric Metadata", "Metric
//! Attributes"): invalid characters become `_`, runs of `_` become one, a leading digit
//! gets a `_` in front, the unit becomes a suffix word, and monotonic sums end in
//! `_total`.

/// The Prometheus type a metric is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FamilyType {
    Counter,
    Gauge,
    Histogram,
}

impl FamilyType {
    pub(crate) fn name(self) -> &'static str {
        match self {
            FamilyType::Counter => "counter",
            FamilyType::Gauge => "gauge",
            FamilyType::Histogram => "histogram",
        }
    }
}

/// A metric's Prometheus names: the family (OpenMetrics `# TYPE` name, before
/// `_total`), the sample name of a counter, and the unit word for `# UNIT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MetricNames {
    /// The family name: the sanitised name with its unit suffix.
    pub(crate) family: String,
    /// The unit word, when the family name ends with it (OpenMetrics requires that of
    /// a `# UNIT` line).
    pub(crate) unit: Option<String>,
}

impl MetricNames {
    pub(crate) fn new(name: &str, unit: &str, kind: FamilyType) -> Self {
        let mut family = sanitize(name, true);
        // "If the metric name for monotonic Sum metric points does not end in a suffix
        // of `_total` a suffix of `_total` SHOULD be added": the family is the name
        // without it, the sample name has it.
        if kind == FamilyType::Counter && family.ends_with("_total") && family.len() > "_total".len() {
            family.truncate(family.len() - "_total".len());
        }
        let word = unit_word(unit, kind);
        let unit = match word {
            Some(word) if !word.is_empty() => {
                // "A suffix to the metric name SHOULD be added unless the metric name
                // already ends with the unit (before type-specific suffixes)."
                let suffix = format!("_{word}");
                if !family.ends_with(&suffix) {
                    family.push_str(&suffix);
                }
                Some(word)
            }
            _ => None,
        };
        MetricNames { family, unit }
    }
}

/// The names of the samples a family of `kind` writes.
pub(crate) fn sample_names(family: &str, kind: FamilyType) -> Vec<String> {
    match kind {
        FamilyType::Counter => vec![format!("{family}_total")],
        FamilyType::Gauge => vec![family.to_owned()],
        FamilyType::Histogram => ["_bucket", "_count", "_sum"]
            .iter()
            .map(|suffix| format!("{family}{suffix}"))
            .collect(),
    }
}

/// A metric name (`metric`: `[a-zA-Z_:][a-zA-Z0-9_:]*`) or a label name
/// (`[a-zA-Z_][a-zA-Z0-9_]*`): "Discouraged characters SHOULD be replaced with the `_`
/// character. Multiple consecutive `_` characters SHOULD be replaced with a single `_`
/// character." A leading digit gets a `_` before it, since neither may start with one.
pub(crate) fn sanitize(name: &str, metric: bool) -> String {
    sanitized(name, metric).collect()
}

/// The characters of [`sanitize`]'s result, without building it: the exposition
/// writes and compares label names through this, allocating nothing.
pub(crate) fn sanitized(name: &str, metric: bool) -> impl Iterator<Item = char> + Clone + '_ {
    let lead = (name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit())).then_some('_');
    let mut previous_underscore = lead.is_some();
    let body = name.chars().filter_map(move |c| {
        let keep = c.is_ascii_alphanumeric() || c == '_' || (metric && c == ':');
        let c = if keep { c } else { '_' };
        let skip = c == '_' && previous_underscore;
        previous_underscore = c == '_';
        (!skip).then_some(c)
    });
    lead.into_iter().chain(body)
}

/// The unit's Prometheus word: "Portions of the Unit within brackets (e.g. {packet})
/// MUST be dropped", the table's UCUM units become words, "Units defined as rates over
/// time (e.g. "m/s") MUST be converted to words (e.g. "meters_per_second")". `1` is
/// `ratio` on a gauge (the OpenTelemetry Collector's translator; the specification
/// dropped that line) and nothing elsewhere. `None` when nothing is left.
pub(crate) fn unit_word(unit: &str, kind: FamilyType) -> Option<String> {
    let unit = drop_braced(unit);
    let unit = unit.trim();
    if unit.is_empty() {
        return None;
    }
    if unit == "1" {
        return (kind == FamilyType::Gauge).then(|| "ratio".to_owned());
    }
    let word = match unit.split_once('/') {
        Some((top, per)) => {
            let top = top.trim();
            let per = per.trim();
            let per = per_word(per).map_or_else(|| sanitize(per, false), str::to_owned);
            if top.is_empty() || top == "1" {
                format!("per_{per}")
            } else {
                format!(
                    "{}_per_{per}",
                    ucum_word(top).map_or_else(|| sanitize(top, false), str::to_owned)
                )
            }
        }
        None => ucum_word(unit).map_or_else(|| sanitize(unit, false), str::to_owned),
    };
    let word = word.trim_matches('_').to_owned();
    (!word.is_empty()).then_some(word)
}

/// The unit without its `{...}` annotations.
fn drop_braced(unit: &str) -> String {
    let mut out = String::with_capacity(unit.len());
    let mut depth = 0_u32;
    for c in unit.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The specification's table of "commonly-used units".
fn ucum_word(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "d" => "days",
        "h" => "hours",
        "min" => "minutes",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "TiBy" => "tebibytes",
        "kBy" | "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "TBy" => "terabytes",
        "m" => "meters",
        "V" => "volts",
        "A" => "amperes",
        "J" => "joules",
        "W" => "watts",
        "g" => "grams",
        "Cel" => "celsius",
        "Hz" => "hertz",
        "%" => "percent",
        _ => return None,
    })
}

/// The denominator of a rate, singular ("meters_per_second").
fn per_word(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "s" => "second",
        "m" | "min" => "minute",
        "h" => "hour",
        "d" => "day",
        "w" => "week",
        "mo" => "month",
        "y" => "year",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discouraged_characters_become_one_underscore() {
        // "Discouraged characters SHOULD be replaced with the `_` character. Multiple
        // consecutive `_` characters SHOULD be replaced with a single `_` character."
        assert_eq!(
            sanitize("http.server.request.duration", true),
            "http_server_request_duration"
        );
        assert_eq!(sanitize("a.-/b__c", true), "a_b_c");
        assert_eq!(sanitize("ns:name", true), "ns:name");
        assert_eq!(sanitize("ns:name", false), "ns_name");
        assert_eq!(sanitize("2xx.count", true), "_2xx_count");
        assert_eq!(sanitize("", false), "_");
        assert_eq!(sanitize("é", false), "_");
    }

    #[test]
    fn clean_names_are_left_as_they_are() {
        for name in ["a", "http_route", "_x"] {
            assert_eq!(sanitize(name, false), name);
        }
        for name in ["", "1a", "a.b", "a__b", "a:b", "__a"] {
            assert_ne!(sanitize(name, false), name);
        }
    }

    #[test]
    fn units_from_the_table_become_suffix_words() {
        // "The Unit of an OTLP metric point MUST be converted from the UCUM unit to the
        // equivalent unit word in Prometheus if it is included in the table"
        let n = MetricNames::new("http.server.request.duration", "s", FamilyType::Histogram);
        assert_eq!(n.family, "http_server_request_duration_seconds");
        assert_eq!(n.unit.as_deref(), Some("seconds"));
        let n = MetricNames::new("db.client.response.size", "By", FamilyType::Histogram);
        assert_eq!(n.family, "db_client_response_size_bytes");
    }

    #[test]
    fn a_name_ending_with_its_unit_gets_no_second_suffix() {
        // "A suffix to the metric name SHOULD be added unless the metric name already
        // ends with the unit"
        let n = MetricNames::new("latency_seconds", "s", FamilyType::Histogram);
        assert_eq!(n.family, "latency_seconds");
    }

    #[test]
    fn braced_annotations_are_dropped() {
        // "Portions of the Unit within brackets (e.g. {packet}) MUST be dropped."
        let n = MetricNames::new("http.server.active_requests", "{request}", FamilyType::Gauge);
        assert_eq!(n.family, "http_server_active_requests");
        assert_eq!(n.unit, None);
        assert_eq!(
            unit_word("{packet}/s", FamilyType::Gauge).as_deref(),
            Some("per_second")
        );
    }

    #[test]
    fn rates_become_per_words() {
        // "Units defined as rates over time (e.g. "m/s") MUST be converted to words (e.g.
        // "meters_per_second")."
        assert_eq!(
            unit_word("m/s", FamilyType::Gauge).as_deref(),
            Some("meters_per_second")
        );
        assert_eq!(
            unit_word("By/s", FamilyType::Gauge).as_deref(),
            Some("bytes_per_second")
        );
    }

    #[test]
    fn unit_one_is_ratio_on_gauges_only() {
        assert_eq!(
            MetricNames::new("cpu.utilization", "1", FamilyType::Gauge).family,
            "cpu_utilization_ratio"
        );
        assert_eq!(MetricNames::new("hits", "1", FamilyType::Counter).family, "hits");
    }

    #[test]
    fn monotonic_sums_have_total_after_the_unit() {
        // "The unit suffix comes before any type-specific suffixes." The family is the
        // name before `_total`; the counter's sample adds it.
        let n = MetricNames::new("bytes.sent", "By", FamilyType::Counter);
        assert_eq!(n.family, "bytes_sent_bytes");
        let n = MetricNames::new("requests_total", "{request}", FamilyType::Counter);
        assert_eq!(n.family, "requests");
    }

    #[test]
    fn unknown_units_are_sanitised_words() {
        assert_eq!(
            unit_word("widgets", FamilyType::Gauge).as_deref(),
            Some("widgets")
        );
        assert_eq!(unit_word("k.m", FamilyType::Gauge).as_deref(), Some("k_m"));
        assert_eq!(unit_word("  ", FamilyType::Gauge), None);
    }
}
