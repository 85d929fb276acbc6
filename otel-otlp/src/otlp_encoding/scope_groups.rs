//! Grouping a batch by instrumentation scope without building a map per batch: the
//! encoders write each scope once, followed by its items. Scopes come in the order they
//! first appear and items keep their batch order within a scope, as
//! opentelemetry-proto's grouping does, so the decoded requests are equal.

use opentelemetry::InstrumentationScope;
use otel_kit_core::__private::shared_names::same_str;

/// The grouping of one batch, its vectors kept from one export to the next.
#[derive(Debug, Default)]
pub(super) struct ScopeGroups {
    /// The group of each item.
    group_of: Vec<u32>,
    /// The first item of each group: its scope is the group's.
    firsts: Vec<u32>,
    /// Where each group's items start in `order`, and (last) the end.
    starts: Vec<u32>,
    /// Where the next item of each group goes in `order`, while sorting.
    next: Vec<u32>,
    /// The items, group after group.
    order: Vec<u32>,
}

impl ScopeGroups {
    /// Groups `items` by `same`, which compares two items' scopes. A batch mostly comes
    /// from a few scopes, and spans of one scope arrive together: the previous item's
    /// group is tried first, then each group.
    pub(super) fn assign<T>(&mut self, items: &[T], same: impl Fn(&T, &T) -> bool) {
        self.group_of.clear();
        self.firsts.clear();
        let mut last: Option<usize> = None;
        for (i, item) in items.iter().enumerate() {
            let found = last
                .filter(|&g| same(&items[self.firsts[g] as usize], item))
                .or_else(|| {
                    self.firsts
                        .iter()
                        .position(|&first| same(&items[first as usize], item))
                });
            let group = found.unwrap_or_else(|| {
                self.firsts.push(i as u32);
                self.firsts.len() - 1
            });
            self.group_of.push(group as u32);
            last = Some(group);
        }
        // A counting sort: stable, so items keep their order within a group.
        self.starts.clear();
        self.starts.resize(self.firsts.len() + 1, 0);
        for &g in &self.group_of {
            self.starts[g as usize + 1] += 1;
        }
        for g in 1..self.starts.len() {
            self.starts[g] += self.starts[g - 1];
        }
        self.order.clear();
        self.order.resize(items.len(), 0);
        self.next.clear();
        self.next.extend_from_slice(&self.starts);
        for (i, &g) in self.group_of.iter().enumerate() {
            let at = &mut self.next[g as usize];
            self.order[*at as usize] = i as u32;
            *at += 1;
        }
    }

    /// Each group: the index of its first item (whose scope is written) and the indices
    /// of all its items, in batch order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (usize, &[u32])> {
        self.firsts.iter().enumerate().map(|(g, &first)| {
            let items = &self.order[self.starts[g] as usize..self.starts[g + 1] as usize];
            (first as usize, items)
        })
    }
}

/// Whether two scopes are the same for OTLP, as `InstrumentationScope`'s `Eq` says
/// (attributes in any order), without its allocation in the common cases: the same
/// attributes in the same order, or different names. Each span holds a clone of its
/// tracer's scope, borrowing its `'static` strings, so they compare by address.
pub(super) fn same_scope(a: &InstrumentationScope, b: &InstrumentationScope) -> bool {
    std::ptr::eq(a, b)
        || same_str(a.name(), b.name())
            && same_optional_str(a.version(), b.version())
            && same_optional_str(a.schema_url(), b.schema_url())
            && same_attributes(a, b)
}

/// [`same_str`] for a version or schema URL, which a scope may lack.
fn same_optional_str(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same_str(a, b),
        (a, b) => a.is_none() && b.is_none(),
    }
}

