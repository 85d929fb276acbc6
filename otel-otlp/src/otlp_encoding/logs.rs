//! `ExportLogsServiceRequest`, written from the SDK's `LogBatch`.

use opentelemetry::InstrumentationScope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::{LogBatch, SdkLogRecord};
use otel_kit_core::__private::shared_names::same_str;
use prost::encoding::WireType;

use super::log_values;
use super::request_frame::{RequestFrame, scope_message};
use super::scope_groups::{ScopeGroups, same_attributes};
use super::time::nanos;
use super::wire;

/// Encodes batches of log records as OTLP `ExportLogsServiceRequest` protobuf bytes,
/// written straight from the SDK's records, equal to what opentelemetry-proto's
/// transform and prost produce for the same batch (up to the order of the scopes, which
/// opentelemetry-proto takes from a `HashMap`).
///
/// As [`TraceEncoder`](super::TraceEncoder): the resource encoded once, each scope once
/// per request (a record's target, when it has one, names its scope), the vectors and
/// the output buffer kept from one batch to the next. A value with no OTLP form, or
/// lists and maps nested deeper than 32, is left out (an attribute is added to the
/// record's dropped count) and counted in [`dropped_values`](Self::dropped_values);
/// a record without an observed timestamp gets 0 rather than a panic.
///
/// ```
/// use opentelemetry::InstrumentationScope;
/// use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _, Severity};
/// use opentelemetry_sdk::Resource;
/// use opentelemetry_sdk::logs::{LogBatch, SdkLoggerProvider};
/// use otel_kit_otlp::otlp_encoding::LogEncoder;
///
/// let logger = SdkLoggerProvider::builder().build().logger("checkout");
/// let mut record = logger.create_log_record();
/// record.set_severity_number(Severity::Info);
/// record.set_body("order paid".into());
/// let scope = InstrumentationScope::builder("checkout").build();
///
/// let resource = Resource::builder_empty().with_service_name("shop").build();
/// let mut encoder = LogEncoder::new(&resource);
/// let mut body = Vec::new();
/// encoder.encode(&LogBatch::new(&[(&record, &scope)]), &mut body);
/// assert!(body.windows(10).any(|w| w == b"order paid"));
/// ```
#[derive(Debug, Default)]
pub struct LogEncoder {
    frame: RequestFrame,
    groups: ScopeGroups,
    /// The batch's records as a slice, for the grouping; its allocation is kept (see
    /// `recycle`).
    records: Vec<(usize, usize)>,
}

impl LogEncoder {
    /// An encoder for log records of `resource`.
    pub fn new(resource: &Resource) -> Self {
        LogEncoder {
            frame: RequestFrame::new(resource),
            ..LogEncoder::default()
        }
    }

    /// Replaces the resource the requests carry (the SDK hands it to the exporter once,
    /// when the provider is built).
    pub fn set_resource(&mut self, resource: &Resource) {
        self.frame.set_resource(resource);
    }

    /// Writes the `ExportLogsServiceRequest` for `batch` into `out`, replacing what it
    /// held and keeping its capacity.
    pub fn encode(&mut self, batch: &LogBatch<'_>, out: &mut Vec<u8>) {
        let mut records: Vec<(&SdkLogRecord, &InstrumentationScope)> =
            recycle(std::mem::take(&mut self.records));
        records.extend(batch.iter());
        self.groups.assign(&records, same_scope);
        let groups = &self.groups;
        self.frame.write(out, |out| {
            let mut dropped = 0;
            for (first, members) in groups.iter() {
                let (record, scope) = records[first];
                dropped += scope_message(out, scope, scope_name(record, scope), |out| {
                    members
                        .iter()
                        .map(|&i| log_record(out, records[i as usize].0))
                        .sum()
                });
            }
            dropped
        });
        records.clear();
        self.records = recycle(records);
    }

    /// How many values, in all, had no OTLP form and were left out.
    pub fn dropped_values(&self) -> u64 {
        self.frame.dropped_values()
    }
}

