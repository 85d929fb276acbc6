//! How an assertion fails: the message every assertion prints, and the comparisons
//! of attributes that several assertions share.

use std::fmt::Display;

use crate::model::AttributeValue;

#[track_caller]
pub(super) fn fail(what: &str, expected: &dyn Display, actual: &dyn Display, context: &str) -> ! {
    panic!("{what}\n  expected: {expected}\n  actual:   {actual}\n{context}")
}

/// `None` when `actual` is `expected` (same type and value); otherwise the expected and
/// actual values as failure messages print them, with their OTLP types.
pub(super) fn attribute_mismatch(
    actual: Option<&AttributeValue>,
    expected: &AttributeValue,
) -> Option<(String, String)> {
    match actual {
        Some(a) if a == expected => None,
        Some(a) => Some((
            format!("{expected} ({})", expected.type_name()),
            format!("{a} ({})", a.type_name()),
        )),
        None => Some((
            format!("{expected} ({})", expected.type_name()),
            "absent".to_owned(),
        )),
    }
}

/// The keys of `attributes` that start with `prefix`: what a `lacks_attributes_under`
/// assertion (span or point) found.
pub(super) fn keys_under<'a>(attributes: &'a [(String, AttributeValue)], prefix: &str) -> Vec<&'a str> {
    attributes
        .iter()
        .map(|(key, _)| key.as_str())
        .filter(|key| key.starts_with(prefix))
        .collect()
}