/// Whether two scopes have the same attributes, in any order; sorted (an allocation)
/// only when they differ in order.
pub(super) fn same_attributes(a: &InstrumentationScope, b: &InstrumentationScope) -> bool {
    if a.attributes().eq(b.attributes()) {
        return true;
    }
    if a.attributes().count() != b.attributes().count() {
        return false;
    }
    fn sorted(s: &InstrumentationScope) -> Vec<&opentelemetry::KeyValue> {
        let mut attributes: Vec<&opentelemetry::KeyValue> = s.attributes().collect();
        attributes.sort_unstable_by(|x, y| x.key.cmp(&y.key));
        attributes
    }
    sorted(a) == sorted(b)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    #[test]
    fn groups_keep_first_seen_order_and_batch_order_within() {
        let items = ["a", "b", "a", "c", "b", "a"];
        let mut groups = ScopeGroups::default();
        groups.assign(&items, |x, y| x == y);
        let got: Vec<(usize, Vec<u32>)> = groups.iter().map(|(f, i)| (f, i.to_vec())).collect();
        assert_eq!(got, [(0, vec![0, 2, 5]), (1, vec![1, 4]), (3, vec![3])]);
        // Reused for a smaller batch.
        groups.assign(&items[..1], |x, y| x == y);
        assert_eq!(groups.iter().count(), 1);
        groups.assign::<&str>(&[], |x, y| x == y);
        assert_eq!(groups.iter().count(), 0);
    }

    #[test]
    fn scopes_compare_by_content_wherever_their_strings_are() {
        // A static, not a const: one address for every use.
        static NAME: &str = "otel-kit-http-and-more";
        let scope = |name: Cow<'static, str>, version: Option<&'static str>, schema: Option<String>| {
            let mut builder = InstrumentationScope::builder(name);
            if let Some(version) = version {
                builder = builder.with_version(version);
            }
            if let Some(schema) = schema {
                builder = builder.with_schema_url(schema);
            }
            builder.build()
        };
        let schema = || Some("https://opentelemetry.io/schemas/1.40.0".to_owned());
        let statics = scope(NAME.into(), Some("0.1.0"), schema());
        // Equal text in another allocation.
        assert!(same_scope(
            &statics,
            &scope(NAME.to_owned().into(), Some("0.1.0"), schema())
        ));
        assert!(same_scope(&statics, &statics.clone()));
        // Where a shorter name starts at the same address.
        assert!(!same_scope(
            &statics,
            &scope(NAME[..13].into(), Some("0.1.0"), schema())
        ));
        assert!(!same_scope(&statics, &scope(NAME.into(), None, schema())));
        assert!(!same_scope(&scope(NAME.into(), None, schema()), &statics));
        assert!(!same_scope(
            &statics,
            &scope(NAME.into(), Some("0.1.1"), schema())
        ));
        assert!(!same_scope(&statics, &scope(NAME.into(), Some("0.1.0"), None)));
        assert!(!same_scope(
            &statics,
            &scope(NAME.into(), Some("0.1.0"), Some("https://x".into()))
        ));
        assert!(same_scope(
            &scope(NAME.into(), None, None),
            &scope(NAME.into(), None, None)
        ));
        // Absent is not empty (for spans; the log encoder reads absent as empty).
        assert!(!same_scope(
            &scope(NAME.into(), None, None),
            &scope(NAME.into(), Some(""), None)
        ));
        assert!(!same_scope(
            &scope(NAME.into(), None, None),
            &scope(NAME.into(), None, Some(String::new()))
        ));
    }

    #[test]
    fn scopes_with_the_same_attributes_in_another_order_are_the_same() {
        use opentelemetry::KeyValue;
        let scope = |attributes: [KeyValue; 2]| {
            InstrumentationScope::builder("lib")
                .with_attributes(attributes)
                .build()
        };
        let ab = scope([KeyValue::new("a", 1), KeyValue::new("b", 2)]);
        let ba = scope([KeyValue::new("b", 2), KeyValue::new("a", 1)]);
        let ac = scope([KeyValue::new("a", 1), KeyValue::new("c", 2)]);
        assert!(same_scope(&ab, &ba));
        assert!(!same_scope(&ab, &ac));
        assert!(!same_scope(&ab, &InstrumentationScope::builder("lib").build()));
    }
}