/// An empty vector of one element type made from an empty one of another of the same
/// size and alignment, keeping its allocation: the standard library's in-place
/// `collect` reuses it, and `filter_map` never produces an element. This is how the
/// encoder keeps a vector of references into each batch without unsafe code.
fn recycle<A, B>(empty: Vec<A>) -> Vec<B> {
    empty.into_iter().filter_map(|_| None).collect()
}

/// The scope's name as the request gives it: the record's target, when it has one.
fn scope_name<'a>(record: &'a SdkLogRecord, scope: &'a InstrumentationScope) -> &'a str {
    record.target().map_or(scope.name(), |t| t.as_ref())
}

/// Whether two records belong to the same scope in a request, as opentelemetry-proto
/// groups them: by the name the request gives, the version and schema URL (absent the
/// same as empty) and the attributes in any order.
fn same_scope(
    a: &(&SdkLogRecord, &InstrumentationScope),
    b: &(&SdkLogRecord, &InstrumentationScope),
) -> bool {
    same_str(scope_name(a.0, a.1), scope_name(b.0, b.1))
        && same_str(
            a.1.version().unwrap_or_default(),
            b.1.version().unwrap_or_default(),
        )
        && same_str(
            a.1.schema_url().unwrap_or_default(),
            b.1.schema_url().unwrap_or_default(),
        )
        && same_attributes(a.1, b.1)
}

/// One `ScopeLogs.log_records` field. Returns how many values were left out.
fn log_record(out: &mut Vec<u8>, record: &SdkLogRecord) -> u32 {
    // Most records take 128 bytes to 16 KiB.
    let nested = wire::begin(out, 2, 2);
    wire::fixed64(out, 1, record.timestamp().map_or(0, nanos));
    wire::varint(out, 2, record.severity_number().map_or(0, |s| s as u64));
    wire::bytes(out, 3, record.severity_text().unwrap_or_default().as_bytes());
    let mut left_out = 0;
    if let Some(body) = record.body() {
        let start = out.len();
        let field = wire::begin(out, 5, 1);
        if log_values::any_value(out, body, 0).is_ok() {
            wire::end(out, field);
        } else {
            out.truncate(start);
            left_out += 1;
        }
    }
    let mut dropped_attributes = 0;
    for (key, value) in record.attributes_iter() {
        if log_values::key_value(out, 6, key.as_str(), value, 0).is_err() {
            dropped_attributes += 1;
        }
    }
    wire::varint(out, 7, u64::from(dropped_attributes));
    if let Some(context) = record.trace_context() {
        let flags = context.trace_flags.map_or(0, |f| f.to_u8());
        wire::fixed32(out, 8, u32::from(flags));
        wire::put_key(out, 9, WireType::LengthDelimited);
        out.push(16);
        out.extend_from_slice(&context.trace_id.to_bytes());
        wire::put_key(out, 10, WireType::LengthDelimited);
        out.push(8);
        out.extend_from_slice(&context.span_id.to_bytes());
    }
    wire::fixed64(out, 11, record.observed_timestamp().map_or(0, nanos));
    wire::bytes(out, 12, record.event_name().unwrap_or_default().as_bytes());
    wire::end(out, nested);
    left_out + dropped_attributes
}

#[cfg(test)]
mod tests {
    use opentelemetry::logs::{Logger as _, LoggerProvider as _};
    use opentelemetry_sdk::logs::SdkLoggerProvider;

    use super::*;

    #[test]
    fn the_batchs_slice_keeps_its_allocation_from_one_batch_to_the_next() {
        let logger = SdkLoggerProvider::builder().build().logger("test");
        let records: Vec<SdkLogRecord> = (0..10).map(|_| logger.create_log_record()).collect();
        let scope = InstrumentationScope::builder("s").build();
        let refs: Vec<(&SdkLogRecord, &InstrumentationScope)> = records.iter().map(|r| (r, &scope)).collect();
        let mut encoder = LogEncoder::default();
        let mut out = Vec::new();
        encoder.encode(&LogBatch::new(&refs), &mut out);
        let kept = encoder.records.as_ptr();
        assert!(encoder.records.capacity() >= 10);
        encoder.encode(&LogBatch::new(&refs), &mut out);
        assert_eq!(encoder.records.as_ptr(), kept, "the same allocation");
    }
}
