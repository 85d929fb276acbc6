//! `otel_kit_init::config::Config::from_lookup` over arbitrary `OTEL_*` variables (which
//! reads the sampler and the propagators through `otel_kit_init::sampling` and
//! `otel_kit_init::reexports::otel_kit_propagators`), and those modules' parsers on raw text:
//! `otel_kit_init::sampling::from_env_values` and `otel_kit_init::config::from_names`.
//!
//! Input: `KEY=VALUE` lines (the last line for a key wins). A key `#N` stands for the
//! N-th variable otel-kit-init reads (`KNOWN`), so mutations reach them all; other keys are
//! used as written. `fuzz/dicts/env_config.dict` has the names and typical values.
//!
//! Invariants:
//! - reading is deterministic (twice gives equal configs and warnings), never panics;
//! - warnings name a variable that is set (or, for a batch size clamped to the queue
//!   size, whose queue-size variable is set), and those about the OTLP header variables
//!   show `<redacted>`, never the value; the `Debug` and `Display` of the OTLP
//!   configuration never show a header value (they do not change when every header
//!   value is replaced);
//! - the sampler read from the variables is always valid (`Sampling::validate`), as is
//!   one read from the first two lines taken as `OTEL_TRACES_SAMPLER`/`..._ARG`;
//! - the propagators chosen from `OTEL_PROPAGATORS` print as a list that reads back as
//!   the same propagators without warnings.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use otel_kit_fuzz::lines;
use otel_kit_init::config::Config;
use otel_kit_init::config::from_names;
use otel_kit_init::sampling::from_env_values;

const KNOWN: &[&str] = &[
    "OTEL_SDK_DISABLED",
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
    "OTEL_LOG_LEVEL",
    "OTEL_PROPAGATORS",
    "OTEL_TRACES_SAMPLER",
    "OTEL_TRACES_SAMPLER_ARG",
    "OTEL_KIT_SAMPLER_EXCLUDED_ROUTES",
    "OTEL_TRACES_EXPORTER",
    "OTEL_METRICS_EXPORTER",
    "OTEL_LOGS_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
    "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
    "OTEL_EXPORTER_OTLP_HEADERS",
    "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
    "OTEL_EXPORTER_OTLP_LOGS_HEADERS",
    "OTEL_EXPORTER_OTLP_TIMEOUT",
    "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
    "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT",
    "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT",
    "OTEL_EXPORTER_OTLP_COMPRESSION",
    "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
    "OTEL_EXPORTER_OTLP_INSECURE",
    "OTEL_EXPORTER_OTLP_TRACES_INSECURE",
    "OTEL_EXPORTER_OTLP_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_CLIENT_KEY",
    "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
    "OTEL_METRICS_EXEMPLAR_FILTER",
    "OTEL_METRIC_EXPORT_INTERVAL",
    "OTEL_METRIC_EXPORT_TIMEOUT",
    "OTEL_BSP_SCHEDULE_DELAY",
    "OTEL_BSP_EXPORT_TIMEOUT",
    "OTEL_BSP_MAX_QUEUE_SIZE",
    "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
    "OTEL_BLRP_SCHEDULE_DELAY",
    "OTEL_BLRP_EXPORT_TIMEOUT",
    "OTEL_BLRP_MAX_QUEUE_SIZE",
    "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE",
    "OTEL_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_SPAN_EVENT_COUNT_LIMIT",
    "OTEL_SPAN_LINK_COUNT_LIMIT",
    "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT",
];

fn is_headers_variable(name: &str) -> bool {
    name.starts_with("OTEL_EXPORTER_OTLP_") && name.ends_with("HEADERS")
}

/// A batch size above the queue size is clamped with a warning about the batch-size
/// variable, also when only the queue size was set (the default 512 then exceeds it).
fn batch_over_queue(variable: &str, vars: &HashMap<String, String>) -> bool {
    ["OTEL_BSP", "OTEL_BLRP"].iter().any(|prefix| {
        variable == format!("{prefix}_MAX_EXPORT_BATCH_SIZE")
            && vars.contains_key(&format!("{prefix}_MAX_QUEUE_SIZE"))
    })
}

fuzz_target!(|data: &[u8]| {
    let lines = lines(data);
    let mut vars: HashMap<String, String> = HashMap::new();
    for line in &lines {
        let line = String::from_utf8_lossy(line);
        let (key, value) = line.split_once('=').unwrap_or((&line, ""));
        let key = match key.strip_prefix('#').and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => KNOWN[n % KNOWN.len()].to_owned(),
            None => key.to_owned(),
        };
        vars.insert(key, value.to_owned());
    }
    let lookup = |name: &str| vars.get(name).cloned();
    let (config, warnings) = Config::from_lookup(lookup);
    assert_eq!(
        Config::from_lookup(lookup),
        (config.clone(), warnings.clone()),
        "not deterministic"
    );

    for warning in &warnings {
        let set = vars.contains_key(&warning.variable) || batch_over_queue(&warning.variable, &vars);
        assert!(
            set,
            "a warning about {} which is not set: {warning}",
            warning.variable
        );
        if is_headers_variable(&warning.variable) {
            assert_eq!(warning.value, "<redacted>", "{warning}");
        }
        let _ = warning.to_string();
    }

    // Header values never show in the configuration's Debug or Display: the output is
    // the same with every header value replaced.
    let mut replaced = config.export.otlp.clone();
    for signal in [&mut replaced.traces, &mut replaced.metrics, &mut replaced.logs] {
        for (_, value) in &mut signal.settings.headers {
            *value = "x".to_owned();
        }
    }
    let shown = |otlp: &otel_kit_init::config::OtlpConfig| {
        format!("{otlp:?} {} {} {}", otlp.traces, otlp.metrics, otlp.logs)
    };
    assert_eq!(shown(&config.export.otlp), shown(&replaced), "a header value is shown");
    let _ = format!("{config:?}");

    // The sampler as init() builds it.
    let sampling = &config.sampling;
    assert_eq!(sampling.validate(), Ok(()), "{sampling:?} from the variables");
    let _ = sampling.clone().into_sampler();

    // The parsers on raw text.
    let first = lines.first().map(|l| String::from_utf8_lossy(l));
    let second = lines.get(1).map(|l| String::from_utf8_lossy(l));
    let (sampling, _) = from_env_values(first.as_deref(), second.as_deref());
    assert_eq!(
        sampling.validate(),
        Ok(()),
        "{sampling:?} from {first:?} {second:?}"
    );

    let texts: Vec<String> = lines
        .iter()
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect();
    for names in [
        config
            .propagators
            .iter()
            .map(|name| name.as_str())
            .collect::<Vec<_>>(),
        texts.iter().map(String::as_str).collect(),
    ] {
        let (propagators, _) = from_names(names.iter().copied());
        let printed = propagators.to_string();
        let (again, warnings) = from_names([printed.as_str()]);
        assert!(warnings.is_empty(), "{printed:?} warns {warnings:?}");
        assert_eq!(again.names(), propagators.names(), "{printed:?}");
    }
});
