//! What the span and the log exporter write the same way: a header naming the service
//! and the batch size, then the batch's lines, in one write to the [`Sink`].

use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;

use crate::format::{push_header, service_name};
use crate::writer::Sink;

/// A [`Sink`] with the header rule of the span and log exporters.
#[derive(Debug)]
pub(crate) struct TitledSink {
    sink: Sink,
    /// `span` or `log`: what the header counts.
    noun: &'static str,
    service: String,
    header_shown: AtomicBool,
}

impl TitledSink {
    pub(crate) fn new(sink: Sink, noun: &'static str) -> Self {
        Self {
            sink,
            noun,
            service: service_name(None),
            header_shown: AtomicBool::new(false),
        }
    }

    /// Writes `count` items, which `render` appends, under their header. A simple
    /// processor exports one item at a time, and a header before every line would
    /// double the output: a batch of one gets it only the first time. Nothing is
    /// written for no items.
    pub(crate) fn write(&self, count: usize, render: impl FnOnce(&mut String)) -> OTelSdkResult {
        self.sink.ensure_open()?;
        if count == 0 {
            return Ok(());
        }
        let mut out = String::new();
        let first = !self.header_shown.swap(true, Ordering::Relaxed);
        if first || count > 1 {
            push_header(&mut out, &self.service, count, self.noun);
            out.push('\n');
        }
        render(&mut out);
        self.sink.write(&out)
    }

    pub(crate) fn flush(&self) -> OTelSdkResult {
        self.sink.flush()
    }

    pub(crate) fn shutdown(&self) -> OTelSdkResult {
        self.sink.shutdown()
    }

    /// The header names the resource's `service.name`.
    pub(crate) fn set_resource(&mut self, resource: &Resource) {
        self.service = service_name(Some(resource));
    }
}
