//! [`MetricBuilder`]: one metric's declaration, checked when it is built.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::sync::Arc;

use opentelemetry::Key;

use super::declarations::{self, Declaration, KeyFilter};
use super::error::AppMetricError;
use super::naming;

/// The declaration of one metric; [`build`](MetricBuilder::build) checks it and makes
/// the instrument. Made by each instrument's `builder`.
#[derive(Debug)]
#[must_use = "a builder does nothing until `build`"]
pub struct MetricBuilder<I> {
    pub(super) name: Cow<'static, str>,
    pub(super) unit: Cow<'static, str>,
    pub(super) description: Cow<'static, str>,
    keys: Vec<Key>,
    instrument: PhantomData<fn() -> I>,
}

impl<I> MetricBuilder<I> {
    pub(super) fn new(name: impl Into<Cow<'static, str>>, unit: impl Into<Cow<'static, str>>) -> Self {
        MetricBuilder {
            name: name.into(),
            unit: unit.into(),
            description: Cow::Borrowed(""),
            keys: Vec::new(),
            instrument: PhantomData,
        }
    }

    /// What the metric measures, for the backend's metadata.
    pub fn description(mut self, description: impl Into<Cow<'static, str>>) -> Self {
        self.description = description.into();
        self
    }

    /// The attribute keys the metric may carry; any other key is dropped with one
    /// warning. None declared: the metric carries no attributes.
    pub fn attributes<K: Into<Key>>(mut self, keys: impl IntoIterator<Item = K>) -> Self {
        for key in keys {
            let key = key.into();
            if !self.keys.contains(&key) {
                self.keys.push(key);
            }
        }
        self
    }

    /// Checks the name, unit and keys and records the declaration.
    pub(super) fn declare(&self, kind: &'static str) -> Result<Arc<KeyFilter>, AppMetricError> {
        let name = self.name.as_ref();
        if let Some(problem) = naming::name_problem(name) {
            return Err(AppMetricError::Name {
                name: name.to_owned(),
                problem,
            });
        }
        if let Some(problem) = naming::unit_problem(&self.unit) {
            return Err(AppMetricError::Unit {
                name: name.to_owned(),
                unit: self.unit.to_string(),
                problem,
            });
        }
        if let Some(key) = self.keys.iter().find(|k| !is_attribute_key(k.as_str())) {
            return Err(AppMetricError::AttributeKey {
                name: name.to_owned(),
                key: key.to_string(),
            });
        }
        let declaration = declarations::declare(
            name,
            Declaration {
                kind,
                unit: self.unit.to_string(),
                keys: self.keys.clone().into(),
            },
        )?;
        Ok(Arc::new(KeyFilter::new(name.to_owned(), declaration)))
    }
}

/// Lowercase dot-separated segments of letters, digits and `_` (the attribute naming
/// guidance).
fn is_attribute_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 255
        && key.split('.').all(|segment| {
            segment.starts_with(|c: char| c.is_ascii_lowercase())
                && segment
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}
