//! W3C baggage with the W3C limits enforced on extraction and injection.
//!
//! The SDK's `BaggagePropagator` (0.33) reads only the first `baggage` header and drops
//! the whole header when it is longer than 8192 bytes. Other SDKs have had security
//! advisories for not bounding baggage extraction. This wrapper bounds the work by the
//! limits themselves and drops members beyond them, never the whole list.

use opentelemetry::Context;
use opentelemetry::baggage::{Baggage, BaggageExt as _};
use opentelemetry::propagation::text_map_propagator::FieldIter;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry_sdk::propagation::BaggagePropagator;
use otel_kit_core::__private::carrier::BoundedExtractor;

const HEADER: &str = "baggage";

/// W3C baggage (`baggage` header) with the [W3C limits] applied on extraction and on
/// injection: at most [`MAX_MEMBERS`](Self::MAX_MEMBERS) list members and
/// [`MAX_BYTES`](Self::MAX_BYTES) bytes, however many `baggage` headers carry them.
///
/// **Extraction** reads every `baggage` header ([`Extractor::get_all`]) in carrier order,
/// as one list: the values joined by `,`, as HTTP joins repeated header lines. Then:
///
/// - Only the first 8192 bytes of that joined list are read. A list member is kept only
///   if it ends within them; the member that crosses byte 8192 and everything after it
///   are dropped. Bytes are counted as they arrive: percent-encoded, whitespace and
///   separators included (a `,` between header values counts as one byte).
/// - At most 64 members are kept, the first 64 in order.
/// - Entries that are not `key=value[;properties]` with a non-empty key (empty entries
///   such as `a=1,,b=2`, or `novalue`) are skipped and not counted towards the 64;
///   their bytes still count.
/// - The kept members go to the SDK's parser, which percent-decodes them and may still
///   skip an entry it cannot decode or whose key is not a valid token. A repeated key
///   keeps its last value.
/// - If no member is kept, or there is no `baggage` header, the context passed in is
///   returned unchanged. The trace context is never touched: a request with too much
///   baggage keeps its parent span.
///
/// The work is bounded by the limits, not by the input: at most 8192 bytes of header
/// text are scanned (a 1 MB header costs what an 8 KB one does), and the number of
/// header values examined is at most 8192 too (each adds a separator byte). The only
/// cost proportional to the input is the carrier's own `get_all`.
///
/// **Injection** writes the SDK's encoding when it fits in 8192 bytes (an in-memory
/// [`Baggage`] never holds more than 64 entries). When percent-encoding makes it longer,
/// members are written in key order and each one that does not fit in the remaining
/// bytes is left out, so the header is a valid list of whole members within the limit.
///
/// [W3C limits]: https://www.w3.org/TR/baggage/#limits
///
/// ```
/// use opentelemetry::baggage::BaggageExt as _;
/// use opentelemetry::propagation::TextMapPropagator as _;
/// use otel_kit_propagators::{LimitedBaggagePropagator, MessageHeaders};
///
/// // 70 members over two headers: the first 64 are kept.
/// let first: Vec<String> = (0..40).map(|i| format!("k{i}=v")).collect();
/// let second: Vec<String> = (40..70).map(|i| format!("k{i}=v")).collect();
/// let headers = vec![("baggage", first.join(",")), ("baggage", second.join(","))];
///
/// let cx = LimitedBaggagePropagator::new().extract(&MessageHeaders::new(&headers));
/// assert_eq!(cx.baggage().len(), LimitedBaggagePropagator::MAX_MEMBERS);
/// assert!(cx.baggage().get("k63").is_some());
/// assert!(cx.baggage().get("k64").is_none());
/// ```
#[derive(Debug, Default)]
pub struct LimitedBaggagePropagator {
    inner: BaggagePropagator,
}

impl LimitedBaggagePropagator {
    /// The most list members propagated (W3C: at least 64 must be).
    ///
    /// ```
    /// assert_eq!(otel_kit_propagators::LimitedBaggagePropagator::MAX_MEMBERS, 64);
    /// ```
    pub const MAX_MEMBERS: usize = 64;

    /// The most bytes of baggage propagated, over all `baggage` headers (W3C: at least
    /// 8192 must be).
    ///
    /// ```
    /// assert_eq!(otel_kit_propagators::LimitedBaggagePropagator::MAX_BYTES, 8192);
    /// ```
    pub const MAX_BYTES: usize = 8192;

    /// A baggage propagator with the W3C limits.
    ///
    /// ```
    /// use opentelemetry::propagation::TextMapPropagator as _;
    /// use otel_kit_propagators::LimitedBaggagePropagator;
    ///
    /// assert_eq!(LimitedBaggagePropagator::new().fields().collect::<Vec<_>>(), ["baggage"]);
    /// ```
    pub fn new() -> Self {
        LimitedBaggagePropagator {
            inner: BaggagePropagator::new(),
        }
    }
}

