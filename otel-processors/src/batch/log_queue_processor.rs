//! The log record processor: `emit` offers each record, with its logger's scope, to
//! the bounded queue ([`QueueProcessor`]); a worker thread exports batches when a batch
//! is full, a schedule delay after its last export, and on flush and shutdown.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry::InstrumentationScope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogExporter, LogProcessor, SdkLogRecord};

use super::queue_processor::QueueProcessor;
use super::settings::BatchSettings;
use super::signal::Logs;
use super::stats::LogQueueStats;
use crate::log_rebuild::Blank;

/// A batching log record processor with a bounded queue and counted drops: what the
/// SDK's `BatchLogProcessor` does, plus the [module docs](super)' guarantees
/// (counters, failures reported at most once per 10 s, `emit` never blocking, one
/// wake-up per full batch). Each record is moved into the batch the exporter is
/// handed: no box, no channel.
///
/// By default `emit` copies the record, as the SDK's processor does, so that the
/// processors registered after this one still see it. Registered last,
/// [`taking_records`](Self::taking_records) moves it instead.
///
/// ```
/// use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _};
/// use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
/// use otel_kit_processors::batch::{BatchSettings, LogQueueProcessor};
///
/// let exporter = InMemoryLogExporter::default();
/// let processor = LogQueueProcessor::new(exporter.clone(), BatchSettings::LOG_DEFAULTS).taking_records();
/// let stats = processor.stats();
/// let provider = SdkLoggerProvider::builder().with_log_processor(processor).build();
/// let logger = provider.logger("checkout");
/// let mut record = logger.create_log_record();
/// record.set_body("paid".into());
/// logger.emit(record);
/// provider.force_flush()?;
/// assert_eq!(exporter.get_emitted_logs()?.len(), 1);
/// assert_eq!((stats.exported(), stats.dropped()), (1, 0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct LogQueueProcessor {
    queue: QueueProcessor<Logs>,
    /// Makes the empty record left in place of one taken; `None`: records are copied.
    blank: Option<Blank>,
}

impl LogQueueProcessor {
    /// Starts the worker thread that owns `exporter`.
    pub fn new<E: LogExporter + 'static>(exporter: E, settings: BatchSettings) -> Self {
        LogQueueProcessor {
            queue: QueueProcessor::new(exporter, settings),
            blank: None,
        }
    }

    /// Moves each record into the queue instead of copying it (the copy of its body and
    /// attributes is most of what `emit` costs), and leaves an empty record to the
    /// processors after this one: register it last.
    pub fn taking_records(mut self) -> Self {
        self.blank = Some(Blank::new("otel-kit-processors"));
        self
    }

    /// The processor's counters, shared: keep the `Arc` to read them later.
    pub fn stats(&self) -> Arc<LogQueueStats> {
        self.queue.stats()
    }
}

impl LogProcessor for LogQueueProcessor {
    fn emit(&self, record: &mut SdkLogRecord, scope: &InstrumentationScope) {
        let record = match &self.blank {
            Some(blank) => std::mem::replace(record, blank.record()),
            None => record.clone(),
        };
        self.queue.offer((record, scope.clone()));
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.queue.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.queue.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.queue.set_resource(resource);
    }
}
