//! The instrumentation scope a record was produced by.

use opentelemetry_proto::tonic::common::v1::InstrumentationScope;

use super::value::{AttributeValue, attributes_from_otlp};

/// The instrumentation scope (tracer, meter or logger name) that produced the data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScopeInfo {
    /// The scope name.
    pub name: String,
    /// The scope version, empty when none was set.
    pub version: String,
    /// Scope attributes.
    pub attributes: Vec<(String, AttributeValue)>,
}

impl ScopeInfo {
    pub(super) fn from_otlp(scope: Option<&InstrumentationScope>) -> Self {
        scope
            .map(|s| ScopeInfo {
                name: s.name.clone(),
                version: s.version.clone(),
                attributes: attributes_from_otlp(&s.attributes),
            })
            .unwrap_or_default()
    }
}
