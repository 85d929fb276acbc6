//! What the CLIENT span and the duration metric say about a request, read once
//! before it is sent.

use opentelemetry::KeyValue;
use opentelemetry_semantic_conventions::attribute::{
    HTTP_REQUEST_METHOD, HTTP_REQUEST_METHOD_ORIGINAL, HTTP_REQUEST_RESEND_COUNT, SERVER_ADDRESS,
    SERVER_PORT, URL_FULL, URL_TEMPLATE,
};
use reqwest::Request;

use super::extensions::UrlTemplate;
use crate::conventions::{KnownMethods, redact_url};

/// The request-side facts, in the form both signals need.
pub(crate) struct RequestInfo {
    pub(crate) span_name: String,
    /// `http.request.method`, `server.address`, `server.port`: shared by span and metric.
    pub(crate) common: Vec<KeyValue>,
    /// Span-only attributes known before sending.
    pub(crate) span_only: Vec<KeyValue>,
}

impl RequestInfo {
    pub(crate) fn new(
        request: &Request,
        known: &KnownMethods,
        template: Option<&UrlTemplate>,
        resend_count: u32,
    ) -> Self {
        let (method, original) = known.normalize(request.method());
        let name_method = known.span_name_method(request.method());
        let span_name = match template {
            Some(t) => format!("{name_method} {}", t.as_str()),
            None => name_method.to_owned(),
        };

        let url = request.url();
        let mut common = Vec::with_capacity(3);
        common.push(KeyValue::new(HTTP_REQUEST_METHOD, method.to_owned()));
        if let Some(host) = url.host_str() {
            // `host_str` keeps the brackets of an IPv6 literal; the attribute is the
            // bare address.
            let host = host.trim_start_matches('[').trim_end_matches(']');
            common.push(KeyValue::new(SERVER_ADDRESS, host.to_owned()));
        }
        if let Some(port) = url.port_or_known_default() {
            common.push(KeyValue::new(SERVER_PORT, i64::from(port)));
        }

        let mut span_only = vec![KeyValue::new(URL_FULL, redact_url(url.as_str()).into_owned())];
        if let Some(original) = original {
            span_only.push(KeyValue::new(HTTP_REQUEST_METHOD_ORIGINAL, original.to_owned()));
        }
        if let Some(t) = template {
            span_only.push(KeyValue::new(URL_TEMPLATE, t.as_str().to_owned()));
        }
        if resend_count > 0 {
            span_only.push(KeyValue::new(HTTP_REQUEST_RESEND_COUNT, i64::from(resend_count)));
        }
        Self {
            span_name,
            common,
            span_only,
        }
    }
}
