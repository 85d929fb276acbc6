//! [`read`]: a file the kit was pointed at (a configuration file, a credential), read
//! with bounded work. Only a regular file is read, opened without blocking: a FIFO with
//! no writer or `/dev/stdin` would otherwise hold the reading thread for as long as
//! nobody writes, and a device such as `/dev/zero` never ends. A file over the limit is
//! refused, not cut short, and the limit is checked again as the file is read, since
//! it may grow after its size was taken.
//!
//! [`begin_read`] reads on a thread of its own, for a caller that must not hang: a file
//! on a hung network mount blocks that thread (its `stat` and `open` do, whatever the
//! flags), and the caller gives up at its deadline.

use std::io::{self, Read as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Why [`read`] gave no bytes; each caller words it for its own setting.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be opened or read.
    Io(io::Error),
    /// Not a regular file: a FIFO, socket or device is not read.
    NotRegular,
    /// Over the limit: `bytes` is its size when opened, or the limit plus one when it
    /// grew past the limit while it was read.
    TooLarge {
        /// How many bytes it held.
        bytes: u64,
    },
    /// No answer by the deadline ([`begin_read`]): a file on a hung network mount. The
    /// read goes on on its own thread, and its result is dropped.
    Unanswered {
        /// How long the caller waited.
        waited: Duration,
    },
}

impl ReadError {
    /// The same error, for a second reader of one read.
    fn duplicate(&self) -> Self {
        match self {
            ReadError::Io(e) => ReadError::Io(io::Error::new(e.kind(), e.to_string())),
            ReadError::NotRegular => ReadError::NotRegular,
            ReadError::TooLarge { bytes } => ReadError::TooLarge { bytes: *bytes },
            ReadError::Unanswered { waited } => ReadError::Unanswered { waited: *waited },
        }
    }
}

/// The bytes of the regular file at `path`, at most `max` of them.
///
/// ```
/// use otel_kit_core::__private::regular_file::{ReadError, read};
///
/// assert!(matches!(read("/nonexistent/ca.pem".as_ref(), 1024), Err(ReadError::Io(_))));
/// # #[cfg(unix)]
/// assert!(matches!(read("/dev/null".as_ref(), 1024), Err(ReadError::NotRegular)));
/// ```
pub fn read(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge { bytes: meta.len() });
    }
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge {
            bytes: bytes.len() as u64,
        });
    }
    Ok(bytes)
}

/// A [`read`] under way on a thread of its own ([`begin_read`]).
#[must_use = "a read is only waited for by `finish`"]
pub struct ReadUnderWay {
    read: Result<Arc<SharedRead>, io::Error>,
    deadline: Instant,
}

/// One read, which every reader of its path begun while it is under way waits for.
struct SharedRead {
    key: (PathBuf, u64),
    outcome: Mutex<Option<Result<Vec<u8>, ReadError>>>,
    done: Condvar,
    deadline: Instant,
}

/// The reads under way, by path and limit: at most one thread per file, however many
/// readers a hung file has.
static UNDER_WAY: Mutex<Vec<Arc<SharedRead>>> = Mutex::new(Vec::new());

