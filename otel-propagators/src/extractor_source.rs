//! Any `Extractor` as a `HeaderSource`, so that the kit's propagators read every carrier
//! through otel-kit-core's one rule (`BoundedExtractor`), whatever carrier they are given.

use opentelemetry::propagation::Extractor;
use otel_kit_core::__private::carrier::HeaderSource;

/// The caller's carrier, read by name; for parsers that read ids with
/// `from_str_radix`, which accepts a leading `+`, values containing `+` (never valid in
/// B3 or X-Ray ids) can be hidden.
pub(super) struct ExtractorSource<'a> {
    pub(super) extractor: &'a dyn Extractor,
    pub(super) without_plus: bool,
}

impl HeaderSource for ExtractorSource<'_> {
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a [u8]> {
        let without_plus = self.without_plus;
        self.extractor
            .get_all(name)
            .unwrap_or_default()
            .into_iter()
            .filter(move |value| !(without_plus && value.contains('+')))
            .map(str::as_bytes)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.extractor.keys().into_iter()
    }
}
