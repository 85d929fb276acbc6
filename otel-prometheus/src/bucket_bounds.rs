//! A histogram's bucket bounds with their `le` label values, written once.

use crate::values::SampleValue as _;

/// A histogram point's bounds and their `le` values written once: the points of one
/// histogram share them, so each is formatted once per histogram, not per bucket line.
#[derive(Default)]
pub(super) struct Bounds {
    pub(super) values: Vec<f64>,
    /// The `le` texts, the last one `+Inf`; `ends[i]` is where text `i` ends.
    text: Vec<u8>,
    ends: Vec<usize>,
}

impl Bounds {
    pub(super) fn set<I: Iterator<Item = f64>>(&mut self, bounds: impl Fn() -> I) {
        if !self.ends.is_empty() && bounds().eq(self.values.iter().copied()) {
            return;
        }
        self.values.clear();
        self.values.extend(bounds());
        self.text.clear();
        self.ends.clear();
        for &b in &self.values {
            b.write(&mut self.text);
            self.ends.push(self.text.len());
        }
        f64::INFINITY.write(&mut self.text);
        self.ends.push(self.text.len());
    }

    /// The `le` text of bucket `i` (`+Inf` past the last bound).
    pub(super) fn le(&self, i: usize) -> &[u8] {
        let i = i.min(self.ends.len() - 1);
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}