/// Begins [`read`] of `path` on a thread of its own; [`ReadUnderWay::finish`] waits for it
/// until `deadline`. `before` runs on that thread first (a wait for a file being written
/// to settle: its `stat` may hang too).
///
/// A read of a path begun while an earlier read of it is still under way joins that
/// read and keeps the earlier deadline where it is sooner: a hung file holds a start-up
/// once, however many exporters name it, and holds one thread. Reads begun together
/// and finished together wait at most until their deadline in all.
///
/// ```
/// use std::time::{Duration, Instant};
/// use otel_kit_core::__private::regular_file::{ReadError, begin_read};
///
/// let deadline = Instant::now() + Duration::from_secs(5);
/// let ca = begin_read("/nonexistent/ca.pem".as_ref(), 1024, deadline, |_| {});
/// let key = begin_read("/nonexistent/key.pem".as_ref(), 1024, deadline, |_| {});
/// assert!(matches!(ca.finish(), Err(ReadError::Io(_))));
/// assert!(matches!(key.finish(), Err(ReadError::Io(_))));
/// ```
pub fn begin_read(
    path: &Path,
    max: u64,
    deadline: Instant,
    before: impl FnOnce(&Path) + Send + 'static,
) -> ReadUnderWay {
    let key = (path.to_path_buf(), max);
    let mut under_way = UNDER_WAY.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(shared) = under_way.iter().find(|r| r.key == key) {
        return ReadUnderWay {
            deadline: deadline.min(shared.deadline),
            read: Ok(Arc::clone(shared)),
        };
    }
    let shared = Arc::new(SharedRead {
        key,
        outcome: Mutex::new(None),
        done: Condvar::new(),
        deadline,
    });
    let reader = Arc::clone(&shared);
    let spawned = std::thread::Builder::new()
        .name("otel-file-read".to_owned())
        .spawn(move || {
            before(&reader.key.0);
            let outcome = read(&reader.key.0, reader.key.1);
            UNDER_WAY
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .retain(|r| !Arc::ptr_eq(r, &reader));
            *reader.outcome.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
            reader.done.notify_all();
        });
    let read = spawned.map(|_| {
        under_way.push(Arc::clone(&shared));
        shared
    });
    ReadUnderWay { read, deadline }
}

impl ReadUnderWay {
    /// The bytes, or why not: [`ReadError::Unanswered`] when the read had not ended by the
    /// deadline, [`ReadError::Io`] when no thread could be started for it.
    pub fn finish(self) -> Result<Vec<u8>, ReadError> {
        let shared = self.read.map_err(ReadError::Io)?;
        let started = Instant::now();
        let left = self.deadline.saturating_duration_since(started);
        let outcome = shared.outcome.lock().unwrap_or_else(PoisonError::into_inner);
        let (outcome, _) = shared
            .done
            .wait_timeout_while(outcome, left, |outcome| outcome.is_none())
            .unwrap_or_else(PoisonError::into_inner);
        match outcome.as_ref() {
            Some(Ok(bytes)) => Ok(bytes.clone()),
            Some(Err(e)) => Err(e.duplicate()),
            None => Err(ReadError::Unanswered {
                waited: started.elapsed(),
            }),
        }
    }
}

impl std::fmt::Debug for ReadUnderWay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = self.read.as_ref().map(|r| &r.key.0);
        f.debug_struct("ReadUnderWay")
            .field("path", &path)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow(path: &Path) -> ReadUnderWay {
        begin_read(path, 1024, Instant::now() + Duration::from_millis(100), |_| {
            std::thread::sleep(Duration::from_secs(2));
        })
    }

    #[test]
    fn a_read_that_does_not_answer_is_given_up_at_its_deadline_and_joined_meanwhile() {
        let path = std::env::temp_dir().join(format!("otel-kit-core-slow-read-{}", std::process::id()));
        std::fs::write(&path, b"token").expect("write");
        let started = Instant::now();
        let first = slow(&path);
        // Begun while the first is under way, with a later deadline: it joins the first
        // read (no second thread) and keeps the first deadline.
        let joined = begin_read(&path, 1024, Instant::now() + Duration::from_secs(30), |_| {
            unreachable!("a second read of the same file")
        });
        assert!(matches!(first.finish(), Err(ReadError::Unanswered { .. })));
        assert!(matches!(joined.finish(), Err(ReadError::Unanswered { .. })));
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        // Once it ends, the next read is a read of its own.
        std::thread::sleep(Duration::from_millis(2500));
        let again = begin_read(&path, 1024, Instant::now() + Duration::from_secs(5), |_| {});
        assert_eq!(again.finish().expect("read"), b"token");
        std::fs::remove_file(path).ok();
    }
}
