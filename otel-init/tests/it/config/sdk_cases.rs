//! The table of every variable that is not an OTLP exporter one: a valid value, an
//! invalid one, an empty one, and what each must give.

use std::time::Duration;

use otel_kit_init::config::{Config, ExemplarFilter, ExporterKind, LogLevel, TemporalityPreference};
use otel_kit_init::sampling::Sampling;
use otel_kit_propagators::PropagatorName;

/// What the config must satisfy after one variable was set.
pub(super) type Check = fn(&Config) -> bool;

/// (variable, value, what the config must then satisfy, the warning expected if any)
pub(super) type Case = (&'static str, &'static str, Check, Option<&'static str>);

pub(super) const SDK_CASES: &[Case] = &[
    ("OTEL_SDK_DISABLED", "true", |c| c.sdk_disabled, None),
    ("OTEL_SDK_DISABLED", "TRUE", |c| c.sdk_disabled, None),
    ("OTEL_SDK_DISABLED", "false", |c| !c.sdk_disabled, None),
    (
        "OTEL_SDK_DISABLED",
        "yes",
        |c| !c.sdk_disabled,
        Some("OTEL_SDK_DISABLED=\"yes\" is not `true` or `false`; using false"),
    ),
    ("OTEL_SDK_DISABLED", "", |c| !c.sdk_disabled, None),
    (
        "OTEL_SERVICE_NAME",
        "checkout",
        |c| c.service_name.as_deref() == Some("checkout"),
        None,
    ),
    ("OTEL_SERVICE_NAME", "  ", |c| c.service_name.is_none(), None),
    (
        "OTEL_RESOURCE_ATTRIBUTES",
        "deployment.environment.name=prod,team=a%20b",
        |c| {
            c.resource_attributes
                == [
                    ("deployment.environment.name".into(), "prod".into()),
                    ("team".into(), "a b".into()),
                ]
        },
        None,
    ),
    (
        "OTEL_RESOURCE_ATTRIBUTES",
        "good=1,bad",
        |c| c.resource_attributes.is_empty(),
        Some("OTEL_RESOURCE_ATTRIBUTES=\"good=1,bad\" entry 2 has no `=`; the whole value is ignored"),
    ),
    (
        "OTEL_RESOURCE_ATTRIBUTES",
        "k=%zz",
        |c| c.resource_attributes.is_empty(),
        Some(
            "OTEL_RESOURCE_ATTRIBUTES=\"k=%zz\" entry 1 has an invalid percent-encoding; the whole value is ignored",
        ),
    ),
    (
        "OTEL_LOG_LEVEL",
        "DEBUG",
        |c| c.log_level == LogLevel::Debug,
        None,
    ),
    ("OTEL_LOG_LEVEL", "none", |c| c.log_level == LogLevel::None, None),
    (
        "OTEL_LOG_LEVEL",
        "loud",
        |c| c.log_level == LogLevel::Info,
        Some("OTEL_LOG_LEVEL=\"loud\" is not one of none, error, warn, info, debug, trace; using info"),
    ),
    (
        "OTEL_PROPAGATORS",
        "b3, tracecontext",
        |c| c.propagators == [PropagatorName::B3, PropagatorName::TraceContext],
        None,
    ),
    (
        "OTEL_PROPAGATORS",
        "",
        |c| c.propagators == [PropagatorName::TraceContext, PropagatorName::Baggage],
        None,
    ),
    (
        "OTEL_TRACES_SAMPLER",
        "traceidratio",
        |c| c.sampling.to_string() == "traceidratio(1)",
        None,
    ),
    (
        "OTEL_TRACES_SAMPLER_ARG",
        "0.25",
        // Read with the sampler, which is what uses it.
        |c| c.sampling == Sampling::default(),
        Some(
            "OTEL_TRACES_SAMPLER_ARG=\"0.25\" is ignored because OTEL_TRACES_SAMPLER is not set; the default parentbased_always_on is used.",
        ),
    ),
    (
        "OTEL_TRACES_EXPORTER",
        "console",
        |c| c.export.traces_exporters == [ExporterKind::Console],
        None,
    ),
    (
        "OTEL_TRACES_EXPORTER",
        "OTLP,console,otlp",
        |c| c.export.traces_exporters == [ExporterKind::Otlp, ExporterKind::Console],
        None,
    ),
    (
        "OTEL_TRACES_EXPORTER",
        "none",
        |c| c.export.traces_exporters.is_empty(),
        None,
    ),
    (
        "OTEL_TRACES_EXPORTER",
        "none,otlp",
        |c| c.export.traces_exporters.is_empty(),
        Some("OTEL_TRACES_EXPORTER=\"none,otlp\" combines `none` with other exporters; exporting nothing"),
    ),
    (
        "OTEL_TRACES_EXPORTER",
        "zipkin,console",
        |c| c.export.traces_exporters == [ExporterKind::Console],
        Some(
            "OTEL_TRACES_EXPORTER=\"zipkin,console\" names `zipkin`, which this kit does not support; it is skipped (send OTLP to a collector that converts)",
        ),
    ),
    (
        "OTEL_METRICS_EXPORTER",
        "none",
        |c| c.export.metrics_exporters.is_empty(),
        None,
    ),
    (
        "OTEL_METRICS_EXPORTER",
        "console",
        |c| c.export.metrics_exporters == [ExporterKind::Console],
        None,
    ),
    (
        "OTEL_METRICS_EXPORTER",
        "prometheus",
        |c| c.export.metrics_exporters == [ExporterKind::Prometheus],
        None,
    ),
    (
        "OTEL_METRICS_EXPORTER",
        "otlp,Prometheus",
        |c| c.export.metrics_exporters == [ExporterKind::Otlp, ExporterKind::Prometheus],
        None,
    ),
    (
        "OTEL_TRACES_EXPORTER",
        "prometheus",
        |c| c.export.traces_exporters == [ExporterKind::Otlp],
        Some("OTEL_TRACES_EXPORTER=\"prometheus\" names the unknown exporter `prometheus`; using otlp"),
    ),
    (
        "OTEL_EXPORTER_PROMETHEUS_HOST",
        "0.0.0.0",
        |c| c.export.prometheus.host == "0.0.0.0",
        None,
    ),
    (
        "OTEL_EXPORTER_PROMETHEUS_HOST",
        "two words",
        |c| c.export.prometheus.host == "localhost",
        Some(
            "OTEL_EXPORTER_PROMETHEUS_HOST=\"two words\" is not a host name or address; using the default localhost",
        ),
    ),
    (
        "OTEL_EXPORTER_PROMETHEUS_PORT",
        "9100",
        |c| c.export.prometheus.port == 9100,
        None,
    ),
    (
        "OTEL_EXPORTER_PROMETHEUS_PORT",
        "http",
        |c| c.export.prometheus.port == 9464,
        Some(
            "OTEL_EXPORTER_PROMETHEUS_PORT=\"http\" is not a port number (0 to 65535); using the default 9464",
        ),
    ),
    (
        "OTEL_LOGS_EXPORTER",
        "console",
        |c| c.export.logs_exporters == [ExporterKind::Console],
        None,
    ),
    (
        "OTEL_LOGS_EXPORTER",
        "stdout2",
        |c| c.export.logs_exporters == [ExporterKind::Otlp],
        Some("OTEL_LOGS_EXPORTER=\"stdout2\" names the unknown exporter `stdout2`; using otlp"),
    ),
    (
        "OTEL_BSP_SCHEDULE_DELAY",
        "250",
        |c| c.export.bsp.schedule_delay == Duration::from_millis(250),
        None,
    ),
    (
        "OTEL_BSP_SCHEDULE_DELAY",
        "5s",
        |c| c.export.bsp.schedule_delay == Duration::from_millis(5000),
        Some(
            "OTEL_BSP_SCHEDULE_DELAY=\"5s\" is not a duration in whole milliseconds; using the default 5000 ms",
        ),
    ),
    (
        "OTEL_BSP_EXPORT_TIMEOUT",
        "1000",
        |c| c.export.bsp.export_timeout == Duration::from_secs(1),
        None,
    ),
    (
        "OTEL_BSP_MAX_QUEUE_SIZE",
        "4096",
        |c| c.export.bsp.max_queue_size == 4096,
        None,
    ),
    (
        "OTEL_BSP_MAX_QUEUE_SIZE",
        "-1",
        |c| c.export.bsp.max_queue_size == 2048,
        Some("OTEL_BSP_MAX_QUEUE_SIZE=\"-1\" is not a non-negative integer; using the default 2048"),
    ),
    (
        "OTEL_BSP_MAX_QUEUE_SIZE",
        "0",
        |c| c.export.bsp.max_queue_size == 2048,
        Some("OTEL_BSP_MAX_QUEUE_SIZE=\"0\" would drop everything; using 2048"),
    ),
    (
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
        "128",
        |c| c.export.bsp.max_export_batch_size == 128,
        None,
    ),
    (
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
        "9999",
        |c| c.export.bsp.max_export_batch_size == 2048,
        Some("OTEL_BSP_MAX_EXPORT_BATCH_SIZE=\"9999\" must be between 1 and the queue size 2048; using 2048"),
    ),
    (
        "OTEL_BLRP_SCHEDULE_DELAY",
        "10",
        |c| c.export.blrp.schedule_delay == Duration::from_millis(10),
        None,
    ),
    (
        "OTEL_BLRP_EXPORT_TIMEOUT",
        "10",
        |c| c.export.blrp.export_timeout == Duration::from_millis(10),
        None,
    ),
    (
        "OTEL_BLRP_MAX_QUEUE_SIZE",
        "10",
        |c| c.export.blrp.max_queue_size == 10 && c.export.blrp.max_export_batch_size == 10,
        Some("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE=\"512\" must be between 1 and the queue size 10; using 10"),
    ),
    (
        "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE",
        "64",
        |c| c.export.blrp.max_export_batch_size == 64,
        None,
    ),
    (
        "OTEL_METRIC_EXPORT_INTERVAL",
        "15000",
        |c| c.export.metric_export_interval == Duration::from_secs(15),
        None,
    ),
    (
        "OTEL_METRIC_EXPORT_INTERVAL",
        "1.5",
        |c| c.export.metric_export_interval == Duration::from_secs(60),
        Some(
            "OTEL_METRIC_EXPORT_INTERVAL=\"1.5\" is not a duration in whole milliseconds; using the default 60000 ms",
        ),
    ),
    (
        "OTEL_METRIC_EXPORT_TIMEOUT",
        "5000",
        |c| c.export.metric_export_timeout == Duration::from_secs(5),
        None,
    ),
    // Zero and absurd values: a zero timeout is not "no limit", a zero log delay spins
    // the SDK's log thread, a zero metric interval makes the SDK export without pause,
    // a huge queue is allocated whole by the SDK's log processor, and a duration past
    // u32::MAX ms overflows the deadlines made from it.
    (
        "OTEL_BSP_SCHEDULE_DELAY",
        "0",
        |c| c.export.bsp.schedule_delay.is_zero(),
        None,
    ),
    (
        "OTEL_BSP_SCHEDULE_DELAY",
        "18446744073709551615",
        |c| c.export.bsp.schedule_delay == Duration::from_secs(5),
        Some(
            "OTEL_BSP_SCHEDULE_DELAY=\"18446744073709551615\" is longer than the longest duration otel-kit accepts (4294967295 ms, about 49 days); using the default 5000 ms",
        ),
    ),
    (
        "OTEL_BLRP_SCHEDULE_DELAY",
        "0",
        |c| c.export.blrp.schedule_delay.is_zero(),
        None,
    ),
    (
        "OTEL_BLRP_SCHEDULE_DELAY",
        "3",
        |c| c.export.blrp.schedule_delay == Duration::from_millis(3),
        None,
    ),
    (
        "OTEL_BSP_EXPORT_TIMEOUT",
        "0",
        |c| c.export.bsp.export_timeout == Duration::from_secs(30),
        Some(
            "OTEL_BSP_EXPORT_TIMEOUT=\"0\" is zero, and a zero timeout is not \"no limit\"; using the default 30000 ms",
        ),
    ),
    (
        "OTEL_BLRP_EXPORT_TIMEOUT",
        "0",
        |c| c.export.blrp.export_timeout == Duration::from_secs(30),
        Some(
            "OTEL_BLRP_EXPORT_TIMEOUT=\"0\" is zero, and a zero timeout is not \"no limit\"; using the default 30000 ms",
        ),
    ),
    (
        "OTEL_METRIC_EXPORT_INTERVAL",
        "0",
        |c| c.export.metric_export_interval == Duration::from_secs(60),
        Some(
            "OTEL_METRIC_EXPORT_INTERVAL=\"0\" is zero, which would export metrics without pause; using the default 60000 ms",
        ),
    ),
    (
        "OTEL_METRIC_EXPORT_TIMEOUT",
        "0",
        |c| c.export.metric_export_timeout == Duration::from_secs(30),
        Some(
            "OTEL_METRIC_EXPORT_TIMEOUT=\"0\" is zero, and a zero timeout is not \"no limit\"; using the default 30000 ms",
        ),
    ),
    (
        "OTEL_BLRP_MAX_QUEUE_SIZE",
        "18446744073709551615",
        |c| c.export.blrp.max_queue_size == otel_kit_init::batch::MAX_QUEUE_SIZE,
        Some(
            "OTEL_BLRP_MAX_QUEUE_SIZE=\"18446744073709551615\" is more than the largest queue otel-kit allows; using 1048576",
        ),
    ),
    (
        "OTEL_BSP_MAX_QUEUE_SIZE",
        "18446744073709551616",
        |c| c.export.bsp.max_queue_size == 2048,
        Some(
            "OTEL_BSP_MAX_QUEUE_SIZE=\"18446744073709551616\" is not a non-negative integer; using the default 2048",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
        "Delta",
        |c| c.export.metrics_temporality == TemporalityPreference::Delta,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
        "lowmemory",
        |c| c.export.metrics_temporality == TemporalityPreference::LowMemory,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
        "both",
        |c| c.export.metrics_temporality == TemporalityPreference::Cumulative,
        Some(
            "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=\"both\" is not one of cumulative, delta, lowmemory; using cumulative",
        ),
    ),
    (
        "OTEL_METRICS_EXEMPLAR_FILTER",
        "always_off",
        |c| c.export.metrics_exemplar_filter == ExemplarFilter::AlwaysOff,
        None,
    ),
    (
        "OTEL_METRICS_EXEMPLAR_FILTER",
        "ALWAYS_ON",
        |c| c.export.metrics_exemplar_filter == ExemplarFilter::AlwaysOn,
        None,
    ),
    (
        "OTEL_METRICS_EXEMPLAR_FILTER",
        "sometimes",
        |c| c.export.metrics_exemplar_filter == ExemplarFilter::TraceBased,
        Some(
            "OTEL_METRICS_EXEMPLAR_FILTER=\"sometimes\" is not one of trace_based, always_on, always_off; using trace_based",
        ),
    ),
    (
        "OTEL_ATTRIBUTE_COUNT_LIMIT",
        "16",
        |c| c.span_limits.attribute_count == 16 && c.log_record_limits.attribute_count == 16,
        None,
    ),
    (
        "OTEL_ATTRIBUTE_COUNT_LIMIT",
        "many",
        |c| c.span_limits.attribute_count == 128,
        Some("OTEL_ATTRIBUTE_COUNT_LIMIT=\"many\" is not a non-negative integer; using the default 128"),
    ),
    (
        "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
        "256",
        |c| {
            c.span_limits.attribute_value_length == Some(256)
                && c.log_record_limits.attribute_value_length == Some(256)
        },
        None,
    ),
    (
        "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
        "8",
        |c| c.span_limits.attribute_count == 8 && c.log_record_limits.attribute_count == 128,
        None,
    ),
    (
        "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
        "64",
        |c| c.span_limits.attribute_value_length == Some(64),
        None,
    ),
    (
        "OTEL_SPAN_EVENT_COUNT_LIMIT",
        "3",
        |c| c.span_limits.event_count == 3,
        None,
    ),
    (
        "OTEL_SPAN_LINK_COUNT_LIMIT",
        "4",
        |c| c.span_limits.link_count == 4,
        None,
    ),
    (
        "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT",
        "5",
        |c| c.span_limits.event_attribute_count == 5,
        None,
    ),
    (
        "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
        "6",
        |c| c.span_limits.link_attribute_count == 6,
        None,
    ),
    (
        "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT",
        "7",
        |c| c.log_record_limits.attribute_count == 7 && c.span_limits.attribute_count == 128,
        None,
    ),
    (
        "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT",
        "99",
        |c| c.log_record_limits.attribute_value_length == Some(99),
        None,
    ),
];
