//! [`RequestValueLimit`]: the longest string the HTTP and gRPC instrumentations copy
//! from a request onto a span or a metric point (`url.path`, `url.query`,
//! `user_agent.original`, `http.request.method_original`, `server.address`, captured
//! headers and metadata, `rpc.method` / `rpc.method_original`). A client decides the
//! size of these; without a cap one request could put hundreds of KiB on a span, and a
//! flood of such requests with the collector down would hold the export queue's 2,048
//! spans at that size each.
//!
//! A longer value is cut to the limit in bytes, never inside a UTF-8 character, with no
//! marker appended: as the kit's attribute value-length processor cuts. Each cut is
//! counted ([`truncated_request_values`]). A value within the limit costs one length
//! comparison.
//!
//! The limit is the layer builder's (`max_request_value_bytes`), else
//! `OTEL_KIT_REQUEST_VALUE_MAX_BYTES` (read by otel-kit-init into the
//! [`InstrumentationSwitches`](crate::instrumentation_switches::InstrumentationSwitches)),
//! else [`DEFAULT_MAX_REQUEST_VALUE_BYTES`].

use std::borrow::Cow;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::instrumentation_switches::global_instrumentation_switches;

/// The default limit: 4 KiB per value. Browsers and proxies keep URLs to a few KiB
/// (many servers refuse a request line past 8 KiB), backends such as New Relic drop
/// attributes past 4,096 characters, and the kit's header capture always cut at 4 KiB.
///
/// ```
/// assert_eq!(otel_kit_core::request_value::DEFAULT_MAX_REQUEST_VALUE_BYTES, 4096);
/// ```
pub const DEFAULT_MAX_REQUEST_VALUE_BYTES: usize = 4096;

static TRUNCATED: AtomicU64 = AtomicU64::new(0);

/// Request-derived values cut so far, by every layer of the process.
///
/// ```
/// use otel_kit_core::request_value::{RequestValueLimit, truncated_request_values};
///
/// let before = truncated_request_values();
/// assert_eq!(RequestValueLimit::bytes(3).cut("abcd"), "abc");
/// assert!(truncated_request_values() > before);
/// ```
pub fn truncated_request_values() -> u64 {
    TRUNCATED.load(Ordering::Relaxed)
}

/// The longest request-derived string value, in bytes; see the [module docs](self).
///
/// ```
/// use otel_kit_core::request_value::RequestValueLimit;
///
/// let limit = RequestValueLimit::bytes(4);
/// assert_eq!(limit.cut("/abc"), "/abc");
/// assert_eq!(limit.cut("/abcdef"), "/abc");
/// assert_eq!(limit.cut("/éé"), "/é", "never inside a character");
/// assert_eq!(
///     RequestValueLimit::bytes(5).cut_lossy(b"ab\xffcde"),
///     "ab\u{fffd}",
///     "invalid bytes replaced, then cut"
/// );
/// assert_eq!(RequestValueLimit::default().max_bytes(), 4096);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestValueLimit {
    max_bytes: usize,
}

impl Default for RequestValueLimit {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl RequestValueLimit {
    /// [`DEFAULT_MAX_REQUEST_VALUE_BYTES`].
    pub const DEFAULT: Self = Self::bytes(DEFAULT_MAX_REQUEST_VALUE_BYTES);

    /// At most `max_bytes` bytes per value (0 records every such value empty).
    pub const fn bytes(max_bytes: usize) -> Self {
        Self { max_bytes }
    }

    /// The limit in bytes.
    pub const fn max_bytes(self) -> usize {
        self.max_bytes
    }

    /// `value`, or its longest prefix within the limit that ends on a character boundary.
    #[inline]
    pub fn cut(self, value: &str) -> &str {
        if value.len() <= self.max_bytes {
            return value;
        }
        TRUNCATED.fetch_add(1, Ordering::Relaxed);
        &value[..value.floor_char_boundary(self.max_bytes)]
    }

    /// `bytes` as UTF-8 (invalid bytes as U+FFFD), within the limit: no more than the
    /// limit's worth of bytes is converted, so a huge value is never copied whole.
    pub fn cut_lossy(self, bytes: &[u8]) -> Cow<'_, str> {
        if bytes.len() <= self.max_bytes {
            return String::from_utf8_lossy(bytes);
        }
        TRUNCATED.fetch_add(1, Ordering::Relaxed);
        let head = &bytes[..self.max_bytes];
        let text = match std::str::from_utf8(head) {
            Ok(text) => Cow::Borrowed(text),
            // Only a character cut at the end: keep what precedes it.
            Err(e) if e.error_len().is_none() => {
                Cow::Borrowed(std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default())
            }
            Err(_) => String::from_utf8_lossy(head),
        };
        // Each invalid byte may have grown to three.
        match text {
            Cow::Owned(mut s) if s.len() > self.max_bytes => {
                s.truncate(s.floor_char_boundary(self.max_bytes));
                Cow::Owned(s)
            }
            text => text,
        }
    }
}

