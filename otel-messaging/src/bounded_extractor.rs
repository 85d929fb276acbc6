//! The propagation `Extractor` of each adapter's header carrier: the bounded reading of
//! [`carrier`](crate::carrier) over the adapter's `HeaderSource`, the same for every
//! broker.

/// `impl Extractor for $carrier<'_>` through `crate::carrier::BoundedExtractor`
/// (a trait impl only: it defines no type and no method of its own).
macro_rules! extractor_by_carrier_rule {
    ($carrier:ident) => {
        impl ::opentelemetry::propagation::Extractor for $carrier<'_> {
            fn get(&self, key: &str) -> Option<&str> {
                $crate::carrier::BoundedExtractor::new(self).value(key)
            }

            fn keys(&self) -> Vec<&str> {
                $crate::carrier::BoundedExtractor::new(self).names()
            }

            fn get_all(&self, key: &str) -> Option<Vec<&str>> {
                $crate::carrier::BoundedExtractor::new(self).values(key)
            }
        }
    };
}

pub(crate) use extractor_by_carrier_rule;
