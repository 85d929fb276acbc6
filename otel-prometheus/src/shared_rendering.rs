//! One rendered exposition shared by the listener's concurrent scrapes: a scrape that
//! comes while an exposition of its format, rendered less than [`SHARED_FOR`] ago, is
//! still being written to another client gets that same exposition. Clients that send
//! requests and never read so pin one rendering per format and window, not one each,
//! and do not make the listener collect once per request. A scrape alone (the normal
//! case: each answer written before the next request) always gets a fresh collection.

use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::format::ExpositionFormat;

/// How old a rendering a concurrent scrape may be given: well under any scrape interval.
pub(super) const SHARED_FOR: Duration = Duration::from_secs(1);

/// The latest rendering of each format, held weakly: it lives as long as an answer
/// being written holds it.
#[derive(Debug, Default)]
pub(super) struct SharedRendering {
    latest: Mutex<Vec<(ExpositionFormat, Instant, Weak<Rendered>)>>,
}

/// A rendered exposition, owned by the answers' bodies.
#[derive(Debug)]
struct Rendered(Vec<u8>);

impl SharedRendering {
    /// The live rendering of `format` from the last [`SHARED_FOR`], else `render()`'s.
    pub(super) fn get(&self, format: ExpositionFormat, render: impl FnOnce() -> Vec<u8>) -> Bytes {
        let mut latest = self.latest.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        if let Some(live) = latest
            .iter()
            .find(|(f, at, _)| *f == format && now.duration_since(*at) < SHARED_FOR)
            .and_then(|(_, _, weak)| weak.upgrade())
        {
            return Bytes::from_owner(SharedBody(live));
        }
        let rendered = Arc::new(Rendered(render()));
        latest.retain(|(f, _, _)| *f != format);
        latest.push((format, now, Arc::downgrade(&rendered)));
        Bytes::from_owner(SharedBody(rendered))
    }
}

/// An answer's hold on a rendering.
struct SharedBody(Arc<Rendered>);

impl AsRef<[u8]> for SharedBody {
    fn as_ref(&self) -> &[u8] {
        &self.0.0
    }
}

#[cfg(test)]
mod tests {
    use super::{ExpositionFormat, SharedRendering};

    #[test]
    fn a_live_rendering_is_shared_and_a_finished_one_is_not() {
        let shared = SharedRendering::default();
        let mut renders = 0;
        let mut render = |text: &str| {
            renders += 1;
            text.as_bytes().to_vec()
        };
        let first = shared.get(ExpositionFormat::Text, || render("a"));
        let second = shared.get(ExpositionFormat::Text, || render("b"));
        assert_eq!(second, first, "shared while the first answer is alive");
        let other = shared.get(ExpositionFormat::OpenMetrics, || render("c"));
        assert_eq!(other, "c", "each format has its own");
        drop((first, second));
        let fresh = shared.get(ExpositionFormat::Text, || render("d"));
        assert_eq!(fresh, "d", "no answer holds the old one: a fresh collection");
        assert_eq!(renders, 3);
    }
}
