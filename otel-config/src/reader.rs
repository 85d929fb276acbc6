//! Reading the node tree into the model: typed getters that apply the schema's
//! defaults ("if omitted or null, X is used"), name the YAML path and line in errors,
//! and warn once about each unknown key and each component the kit does not implement.

use std::time::Duration;

use crate::error::{ConfigFileError, ConfigFileErrorKind as Kind};
use crate::node::{Key, Node, Substituted, Value};
use crate::scalar::Scalar;
use crate::warning::{ConfigFileWarning, ConfigFileWarningKind as WarningKind};

/// Keys only the unreleased main branch of opentelemetry-configuration has (compared
/// with tag v1.1.0): warned about as such, not as unknown.
pub(crate) const UNRELEASED_KEYS: &[&str] = &[
    "attribute_value_depth_limit",
    "max_request_size",
    "max_response_size",
    "always_record",
];

pub(crate) type Result<T> = std::result::Result<T, ConfigFileError>;

/// The warnings gathered while reading.
#[derive(Debug, Default)]
pub(crate) struct Ctx {
    pub(crate) warnings: Vec<ConfigFileWarning>,
}

impl Ctx {
    pub(crate) fn warn(&mut self, kind: WarningKind, path: &str, line: usize) {
        self.warnings.push(ConfigFileWarning::new(kind, path, line));
    }

    /// One warning for a key the schema has and the kit does not implement.
    /// A component only the unreleased schema has (`always_record`) says so instead.
    pub(crate) fn unsupported(&mut self, component: &str, path: &str, line: usize) {
        let kind = if UNRELEASED_KEYS.contains(&component) {
            WarningKind::UnreleasedKey {
                key: component.to_owned(),
            }
        } else {
            WarningKind::Unsupported {
                component: component.to_owned(),
            }
        };
        self.warn(kind, path, line);
    }

    /// One warning for a key that is not in the released schemas.
    fn unknown(&mut self, key: &Key, path: &str) {
        let kind = if UNRELEASED_KEYS.contains(&key.name.as_str()) {
            WarningKind::UnreleasedKey {
                key: key.name.clone(),
            }
        } else {
            WarningKind::UnknownKey {
                key: key.name.clone(),
            }
        };
        self.warn(kind, path, key.line);
    }
}

/// A node and its YAML path.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub(crate) node: &'a Node,
    pub(crate) path: &'a str,
}

impl<'a> At<'a> {
    pub(crate) fn line(&self) -> usize {
        self.node.line
    }

    pub(crate) fn error(&self, kind: Kind, expected: &str) -> ConfigFileError {
        ConfigFileError::new(kind, self.path, self.node.line, expected, self.node.describe())
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self.node.value, Value::Scalar(Scalar::Null))
    }

    pub(crate) fn string(&self) -> Result<String> {
        match (&self.node.value, &self.node.substituted) {
            (Value::Scalar(Scalar::Str(text)), _) => Ok(text.clone()),
            // A `${VAR}` that reads as a number or a boolean is still its text where a
            // string goes (an all-digit token in a header).
            (Value::Scalar(_), Some(Substituted { text: Some(text) })) => Ok(text.clone()),
            _ => Err(self.error(Kind::Type, "a string")),
        }
    }

    pub(crate) fn u64(&self) -> Result<u64> {
        match &self.node.value {
            Value::Scalar(Scalar::Int(value)) if *value >= 0 => Ok(*value as u64),
            Value::Scalar(Scalar::Int(_)) => Err(self.error(Kind::Value, "a non-negative integer")),
            _ => Err(self.error(Kind::Type, "a non-negative integer")),
        }
    }

    pub(crate) fn i64(&self) -> Result<i64> {
        match &self.node.value {
            Value::Scalar(Scalar::Int(value)) => Ok(*value),
            _ => Err(self.error(Kind::Type, "an integer")),
        }
    }

    pub(crate) fn f64(&self) -> Result<f64> {
        match &self.node.value {
            Value::Scalar(Scalar::Int(value)) => Ok(*value as f64),
            Value::Scalar(Scalar::Float(value)) if value.is_finite() => Ok(*value),
            _ => Err(self.error(Kind::Type, "a finite number")),
        }
    }

    pub(crate) fn bool(&self) -> Result<bool> {
        match &self.node.value {
            Value::Scalar(Scalar::Bool(value)) => Ok(*value),
            _ => Err(self.error(Kind::Type, "a boolean")),
        }
    }

    /// The items of a sequence with their paths (`key[0]`, ...).
    pub(crate) fn items(&self) -> Result<Vec<(String, &'a Node)>> {
        match &self.node.value {
            Value::Seq(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("{}[{i}]", self.path), item))
                .collect()),
            _ => Err(self.error(Kind::Type, "a sequence")),
        }
    }

    /// A mapping's entries (null reads as none), or `None` for another kind of node.
    pub(crate) fn entries(&self) -> Option<&'a [(Key, Node)]> {
        match &self.node.value {
            Value::Map(entries) => Some(entries),
            Value::Scalar(Scalar::Null) => Some(&[]),
            _ => None,
        }
    }

    /// A sequence of strings.
    pub(crate) fn strings(&self) -> Result<Vec<String>> {
        self.items()?
            .iter()
            .map(|(path, node)| At { node, path }.string())
            .collect()
    }

    /// A mapping's fields; each key not in `known` is one warning. Null reads as `{}`.
    pub(crate) fn fields(&self, known: &[&str], ctx: &mut Ctx) -> Result<Fields<'a>> {
        let entries: &'a [(Key, Node)] = match &self.node.value {
            Value::Map(entries) => entries,
            Value::Scalar(Scalar::Null) => &[],
            _ => return Err(self.error(Kind::Type, "a mapping")),
        };
        for (key, _) in entries {
            if !known.contains(&key.name.as_str()) {
                let path = join(self.path, &key.name);
                ctx.unknown(key, &path);
            }
        }
        Ok(Fields {
            path: self.path.to_owned(),
            line: self.node.line,
            entries,
        })
    }

    /// A component: a mapping with exactly one key, its name (`otlp_http`, `always_on`, ...).
    pub(crate) fn component(&self) -> Result<(&'a Key, &'a Node)> {
        match &self.node.value {
            Value::Map(entries) if entries.len() == 1 => Ok((&entries[0].0, &entries[0].1)),
            Value::Map(entries) if entries.len() > 1 => {
                let names: Vec<&str> = entries.iter().map(|(key, _)| key.name.as_str()).collect();
                Err(ConfigFileError::new(
                    Kind::Value,
                    self.path,
                    self.node.line,
                    "exactly one component",
                    format!("{} (`{}`)", names.len(), names.join("`, `")),
                ))
            }
            _ => Err(self.error(Kind::Type, "a mapping naming one component")),
        }
    }
}

