//! `OTEL_BSP_*` and `OTEL_KIT_BSP_MAX_TRACE_SHARE` for the span queue, `OTEL_BLRP_*` for
//! the log record queue: read onto otel-kit-processors' [`BatchSettings`], behind
//! [`BatchSettingsFromEnv`].

use crate::batch::{BatchSettings, BatchSettingsFromEnv, MAX_QUEUE_SIZE};
use crate::env::{ConfigWarning, Env, read_with};

impl BatchSettingsFromEnv for BatchSettings {
    fn spans_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<ConfigWarning>) {
        read_with(lookup, read_spans)
    }

    fn logs_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<ConfigWarning>) {
        read_with(lookup, read_logs)
    }
}

/// `OTEL_BSP_*`, and `OTEL_KIT_BSP_MAX_TRACE_SHARE` (the kit's: the percent of the
/// queue one trace may hold, `1..=100`).
pub(crate) fn read_spans(env: &mut Env<'_>) -> BatchSettings {
    let defaults = BatchSettings::SPAN_DEFAULTS;
    // Zero is meaningful here: the span worker exports each span as it ends.
    let schedule_delay = env.millis("OTEL_BSP_SCHEDULE_DELAY", defaults.schedule_delay);
    let mut settings = read(env, "OTEL_BSP", schedule_delay, defaults);
    let default = BatchSettings::DEFAULT_MAX_TRACE_SHARE;
    if let Some(share) = env.optional_usize(MAX_TRACE_SHARE, &format!("{default}%")) {
        match u8::try_from(share)
            .ok()
            .map(|percent| settings.with_max_trace_share(percent))
        {
            Some(Ok(guarded)) => settings = guarded,
            _ => env.warn(
                MAX_TRACE_SHARE,
                &share.to_string(),
                format!("must be a percent from 1 to 100; using {default}"),
            ),
        }
    }
    settings
}

const MAX_TRACE_SHARE: &str = "OTEL_KIT_BSP_MAX_TRACE_SHARE";

/// `OTEL_BLRP_*`.
pub(crate) fn read_logs(env: &mut Env<'_>) -> BatchSettings {
    let defaults = BatchSettings::LOG_DEFAULTS;
    // Zero is meaningful, as for spans: the log worker exports each record as it comes.
    let schedule_delay = env.millis("OTEL_BLRP_SCHEDULE_DELAY", defaults.schedule_delay);
    read(env, "OTEL_BLRP", schedule_delay, defaults)
}

fn read(
    env: &mut Env<'_>,
    prefix: &str,
    schedule_delay: std::time::Duration,
    defaults: BatchSettings,
) -> BatchSettings {
    let mut c = BatchSettings {
        schedule_delay,
        export_timeout: env.timeout(&format!("{prefix}_EXPORT_TIMEOUT"), defaults.export_timeout),
        max_queue_size: env.usize(&format!("{prefix}_MAX_QUEUE_SIZE"), defaults.max_queue_size),
        max_export_batch_size: env.usize(
            &format!("{prefix}_MAX_EXPORT_BATCH_SIZE"),
            defaults.max_export_batch_size,
        ),
        max_trace_share: defaults.max_trace_share,
    };
    if c.max_queue_size == 0 {
        let var = format!("{prefix}_MAX_QUEUE_SIZE");
        env.warn(
            &var,
            "0",
            format!("would drop everything; using {}", defaults.max_queue_size),
        );
        c.max_queue_size = defaults.max_queue_size;
    }
    if c.max_queue_size > MAX_QUEUE_SIZE {
        let var = format!("{prefix}_MAX_QUEUE_SIZE");
        env.warn(
            &var,
            &c.max_queue_size.to_string(),
            format!("is more than the largest queue otel-kit allows; using {MAX_QUEUE_SIZE}"),
        );
        c.max_queue_size = MAX_QUEUE_SIZE;
    }
    if c.max_export_batch_size == 0 || c.max_export_batch_size > c.max_queue_size {
        let var = format!("{prefix}_MAX_EXPORT_BATCH_SIZE");
        let used = c.max_export_batch_size.clamp(1, c.max_queue_size);
        let shown = c.max_export_batch_size.to_string();
        env.warn(
            &var,
            &shown,
            format!(
                "must be between 1 and the queue size {}; using {used}",
                c.max_queue_size
            ),
        );
        c.max_export_batch_size = used;
    }
    c
}

#[cfg(test)]
mod tests {
    use crate::batch::{BatchSettings, BatchSettingsFromEnv as _};

    fn spans(value: &str) -> (BatchSettings, Vec<String>) {
        let (settings, warnings) = BatchSettings::spans_from_lookup(|k| {
            (k == "OTEL_KIT_BSP_MAX_TRACE_SHARE").then(|| value.to_owned())
        });
        (settings, warnings.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn the_trace_share_is_read_and_bad_values_keep_the_default() {
        let (settings, warnings) = spans("25");
        assert_eq!(
            (settings.max_trace_share, settings.max_spans_per_trace()),
            (25, 512)
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(spans("100").0.max_trace_share, 100);
        for bad in ["0", "101", "300", "-5", "half"] {
            let (settings, warnings) = spans(bad);
            assert_eq!(
                settings.max_trace_share,
                BatchSettings::DEFAULT_MAX_TRACE_SHARE,
                "{bad}"
            );
            assert_eq!(warnings.len(), 1, "{bad}: {warnings:?}");
            assert!(
                warnings[0].contains("OTEL_KIT_BSP_MAX_TRACE_SHARE") && warnings[0].contains("50"),
                "{warnings:?}"
            );
        }
    }
}