/// A layer's limit: the builder's, else the environment's (through the global
/// switches, read at the layer's first request, after `init()` set them), else the
/// default. Reading it after the first time is one atomic load.
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct LayerValueLimit {
    in_code: Option<RequestValueLimit>,
    effective: OnceLock<RequestValueLimit>,
}

impl LayerValueLimit {
    /// The builder's limit, which wins over the environment's.
    pub fn set(&mut self, limit: RequestValueLimit) {
        self.in_code = Some(limit);
        self.effective = OnceLock::new();
    }

    /// The limit in effect.
    #[inline]
    pub fn get(&self) -> RequestValueLimit {
        *self.effective.get_or_init(|| {
            self.in_code
                .or_else(|| {
                    global_instrumentation_switches()?
                        .request_value_max_bytes
                        .map(RequestValueLimit::bytes)
                })
                .unwrap_or_default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Mutex, MutexGuard, PoisonError};

    /// Held by every test of this binary that cuts a value, so that a test reading
    /// [`truncated_request_values`] sees its own cuts alone.
    static COUNTING: Mutex<()> = Mutex::new(());

    fn counting() -> MutexGuard<'static, ()> {
        COUNTING.lock().unwrap_or_else(PoisonError::into_inner)
    }

    #[test]
    fn cuts_within_the_limit_at_character_boundaries() {
        let _counting = counting();
        let limit = RequestValueLimit::bytes(5);
        assert_eq!(limit.cut("abcde"), "abcde");
        assert_eq!(limit.cut("abcdef"), "abcde");
        assert_eq!(limit.cut("ab😀cd"), "ab", "a four-byte character is not split");
        assert_eq!(RequestValueLimit::bytes(0).cut("a"), "");
        assert_eq!(limit.cut_lossy(b"abcde"), "abcde");
        assert_eq!(limit.cut_lossy("ab😀cd".as_bytes()), "ab");
        assert_eq!(limit.cut_lossy(b"\xff\xff\xff\xff\xff\xff"), "\u{fffd}");
        let huge = "x".repeat(400 * 1024);
        assert_eq!(RequestValueLimit::DEFAULT.cut(&huge).len(), 4096);
        assert_eq!(RequestValueLimit::DEFAULT.cut_lossy(huge.as_bytes()).len(), 4096);
    }

    #[test]
    fn each_cut_is_counted_once_and_a_value_within_the_limit_is_not() {
        let _counting = counting();
        let limit = RequestValueLimit::bytes(4);
        // What `value` adds to the counter.
        let counted = |value: &dyn Fn()| {
            let before = truncated_request_values();
            value();
            truncated_request_values() - before
        };

        // Within the limit (at it, below it, empty): nothing counted, by either.
        assert_eq!(counted(&|| assert_eq!(limit.cut("abcd"), "abcd")), 0);
        assert_eq!(counted(&|| assert_eq!(limit.cut("ab"), "ab")), 0);
        assert_eq!(counted(&|| assert_eq!(limit.cut(""), "")), 0);
        assert_eq!(counted(&|| assert_eq!(limit.cut_lossy(b"abcd"), "abcd")), 0);
        assert_eq!(
            counted(&|| assert_eq!(limit.cut_lossy(b"a\xffc"), "a\u{fffd}c")),
            0
        );
        assert_eq!(counted(&|| assert_eq!(limit.cut_lossy(b""), "")), 0);

        // Each cut: one, however much is cut and whatever the way the cut ends.
        assert_eq!(counted(&|| assert_eq!(limit.cut("abcde"), "abcd")), 1);
        assert_eq!(
            counted(&|| assert_eq!(limit.cut(&"x".repeat(400 * 1024)), "xxxx")),
            1
        );
        assert_eq!(
            counted(&|| assert_eq!(limit.cut("abc\u{e9}"), "abc")),
            1,
            "inside a character"
        );
        assert_eq!(counted(&|| assert_eq!(limit.cut_lossy(b"abcde"), "abcd")), 1);
        assert_eq!(
            counted(&|| assert_eq!(limit.cut_lossy("abc\u{e9}".as_bytes()), "abc")),
            1
        );
        assert_eq!(
            counted(&|| assert_eq!(limit.cut_lossy(b"\xff\xff\xff\xff\xff"), "\u{fffd}")),
            1,
            "invalid bytes"
        );
        assert_eq!(
            counted(&|| assert_eq!(RequestValueLimit::bytes(0).cut("a"), "")),
            1
        );
        assert_eq!(
            counted(&|| assert_eq!(RequestValueLimit::bytes(0).cut_lossy(b"a"), "")),
            1
        );

        // Three cuts, three counted.
        assert_eq!(
            counted(&|| {
                for _ in 0..3 {
                    let _ = limit.cut("abcdef");
                }
            }),
            3
        );
    }

    #[test]
    fn the_builder_wins_over_the_default() {
        let mut layer = LayerValueLimit::default();
        layer.set(RequestValueLimit::bytes(7));
        assert_eq!(layer.get(), RequestValueLimit::bytes(7));
    }
}