/// `a.b` from `a` and `b` (`b` alone at the top).
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A mapping's entries, read by key.
pub(crate) struct Fields<'a> {
    pub(crate) path: String,
    pub(crate) line: usize,
    entries: &'a [(Key, Node)],
}

/// A present (not null) value and its path.
pub(crate) struct Field<'a> {
    pub(crate) node: &'a Node,
    pub(crate) path: String,
}

impl Field<'_> {
    pub(crate) fn at(&self) -> At<'_> {
        At {
            node: self.node,
            path: &self.path,
        }
    }
}

impl<'a> Fields<'a> {
    /// The value of `key`, if present and not null.
    pub(crate) fn get(&self, key: &str) -> Option<Field<'a>> {
        self.get_even_null(key).filter(|field| !field.at().is_null())
    }

    /// The value of `key`, if present, null included (`always_on:` is a null value).
    pub(crate) fn get_even_null(&self, key: &str) -> Option<Field<'a>> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, node)| Field {
                node,
                path: join(&self.path, key),
            })
    }

    pub(crate) fn string(&self, key: &str) -> Result<Option<String>> {
        self.get(key).map(|field| field.at().string()).transpose()
    }

    pub(crate) fn strings(&self, key: &str) -> Result<Option<Vec<String>>> {
        self.get(key).map(|field| field.at().strings()).transpose()
    }

    pub(crate) fn bool(&self, key: &str, default: bool) -> Result<bool> {
        Ok(self
            .get(key)
            .map(|field| field.at().bool())
            .transpose()?
            .unwrap_or(default))
    }

    pub(crate) fn opt_u64(&self, key: &str) -> Result<Option<u64>> {
        self.get(key).map(|field| field.at().u64()).transpose()
    }

    pub(crate) fn u64(&self, key: &str, default: u64) -> Result<u64> {
        Ok(self.opt_u64(key)?.unwrap_or(default))
    }

    /// A count the schema says must be positive.
    pub(crate) fn positive(&self, key: &str, default: u64) -> Result<u64> {
        match self.get(key) {
            Some(field) => match field.at().u64()? {
                0 => Err(field.at().error(Kind::Value, "a positive integer")),
                value => Ok(value),
            },
            None => Ok(default),
        }
    }

    /// Milliseconds; `zero_is_no_limit` warns once about a 0 (kept as 0).
    pub(crate) fn millis(
        &self,
        key: &str,
        default: u64,
        zero_is_no_limit: bool,
        ctx: &mut Ctx,
    ) -> Result<Duration> {
        match self.get(key) {
            Some(field) => {
                let value = field.at().u64()?;
                if value == 0 && zero_is_no_limit {
                    ctx.warn(WarningKind::ZeroMeansNoLimit, &field.path, field.node.line);
                }
                Ok(Duration::from_millis(value))
            }
            None => Ok(Duration::from_millis(default)),
        }
    }

    /// A ratio in [0, 1].
    pub(crate) fn ratio(&self, key: &str, default: f64) -> Result<f64> {
        match self.get(key) {
            Some(field) => match field.at().f64()? {
                ratio if (0.0..=1.0).contains(&ratio) => Ok(ratio),
                _ => Err(field.at().error(Kind::Value, "a ratio from 0 to 1")),
            },
            None => Ok(default),
        }
    }

    /// One of `names` (an enumeration of the schema), as its index.
    pub(crate) fn choice(&self, key: &str, names: &[&str]) -> Result<Option<usize>> {
        let Some(field) = self.get(key) else {
            return Ok(None);
        };
        let text = field.at().string()?;
        match names.iter().position(|name| *name == text) {
            Some(index) => Ok(Some(index)),
            None => Err(field
                .at()
                .error(Kind::Value, &format!("one of `{}`", names.join("`, `")))),
        }
    }

    /// The value of a key the schema requires.
    pub(crate) fn required(&self, key: &str) -> Result<Field<'a>> {
        self.get_even_null(key).ok_or_else(|| {
            ConfigFileError::new(
                Kind::Missing,
                join(&self.path, key),
                self.line,
                format!("`{key}`"),
                "nothing",
            )
        })
    }
}
