//! What a configuration file says that no `OTEL_*` variable can: typed resource
//! attributes, whether cloud detectors run, the cardinality limit, the views, and the
//! export threads' nice value (applied after the pipelines are built).

use opentelemetry::{Array, KeyValue, StringValue, Value};
use otel_kit_config::AttributeValue;
use otel_kit_resource::ResourceOptions;

use crate::additions::Additions;

/// The file's values beyond the [`Config`](crate::config::Config).
#[derive(Default)]
pub(crate) struct FileExtras {
    /// The string `resource.attributes`: laid over `attributes_list` as the
    /// environment's entries are (so `service.name` wins over code).
    string_attributes: Vec<(String, String)>,
    /// The other `resource.attributes`, with their types.
    typed_attributes: Vec<KeyValue>,
    /// `resource.detection/development` is present: the cloud detectors run (the kit's
    /// host, process and container detection always does).
    pub(super) cloud_detection: bool,
    /// `cardinality_limits.default` of the readers.
    cardinality_limit: Option<usize>,
    /// `distribution.otel_kit.export_thread_nice`, applied once telemetry's threads run.
    pub(crate) export_thread_nice: Option<String>,
    /// `meter_provider.views`, as the SDK's views.
    #[cfg(feature = "metrics")]
    views: Vec<crate::cardinality_limit::SharedView>,
    /// The keys the views exclude.
    #[cfg(feature = "metrics")]
    exclusions: Vec<crate::excluded_attributes::Exclusion>,
}

impl FileExtras {
    pub(super) fn add_attribute(&mut self, name: &str, value: &AttributeValue) {
        let value = match value {
            AttributeValue::String(s) => {
                return self.string_attributes.push((name.to_owned(), s.clone()));
            }
            AttributeValue::Bool(b) => Value::Bool(*b),
            AttributeValue::Int(i) => Value::I64(*i),
            AttributeValue::Double(d) => Value::F64(*d),
            AttributeValue::StringArray(a) => {
                Value::Array(Array::String(a.iter().cloned().map(StringValue::from).collect()))
            }
            AttributeValue::BoolArray(a) => Value::Array(Array::Bool(a.clone())),
            AttributeValue::IntArray(a) => Value::Array(Array::I64(a.clone())),
            AttributeValue::DoubleArray(a) => Value::Array(Array::F64(a.clone())),
        };
        self.typed_attributes.push(KeyValue::new(name.to_owned(), value));
    }

    pub(super) fn take_string_attributes(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.string_attributes)
    }

    pub(super) fn cardinality_limit(&mut self, limit: u64) {
        let limit = usize::try_from(limit)
            .unwrap_or(usize::MAX - 1)
            .clamp(1, usize::MAX - 1);
        self.cardinality_limit = Some(self.cardinality_limit.map_or(limit, |l| l.min(limit)));
    }

    /// The cardinality limit the file sets, if any.
    pub(crate) fn file_cardinality_limit(&self) -> Option<usize> {
        self.cardinality_limit
    }

    /// The typed attributes (over detection, under code, as the environment's are), and
    /// the cloud detectors off unless the file asks for detection.
    pub(crate) fn add_to_resource(&self, mut options: ResourceOptions) -> ResourceOptions {
        if !self.typed_attributes.is_empty() {
            options = options.detector(TypedAttributes(self.typed_attributes.clone()));
        }
        if self.cloud_detection {
            options
        } else {
            options.cloud_detectors([])
        }
    }

    /// The file's views, as the SDK's, and the keys they exclude.
    pub(super) fn set_views(&mut self, views: &[otel_kit_config::View]) {
        #[cfg(feature = "metrics")]
        for view in views {
            self.views
                .push(std::sync::Arc::new(super::views::to_view(view.clone())));
            self.exclusions.extend(super::views::to_exclusion(view));
        }
        #[cfg(not(feature = "metrics"))]
        let _ = views;
    }

    /// Adds the views, after those added in code.
    pub(crate) fn add_to(self, additions: &mut Additions) {
        #[cfg(feature = "metrics")]
        for view in self.views {
            additions.push_view(move |i: &opentelemetry_sdk::metrics::Instrument| view(i));
        }
        #[cfg(feature = "metrics")]
        for exclusion in self.exclusions {
            additions.push_exclusion(exclusion);
        }
        #[cfg(not(feature = "metrics"))]
        let _ = additions;
    }
}

/// The file's typed resource attributes, given to the resource as a detector's.
#[derive(Debug)]
struct TypedAttributes(Vec<KeyValue>);

impl opentelemetry_sdk::resource::ResourceDetector for TypedAttributes {
    fn detect(&self) -> opentelemetry_sdk::Resource {
        opentelemetry_sdk::Resource::builder_empty()
            .with_attributes(self.0.iter().cloned())
            .build()
    }
}
