//! Our OTLP protobuf encoding (`otel_kit_otlp::otlp_encoding`) against the reference:
//! over arbitrary data, our bytes decode (with opentelemetry-proto) to exactly what
//! opentelemetry-proto's transform produces, and equal prost's bytes for it.

mod arbitrary;
mod logs;
mod metrics;
mod traces;
