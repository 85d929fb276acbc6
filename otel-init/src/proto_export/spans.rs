//! The span exporter over `TraceEncoder`.

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use super::exporter::{Encoder, ProtoExporter};
use crate::otlp_encoding::TraceEncoder;

impl Encoder for TraceEncoder {
    fn set_resource(&mut self, resource: &Resource) {
        TraceEncoder::set_resource(self, resource);
    }

    fn dropped_values(&self) -> u64 {
        TraceEncoder::dropped_values(self)
    }
}

impl SpanExporter for ProtoExporter<TraceEncoder> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        // The spans go with the closure, freed once written, not after the network
        // answers.
        self.export_with(move |encoder, out| encoder.encode(&batch, out))
            .await
    }

    fn shutdown_with_timeout(&self, _timeout: std::time::Duration) -> OTelSdkResult {
        self.stop()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.use_resource(resource);
    }
}