impl Clone for LimitedBaggagePropagator {
    fn clone(&self) -> Self {
        // The SDK propagator is stateless but not `Clone`.
        LimitedBaggagePropagator::new()
    }
}

impl TextMapPropagator for LimitedBaggagePropagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        let Some(full) = encode(&self.inner, cx) else {
            return;
        };
        if full.len() <= Self::MAX_BYTES {
            injector.set(HEADER, full);
            return;
        }
        // Over the limit after percent-encoding: encode member by member (at most 64),
        // in key order so the same baggage always yields the same header.
        let baggage = cx.baggage();
        let mut entries: Vec<_> = baggage.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        let mut header = String::new();
        let mut kept = 0;
        for (key, (value, metadata)) in entries {
            let mut one = Baggage::new();
            one.insert_with_metadata(key.clone(), value.clone(), metadata.clone());
            let Some(member) = encode(&self.inner, &Context::new().with_baggage(one)) else {
                continue;
            };
            let separator = usize::from(!header.is_empty());
            if kept == Self::MAX_MEMBERS || header.len() + separator + member.len() > Self::MAX_BYTES {
                continue;
            }
            if separator == 1 {
                header.push(',');
            }
            header.push_str(&member);
            kept += 1;
        }
        tracing::debug!(
            encoded_bytes = full.len(),
            kept_members = kept,
            members = baggage.len(),
            "baggage over the W3C limit of 8192 bytes; members left out of the header"
        );
        if !header.is_empty() {
            injector.set(HEADER, header);
        }
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        let Some(values) = extractor.get_all(HEADER) else {
            return cx.clone();
        };
        let limited = limit(&values);
        if limited.truncated {
            tracing::debug!(
                kept_members = limited.members,
                "incoming baggage over the W3C limits (64 members, 8192 bytes); later members dropped"
            );
        }
        if limited.list.is_empty() {
            return cx.clone();
        }
        // The limited list, as the only `baggage` header, through the kit's one carrier.
        let header = [(HEADER, limited.list.as_str())];
        self.inner
            .extract_with_context(cx, &BoundedExtractor::new(&header[..]))
    }

    fn fields(&self) -> FieldIter<'_> {
        self.inner.fields()
    }
}

/// The SDK's encoding of the baggage in `cx`, if any.
fn encode(inner: &BaggagePropagator, cx: &Context) -> Option<String> {
    let mut capture = Capture(None);
    inner.inject_context(cx, &mut capture);
    capture.0
}

/// Keeps what the SDK writes to the `baggage` header.
struct Capture(Option<String>);

impl Injector for Capture {
    fn set(&mut self, key: &str, value: String) {
        if key == HEADER {
            self.0 = Some(value);
        }
    }
}

struct Limited {
    /// The kept members, trimmed, joined by `,`: never over the limits.
    list: String,
    members: usize,
    /// Whether anything was cut off by a limit.
    truncated: bool,
}

/// Applies the limits to header `values` read as one list, as documented on
/// [`LimitedBaggagePropagator`].
fn limit(values: &[&str]) -> Limited {
    let max = LimitedBaggagePropagator::MAX_BYTES;
    let mut out = Limited {
        list: String::new(),
        members: 0,
        truncated: false,
    };
    // Bytes of the joined list read so far, separators included.
    let mut offset = 0;
    for (index, value) in values.iter().enumerate() {
        if index > 0 {
            offset += 1;
        }
        let mut rest = *value;
        loop {
            if out.members == LimitedBaggagePropagator::MAX_MEMBERS || offset >= max {
                // Something is left: this member, or (at the end of a value) a next value.
                out.truncated |= !rest.is_empty() || index + 1 < values.len();
                return out;
            }
            let budget = max - offset;
            // Look for the end of the member only within the budget: a member that
            // runs past it is dropped anyway, so a huge header is never scanned.
            let window = &rest.as_bytes()[..rest.len().min(budget + 1)];
            let (len, more) = match window.iter().position(|&b| b == b',') {
                Some(comma) => (comma, true),
                None if rest.len() <= budget => (rest.len(), false),
                None => {
                    out.truncated = true;
                    return out;
                }
            };
            // `len` is at a `,` or the end of `rest`, so it is a char boundary.
            let member = rest[..len].trim();
            offset += len;
            if is_member(member) {
                if !out.list.is_empty() {
                    out.list.push(',');
                }
                out.list.push_str(member);
                out.members += 1;
            }
            if !more {
                break;
            }
            offset += 1;
            rest = &rest[len + 1..];
        }
    }
    out
}

/// `key=value` or `key=value;properties`, with a non-empty key.
fn is_member(member: &str) -> bool {
    let key_value = member.split_once(';').map_or(member, |(key_value, _)| key_value);
    key_value
        .split_once('=')
        .is_some_and(|(key, _)| !key.trim().is_empty())
}
