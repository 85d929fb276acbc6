//! The resource a record was produced under.

use opentelemetry_proto::tonic::resource::v1::Resource;

use super::value::{AttributeValue, attributes_from_otlp, find};

/// The resource a span, metric or log record was produced under.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResourceInfo {
    /// Resource attributes (`service.name`, ...).
    pub attributes: Vec<(String, AttributeValue)>,
    /// The schema URL, empty when none was sent.
    pub schema_url: String,
}

impl ResourceInfo {
    /// The value of a resource attribute, if present.
    pub fn attribute(&self, key: &str) -> Option<&AttributeValue> {
        find(&self.attributes, key)
    }

    pub(super) fn from_otlp(resource: Option<&Resource>, schema_url: &str) -> Self {
        ResourceInfo {
            attributes: resource
                .map(|r| attributes_from_otlp(&r.attributes))
                .unwrap_or_default(),
            schema_url: schema_url.to_owned(),
        }
    }
}
