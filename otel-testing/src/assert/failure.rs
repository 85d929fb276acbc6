//! How an assertion fails: the message every assertion prints, and the comparisons
//! of attributes that several assertions share.

use std::fmt::Display;

use crate::model::{AttributeValue, ResourceInfo, ScopeInfo};

#[track_caller]
pub(super) fn fail(what: &str, expected: &dyn Display, actual: &dyn Display, context: &str) -> ! {
    panic!("{what}\n  expected: {expected}\n  actual:   {actual}\n{context}")
}

/// An assertion on one span, log record or metric: how its failures read, and the
/// checks all three share.
pub(super) trait RecordCheck: Copy {
    /// The record as a failure names it (`span "charge"`).
    fn subject(&self) -> String;
    /// What a failure prints after the values: the set the record came from.
    fn context(&self) -> String;
    fn resource(&self) -> &ResourceInfo;
    fn scope(&self) -> &ScopeInfo;

    /// Fails, naming the record and printing its set, unless `ok`.
    #[track_caller]
    fn check(self, ok: bool, what: &str, expected: &dyn Display, actual: &dyn Display) -> Self {
        if !ok {
            fail(
                &format!("{}: {what}", self.subject()),
                expected,
                actual,
                &self.context(),
            );
        }
        self
    }

    #[track_caller]
    fn check_resource_attribute(self, key: &str, expected: &AttributeValue) -> Self {
        match attribute_mismatch(self.resource().attribute(key), expected) {
            None => self,
            Some((want, got)) => self.check(false, &format!("resource attribute {key:?}"), &want, &got),
        }
    }

    #[track_caller]
    fn check_scope_name(self, name: &str) -> Self {
        let actual = &self.scope().name;
        self.check(actual == name, "instrumentation scope", &name, actual)
    }
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
