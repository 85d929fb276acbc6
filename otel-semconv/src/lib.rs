//! The OpenTelemetry semantic conventions the kit emits, as constants generated from the
//! conventions' YAML model by `otel-semconv/generate.py`, never typed by hand: semantic
//! conventions 1.44.0, and for the GenAI names (`gen_ai.*`, `openai.*`, `mcp.*`) 1.41.0,
//! their last release (they moved to open-telemetry/semantic-conventions-genai, which has
//! made no release yet; [`GENAI_SEMCONV_VERSION`]).
//!
//! | module | holds | example |
//! | --- | --- | --- |
//! | [`attribute`] | every attribute name | `attribute::HTTP_REQUEST_METHOD` |
//! | [`metric`] | every metric name | `metric::HTTP_SERVER_REQUEST_DURATION` |
//! | [`event`] | every event name (span events, log records) | `event::EXCEPTION` |
//! | [`resource`] | the attributes that describe an entity | `resource::SERVICE_NAME` |
//! | [`value`] | every enum attribute's values | `value::messaging_operation_type::SEND` |
//! | [`kit`] | the kit's own names (`otel_kit.*`, `tokio.*`, `otel_genai.*`), from its registry `otel-semconv/model/` | `kit::metric::TOKIO_WORKER_COUNT` |
//! | the root | the version and schema URL | [`SCHEMA_URL`] |
//!
//! The module layout and constant names are those of `opentelemetry-semantic-conventions`,
//! so a use of that crate moves here by its name alone. Each constant's documentation
//! gives its stability; deprecated names carry `#[deprecated]` with what replaced them.
//! otel-kit-testing's conformance check reads the same model (its `semconv.tsv` is written
//! by the same run of the generator).
//!
//! ```
//! use otel_kit_semconv::{SCHEMA_URL, attribute, metric, value};
//!
//! assert_eq!(attribute::HTTP_REQUEST_METHOD, "http.request.method");
//! assert_eq!(metric::HTTP_SERVER_REQUEST_DURATION, "http.server.request.duration");
//! assert_eq!(value::messaging_operation_type::SEND, "send");
//! assert_eq!(SCHEMA_URL, "https://opentelemetry.io/schemas/1.44.0");
//! assert_eq!(attribute::GEN_AI_USAGE_INPUT_TOKENS, "gen_ai.usage.input_tokens");
//! assert_eq!(otel_kit_semconv::GENAI_SEMCONV_VERSION, "1.41.0");
//! ```

pub mod attribute;
pub mod event;
pub mod kit;
pub mod metric;
pub mod resource;
pub mod value;
mod version;

// Deprecated when the constants come from a release's npm package (no model commit).
#[allow(deprecated)]
pub use version::SEMCONV_COMMIT;
pub use version::{
    GENAI_SCHEMA_URL, GENAI_SEMCONV_COMMIT, GENAI_SEMCONV_VERSION, SCHEMA_URL, SEMCONV_MODEL_COMMIT,
    SEMCONV_MODEL_VERSION, SEMCONV_SOURCE, SEMCONV_VERSION,
};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
