//! [`read`]: a file the kit was pointed at (a configuration file, a credential), read
//! with bounded work. Only a regular file is read, opened without blocking: a FIFO with
//! no writer or `/dev/stdin` would otherwise hold the reading thread for as long as
//! nobody writes, and a device such as `/dev/zero` never ends. A file over the limit is
//! refused, not cut short, and the limit is checked again as the file is read, since
//! it may grow after its size was taken.

use std::io::{self, Read as _};
use std::path::Path;

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
}

/// The bytes of the regular file at `path`, at most `max` of them.
///
/// ```
/// use otel_kit_core::regular_file::{ReadError, read};
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
