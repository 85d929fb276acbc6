//! The process-wide declarations: each helper instrument's name with its attribute
//! keys, filled when the instrument is built. The view (`declared_attributes_view`)
//! reads them when the SDK creates the instrument, which comes after the declaration,
//! so the order of set-up (provider first or instrument first) does not matter.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError, RwLock};

use opentelemetry::{Key, KeyValue};

use super::error::AppMetricError;

/// How many undeclared keys one instrument warns about; past it, one more warning says
/// that the others are dropped silently (keys are code, so this is a bound for a bug
/// that builds keys from data).
const MAX_WARNED_KEYS: usize = 32;

/// A declared instrument: its kind and unit (a second declaration must agree) and its
/// attribute keys.
#[derive(Debug, PartialEq)]
pub(crate) struct Declaration {
    pub(crate) kind: &'static str,
    pub(crate) unit: String,
    pub(crate) keys: Arc<[Key]>,
}

fn declared() -> &'static RwLock<HashMap<String, Arc<Declaration>>> {
    static DECLARED: LazyLock<RwLock<HashMap<String, Arc<Declaration>>>> = LazyLock::new(Default::default);
    &DECLARED
}

/// Records `declaration` under `name`; the same declaration again is fine (two call
/// sites, parallel tests), a different one is an error.
pub(crate) fn declare(name: &str, declaration: Declaration) -> Result<Arc<Declaration>, AppMetricError> {
    let mut map = declared().write().unwrap_or_else(PoisonError::into_inner);
    if let Some(existing) = map.get(name) {
        if **existing == declaration {
            return Ok(Arc::clone(existing));
        }
        return Err(AppMetricError::Redeclared {
            name: name.to_owned(),
            first: format!(
                "a {} in {:?} with attributes [{}]",
                existing.kind,
                existing.unit,
                existing
                    .keys
                    .iter()
                    .map(Key::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    let declaration = Arc::new(declaration);
    map.insert(name.to_owned(), Arc::clone(&declaration));
    Ok(declaration)
}

/// The attribute keys declared for the instrument `name`, if a helper declared it.
///
/// ```
/// assert!(otel_kit_core::app_metrics::declared_keys("nothing.declared.here").is_none());
/// ```
pub fn declared_keys(name: &str) -> Option<Arc<[Key]>> {
    let map = declared().read().unwrap_or_else(PoisonError::into_inner);
    map.get(name).map(|d| Arc::clone(&d.keys))
}

/// One instrument's filter: its declared keys and the undeclared keys it has warned
/// about.
#[derive(Debug)]
pub(crate) struct KeyFilter {
    pub(crate) name: String,
    pub(crate) declaration: Arc<Declaration>,
    pub(super) warned: Mutex<Vec<Key>>,
}

impl KeyFilter {
    pub(crate) fn new(name: String, declaration: Arc<Declaration>) -> Self {
        KeyFilter {
            name,
            declaration,
            warned: Mutex::new(Vec::new()),
        }
    }

    /// The `Debug` of an instrument with this filter: `instrument` (its type's name), its
    /// metric's name and its declared keys; the SDK handle it wraps says nothing useful.
    pub(crate) fn describe(&self, instrument: &str, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct(instrument)
            .field("name", &self.name)
            .field("attributes", &self.declaration.keys)
            .finish()
    }

    /// `attributes` when all their keys are declared (no copy: the common case), else
    /// the declared ones, warning once per undeclared key.
    pub(crate) fn filter<'a>(&self, attributes: &'a [KeyValue]) -> Filtered<'a> {
        let keys = &self.declaration.keys;
        if attributes.iter().all(|kv| keys.contains(&kv.key)) {
            return Filtered::All(attributes);
        }
        let mut kept = Vec::with_capacity(attributes.len());
        for kv in attributes {
            if keys.contains(&kv.key) {
                kept.push(kv.clone());
            } else {
                self.warn_once(&kv.key);
            }
        }
        Filtered::Declared(kept)
    }

    fn warn_once(&self, key: &Key) {
        let mut warned = self.warned.lock().unwrap_or_else(PoisonError::into_inner);
        if warned.contains(key) || warned.len() > MAX_WARNED_KEYS {
            return;
        }
        if warned.len() == MAX_WARNED_KEYS {
            warned.push(Key::from_static_str(""));
            tracing::warn!(
                metric = %self.name,
                "more than {MAX_WARNED_KEYS} undeclared attribute keys on this metric: the \
                 others are dropped without a warning"
            );
            return;
        }
        warned.push(key.clone());
        tracing::warn!(
            metric = %self.name,
            key = %key,
            declared = ?self.declaration.keys.iter().map(Key::as_str).collect::<Vec<_>>(),
            "attribute key not declared for this metric: dropped (declare it with \
             `.attributes([...])` on the builder)"
        );
    }
}

/// The attributes to record.
pub(crate) enum Filtered<'a> {
    All(&'a [KeyValue]),
    Declared(Vec<KeyValue>),
}

impl std::ops::Deref for Filtered<'_> {
    type Target = [KeyValue];

    fn deref(&self) -> &[KeyValue] {
        match self {
            Filtered::All(all) => all,
            Filtered::Declared(kept) => kept,
        }
    }
}
