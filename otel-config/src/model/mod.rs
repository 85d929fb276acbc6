//! The typed model of the configuration file, one module per schema area. Every
//! default the schema documents ("if omitted or null, X is used") is filled in, so the
//! model equals what an SDK builds; names follow the schema's keys.

mod common;
mod distribution;
mod exporter;
mod instrumentation;
mod logger;
mod meter;
mod propagator;
mod resource;
mod root;
mod sampler;
mod tracer;
mod view;

pub use common::{
    AttributeLimits, DEFAULT_COUNT_LIMIT, IncludeExclude, LogRecordLimits, NameStringValuePair,
};
pub use distribution::{Distribution, KitExporterOtlp, KitSampler, OtelKit, RatioArithmetic, Redaction};
pub use exporter::{
    Compression, DEFAULT_EXPORT_TIMEOUT, DEFAULT_GRPC_ENDPOINT, Exporter, LogRecordExporter,
    OtlpGrpcExporter, OtlpHttpEncoding, OtlpHttpExporter, Signal, SpanExporter, Tls,
};
pub use instrumentation::{HttpInstrumentation, Instrumentation, RUST_INSTRUMENTATIONS};
pub use logger::LoggerProvider;
pub use meter::{
    CardinalityLimits, ExemplarFilter, HistogramAggregation, MeterProvider, MetricExporterPreferences,
    MetricReader, PeriodicMetricReader, PrometheusMetricExporter, PullMetricExporter, PullMetricReader,
    PushMetricExporter, TemporalityPreference,
};
pub use propagator::{Propagator, TextMapPropagator};
pub use resource::{AttributeNameValue, AttributeValue, Resource, ResourceDetection, ResourceDetector};
pub use root::{OpenTelemetryConfiguration, SeverityNumber};
pub use sampler::{JaegerRemoteSampler, ParentBasedSampler, Sampler};
pub use tracer::{BatchProcessor, LogRecordProcessor, Processor, SpanLimits, SpanProcessor, TracerProvider};
pub use view::{
    Aggregation, DEFAULT_BOUNDARIES, INSTRUMENT_TYPES, InstrumentType, MAX_BOUNDARIES, MAX_EXPONENTIAL_SIZE,
    View, ViewSelector, ViewStream,
};
