//! Whether an X-Ray sampling rule matches a new trace: its matchers
//! ([`Pattern`](crate::xray::pattern::Pattern)s) against the span's attributes as the
//! sampler sees them when the span starts, and against the resource.
//!
//! The values are read as AWS's Python sampler (the peer the interop test runs) reads
//! them: the URL path from `url.path`, else from `url.full`'s path, `/` when the span has
//! neither; the method from `http.request.method`; the host from `server.address`; each
//! with the name the older conventions used as second choice (`http.target`, `http.url`,
//! `http.method`, `http.host`), since instrumentations on those conventions are still
//! around. Matching is case-sensitive, as there. A value the span lacks matches only `*`.

use std::borrow::Cow;

use opentelemetry::{KeyValue, Value};
use otel_kit_semconv::attribute::{
    self, CLOUD_RESOURCE_ID, HTTP_REQUEST_METHOD, HTTP_REQUEST_METHOD_ORIGINAL, SERVER_ADDRESS, URL_FULL,
    URL_PATH,
};
use otel_kit_semconv::value::cloud_platform;

use crate::xray::remote::{FAAS_ID, XrayResource};
use crate::xray::rules::Rule;

// The older conventions' names, read as second choice (see the module docs).
#[allow(deprecated)]
const HTTP_TARGET: &str = attribute::HTTP_TARGET;
#[allow(deprecated)]
const HTTP_URL: &str = attribute::HTTP_URL;
#[allow(deprecated)]
const HTTP_METHOD: &str = attribute::HTTP_METHOD;
#[allow(deprecated)]
const HTTP_HOST: &str = attribute::HTTP_HOST;
#[allow(deprecated)]
const NET_HOST_NAME: &str = attribute::NET_HOST_NAME;

/// What of the resource the rules match, worked out once when the sampler is built.
#[derive(Debug)]
pub(crate) struct ResourceView {
    service_name: String,
    /// X-Ray's name of the platform (`AWS::EC2::Instance`, ...), empty when it has none.
    service_type: &'static str,
    /// The resource's ARN when the resource has it: the ECS container's, or on Lambda the
    /// function's.
    arn: Option<String>,
    /// On Lambda without an ARN in the resource, the span's `cloud.resource_id` is used.
    lambda: bool,
}

impl ResourceView {
    pub(crate) fn of(resource: &XrayResource) -> Self {
        let platform = resource.cloud_platform.as_deref().unwrap_or_default();
        let lambda = platform == cloud_platform::AWS_LAMBDA;
        let arn = resource.ecs_container_arn.clone().or_else(|| {
            lambda
                .then(|| {
                    resource
                        .cloud_resource_id
                        .clone()
                        .or_else(|| resource.faas_id.clone())
                })
                .flatten()
        });
        ResourceView {
            service_name: resource.service_name.clone().unwrap_or_default(),
            service_type: service_type(platform),
            arn,
            lambda,
        }
    }
}

/// X-Ray's `ServiceType` of a `cloud.platform`, as AWS's samplers map them.
fn service_type(platform: &str) -> &'static str {
    match platform {
        cloud_platform::AWS_EC2 => "AWS::EC2::Instance",
        cloud_platform::AWS_ECS => "AWS::ECS::Container",
        cloud_platform::AWS_EKS => "AWS::EKS::Container",
        cloud_platform::AWS_ELASTIC_BEANSTALK => "AWS::ElasticBeanstalk::Environment",
        cloud_platform::AWS_LAMBDA => "AWS::Lambda::Function",
        _ => "",
    }
}

impl Rule {
    /// Whether this rule applies to a new trace whose root span starts with `attributes`.
    pub(crate) fn matches(&self, resource: &ResourceView, attributes: &[KeyValue]) -> bool {
        let text = |keys: &[&str]| keys.iter().find_map(|key| text_of(attributes, key));
        let every_attribute = self
            .attributes
            .iter()
            .all(|(key, pattern)| pattern.matches(text_of(attributes, key).as_deref()));
        if !every_attribute {
            return false;
        }
        let url_path = text(&[URL_PATH, HTTP_TARGET]).or_else(|| match text(&[URL_FULL, HTTP_URL]) {
            Some(full) => path_of(&full).map(|path| Cow::Owned(path.to_owned())),
            None => Some(Cow::Borrowed("/")),
        });
        // A method instrumentation does not know is `_OTHER`, the method as sent in
        // `http.request.method_original`: the rule is about the latter.
        let method = match text(&[HTTP_REQUEST_METHOD, HTTP_METHOD]) {
            Some(method) if method == "_OTHER" => text(&[HTTP_REQUEST_METHOD_ORIGINAL]).or(Some(method)),
            method => method,
        };
        let arn = match (&resource.arn, resource.lambda) {
            (Some(arn), _) => Some(Cow::Borrowed(arn.as_str())),
            (None, true) => text(&[CLOUD_RESOURCE_ID, FAAS_ID]),
            (None, false) => None,
        };
        self.url_path.matches(url_path.as_deref())
            && self.http_method.matches(method.as_deref())
            && self
                .host
                .matches(text(&[SERVER_ADDRESS, HTTP_HOST, NET_HOST_NAME]).as_deref())
            && self.service_name.matches(Some(&resource.service_name))
            && self.service_type.matches(Some(resource.service_type))
            && self
                .resource_arn
                .matches(Some(arn.as_deref().unwrap_or_default()))
    }
}

/// The value of the last attribute named `key` (a key set twice holds its last value),
/// as text.
fn text_of<'a>(attributes: &'a [KeyValue], key: &str) -> Option<Cow<'a, str>> {
    let value = &attributes.iter().rev().find(|kv| kv.key.as_str() == key)?.value;
    Some(match value {
        Value::String(s) => Cow::Borrowed(s.as_str()),
        other => Cow::Owned(other.to_string()),
    })
}

/// The path of a full URL (`scheme://host[:port][/path][?query][#fragment]`), `/` when it
/// has none; `None` when it has no scheme, as instrumentation always writes one.
fn path_of(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let rest = &rest[rest.find(['/', '?', '#']).unwrap_or(rest.len())..];
    let path = &rest[..rest.find(['?', '#']).unwrap_or(rest.len())];
    Some(if path.is_empty() { "/" } else { path })
}
