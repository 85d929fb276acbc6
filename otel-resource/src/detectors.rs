//! The detectors as `opentelemetry_sdk::resource::ResourceDetector`s, for a provider built
//! by hand: [`Detection`] (host, OS, process, container, Kubernetes, `service.instance.id`
//! and `telemetry.*`) and each [`CloudDetector`].

use opentelemetry::KeyValue;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::resource::ResourceDetector;

use crate::build::detected;
use crate::cloud::{self, CloudDetector};
use crate::detect::Detection;

fn resource(attributes: Vec<KeyValue>) -> Resource {
    Resource::builder_empty().with_attributes(attributes).build()
}

/// The attributes detected where this [`Detection`] looks: everything of the crate's
/// "Detected attributes" table but the cloud ones.
///
/// ```
/// use opentelemetry::{Key, Value};
/// use opentelemetry_sdk::Resource;
/// use otel_kit_semconv::resource::PROCESS_PID;
/// use otel_kit_resource::Detection;
///
/// let resource = Resource::builder().with_detector(Box::new(Detection::system())).build();
/// let pid = i64::from(std::process::id());
/// assert_eq!(resource.get(&Key::from_static_str(PROCESS_PID)), Some(Value::I64(pid)));
/// ```
impl ResourceDetector for Detection {
    fn detect(&self) -> Resource {
        resource(detected(self))
    }
}

/// This platform's attributes when the process runs on it (the process environment and
/// `/`), else none. A metadata endpoint that does not answer within its deadline adds
/// nothing.
///
/// ```
/// use opentelemetry_sdk::Resource;
/// use opentelemetry_sdk::resource::ResourceDetector as _;
/// use otel_kit_resource::CloudDetector;
///
/// let on_lambda = CloudDetector::AwsLambda.detect();
/// let resource = Resource::builder().with_detector(Box::new(CloudDetector::AzureFunctions)).build();
/// # drop((on_lambda, resource));
/// ```
impl ResourceDetector for CloudDetector {
    fn detect(&self) -> Resource {
        resource(cloud::detect(&[*self], &Detection::system(), &mut Vec::new()))
    }
}
