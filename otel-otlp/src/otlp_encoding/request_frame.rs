//! What the export requests of every signal share: one `ResourceSpans`, `ResourceLogs`
//! or `ResourceMetrics` message, the resource encoded once and copied in, around one
//! `Scope*` message per instrumentation scope, each around its items.

use opentelemetry::InstrumentationScope;
use opentelemetry_sdk::Resource;

use super::attributes::{self, EncodedResource};
use super::wire;

/// The frame of an encoder's requests: the resource they carry, and how many values
/// the encoder has left out so far.
#[derive(Debug, Default)]
pub(super) struct RequestFrame {
    resource: EncodedResource,
    dropped: u64,
}

impl RequestFrame {
    pub(super) fn new(resource: &Resource) -> Self {
        let mut frame = RequestFrame::default();
        frame.set_resource(resource);
        frame
    }

    /// Encodes `resource` in place of the one held; its attributes with no OTLP form
    /// are counted once here, not in each request that copies it.
    pub(super) fn set_resource(&mut self, resource: &Resource) {
        self.resource.set(resource);
        self.dropped += u64::from(self.resource.dropped);
    }

    /// How many values, in all, had no OTLP form and were left out.
    pub(super) fn dropped_values(&self) -> u64 {
        self.dropped
    }

    /// Writes a request into `out`, replacing what it held and keeping its capacity: its
    /// one resource message (field 1 of every `Export*ServiceRequest`) around what
    /// `scopes` writes, which returns how many values it left out.
    pub(super) fn write(&mut self, out: &mut Vec<u8>, scopes: impl FnOnce(&mut Vec<u8>) -> u32) {
        out.clear();
        let nested = wire::begin(out, 1, 3);
        out.extend_from_slice(&self.resource.field);
        let dropped = scopes(out);
        wire::bytes(out, 3, self.resource.schema_url.as_bytes());
        wire::end(out, nested);
        self.dropped += u64::from(dropped);
    }
}

/// One `Scope*` message (field 2 of every resource message): `scope`, named `name`,
/// then what `items` writes. Returns how many values were left out.
pub(super) fn scope_message(
    out: &mut Vec<u8>,
    scope: &InstrumentationScope,
    name: &str,
    items: impl FnOnce(&mut Vec<u8>) -> u32,
) -> u32 {
    let nested = wire::begin(out, 2, 3);
    let dropped = attributes::scope(out, 1, scope, name) + items(out);
    wire::bytes(out, 3, scope.schema_url().unwrap_or_default().as_bytes());
    wire::end(out, nested);
    dropped
}
