//! Where the text goes, and the shutdown flag every exporter shares the same rules for.

use std::fmt;
use std::io;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};

/// Where a console exporter writes: any `Write`, shared so a test (or all three
/// exporters) can hold it too. Each export is written whole under the lock, so
/// exporters sharing one writer never interleave within a line.
///
/// `Arc<Mutex<Vec<u8>>>`, `Arc<Mutex<std::fs::File>>` and the like convert to it by
/// themselves.
///
/// ```
/// use std::sync::{Arc, Mutex};
///
/// use otel_kit_console::{ConsoleLogExporter, ConsoleSpanExporter, SharedWriter};
///
/// let captured = Arc::new(Mutex::new(Vec::<u8>::new()));
/// let shared: SharedWriter = captured.clone();
/// let spans = ConsoleSpanExporter::new(shared.clone());
/// let logs = ConsoleLogExporter::new(shared);
/// # drop((spans, logs));
/// ```
pub type SharedWriter = Arc<Mutex<dyn Write + Send>>;

/// One writer plus the shutdown state of the exporter that owns it.
pub(crate) struct Sink {
    writer: SharedWriter,
    shutdown: AtomicBool,
}

impl Sink {
    pub(crate) fn new(writer: SharedWriter) -> Self {
        Self {
            writer,
            shutdown: AtomicBool::new(false),
        }
    }

    pub(crate) fn stdout() -> Self {
        Self::new(Arc::new(Mutex::new(io::stdout())))
    }

    /// Checked before rendering, so a shut-down exporter does no work and prints nothing.
    pub(crate) fn ensure_open(&self) -> OTelSdkResult {
        if self.shutdown.load(Ordering::Acquire) {
            Err(OTelSdkError::AlreadyShutdown)
        } else {
            Ok(())
        }
    }

    /// Writes one export's text in a single `write_all`, so batches from exporters that
    /// share a writer never interleave mid-line.
    pub(crate) fn write(&self, text: &str) -> OTelSdkResult {
        self.ensure_open()?;
        if text.is_empty() {
            return Ok(());
        }
        // A panic elsewhere while holding the lock leaves at worst a partial line;
        // that is no reason to stop printing.
        let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let result = writer.write_all(text.as_bytes()).and_then(|()| writer.flush());
        map_io(result)
    }

    pub(crate) fn flush(&self) -> OTelSdkResult {
        let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        map_io(writer.flush())
    }

    /// Flushes, then refuses further exports. A second call reports `AlreadyShutdown`,
    /// as the OTLP exporters do.
    pub(crate) fn shutdown(&self) -> OTelSdkResult {
        if self.shutdown.swap(true, Ordering::AcqRel) {
            return Err(OTelSdkError::AlreadyShutdown);
        }
        self.flush()
    }
}

/// A closed pipe (`| head`, a terminal gone away) is normal for console output: the
/// text is dropped without complaint. Other errors (disk full) are reported to the SDK,
/// which logs them.
fn map_io(result: io::Result<()>) -> OTelSdkResult {
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(OTelSdkError::InternalFailure(format!(
            "console exporter could not write: {e}"
        ))),
    }
}

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The writer is a `dyn Write` and has no `Debug`.
        f.debug_struct("Sink")
            .field("shutdown", &self.shutdown.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}
