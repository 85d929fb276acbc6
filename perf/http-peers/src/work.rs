//! Work the hello-world handler does on top of its answer, for the scaling figures
//! (`profile/scaling.sh`, docs/performance.md's "How cost grows"): `HTTP_PEERS_WORK`
//! set to `<spans>x<attributes>` makes every request open `spans` nested `#[instrument]`
//! spans, each given `attributes` OpenTelemetry attributes through
//! tracing-opentelemetry's `set_attribute`. Unset, the handler does nothing more.
//!
//! The plain variant runs the same code with no subscriber: what it costs there (the
//! macros' disabled-call-site check) is the baseline's, so "added" is the kit's share.
//!
//! ```
//! let work = http_peers::work::Work::parse("10x50").unwrap();
//! assert_eq!((work.spans, work.attributes), (10, 50));
//! assert!(http_peers::work::Work::parse("10").is_none());
//! ```

use std::sync::{Arc, LazyLock};

use opentelemetry::Key;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

/// The environment variable: `<spans>x<attributes>`.
pub const WORK_ENV: &str = "HTTP_PEERS_WORK";

/// At most this many attributes per span.
pub const MAX_ATTRIBUTES: usize = 64;

/// What each request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    /// Nested spans per request (0: none).
    pub spans: usize,
    /// Attributes per span, at most [`MAX_ATTRIBUTES`].
    pub attributes: usize,
}

impl Work {
    /// `<spans>x<attributes>`; `None` when malformed or over the limit.
    pub fn parse(text: &str) -> Option<Work> {
        let (spans, attributes) = text.trim().split_once('x')?;
        let work = Work {
            spans: spans.parse().ok()?,
            attributes: attributes.parse().ok()?,
        };
        (work.attributes <= MAX_ATTRIBUTES).then_some(work)
    }

    /// From [`WORK_ENV`], read once; `None` when unset. A malformed value stops the
    /// server: a figure measured without its work would be wrong, not slower.
    pub fn from_env() -> Option<Work> {
        static WORK: LazyLock<Option<Work>> = LazyLock::new(|| {
            let text = std::env::var(WORK_ENV).ok()?;
            Some(Work::parse(&text).unwrap_or_else(|| {
                panic!(
                    "{WORK_ENV}={text:?}: expected <spans>x<attributes>, at most {MAX_ATTRIBUTES} attributes"
                )
            }))
        });
        *WORK
    }

    /// Runs the work on this thread: `spans` nested spans, innermost last; returns a
    /// number so that nothing is optimised away.
    pub fn run(self, id: u32) -> u64 {
        if self.spans == 0 {
            return u64::from(id);
        }
        nested(self.spans, self.attributes, id)
    }
}

/// The attribute keys, shared (`Arc<str>`): a key costs a reference count, not a copy.
static KEYS: LazyLock<Vec<Key>> = LazyLock::new(|| {
    (0..MAX_ATTRIBUTES)
        .map(|i| Key::from(Arc::<str>::from(format!("app.attribute_{i}"))))
        .collect()
});

#[tracing::instrument(level = "info", skip_all)]
fn nested(remaining: usize, attributes: usize, id: u32) -> u64 {
    let span = tracing::Span::current();
    for (i, key) in KEYS.iter().take(attributes).enumerate() {
        span.set_attribute(key.clone(), i64::from(id) + i as i64);
    }
    if remaining > 1 {
        1 + nested(remaining - 1, attributes, id)
    } else {
        u64::from(id)
    }
}
