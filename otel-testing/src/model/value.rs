//! Typed attribute values, exactly as OTLP carries them.

use std::fmt;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};

/// An attribute value with its OTLP type kept.
///
/// Expectations are written with plain Rust values: an integer literal becomes
/// [`AttributeValue::Int`], a string literal [`AttributeValue::String`]. The two never
/// compare equal, so `200` does not match the string `"200"`.
///
/// ```
/// use otel_kit_testing::AttributeValue;
/// assert_eq!(AttributeValue::from(200), AttributeValue::Int(200));
/// assert_ne!(AttributeValue::from(200), AttributeValue::from("200"));
/// assert_eq!(AttributeValue::from(vec!["stop"]), AttributeValue::Array(vec!["stop".into()]));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum AttributeValue {
    /// A string.
    String(String),
    /// A boolean.
    Bool(bool),
    /// A 64-bit signed integer.
    Int(i64),
    /// A 64-bit float.
    Double(f64),
    /// Raw bytes.
    Bytes(Vec<u8>),
    /// An array of values.
    Array(Vec<AttributeValue>),
    /// A map of string keys to values (OTLP `kvlistValue`).
    Map(Vec<(String, AttributeValue)>),
    /// An empty value (an `AnyValue` with nothing set).
    Empty,
}

impl AttributeValue {
    /// The name of this value's OTLP type, as used in failure messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            AttributeValue::String(_) => "string",
            AttributeValue::Bool(_) => "bool",
            AttributeValue::Int(_) => "int",
            AttributeValue::Double(_) => "double",
            AttributeValue::Bytes(_) => "bytes",
            AttributeValue::Array(_) => "array",
            AttributeValue::Map(_) => "map",
            AttributeValue::Empty => "empty",
        }
    }

    /// The string, if this is a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttributeValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is an integer value.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            AttributeValue::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The float, if this is a double value.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            AttributeValue::Double(f) => Some(*f),
            _ => None,
        }
    }

    pub(crate) fn from_otlp(value: Option<&AnyValue>) -> Self {
        let Some(value) = value.and_then(|v| v.value.as_ref()) else {
            return AttributeValue::Empty;
        };
        match value {
            any_value::Value::StringValue(s) => AttributeValue::String(s.clone()),
            any_value::Value::StringValueStrindex(i) => {
                // Dictionary-encoded strings only occur in profiles; keep the index visible.
                AttributeValue::String(format!("<strindex {i}>"))
            }
            any_value::Value::BoolValue(b) => AttributeValue::Bool(*b),
            any_value::Value::IntValue(i) => AttributeValue::Int(*i),
            any_value::Value::DoubleValue(d) => AttributeValue::Double(*d),
            any_value::Value::BytesValue(b) => AttributeValue::Bytes(b.clone()),
            any_value::Value::ArrayValue(a) => AttributeValue::Array(
                a.values
                    .iter()
                    .map(|v| AttributeValue::from_otlp(Some(v)))
                    .collect(),
            ),
            any_value::Value::KvlistValue(kv) => AttributeValue::Map(attributes_from_otlp(&kv.values)),
        }
    }
}

pub(crate) fn attributes_from_otlp(attributes: &[KeyValue]) -> Vec<(String, AttributeValue)> {
    attributes
        .iter()
        .map(|kv| (kv.key.clone(), AttributeValue::from_otlp(kv.value.as_ref())))
        .collect()
}

/// Looks an attribute up by key in an attribute list.
pub(crate) fn find<'a>(attributes: &'a [(String, AttributeValue)], key: &str) -> Option<&'a AttributeValue> {
    attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

impl fmt::Display for AttributeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttributeValue::String(s) => write!(f, "String({s:?})"),
            AttributeValue::Bool(b) => write!(f, "Bool({b})"),
            AttributeValue::Int(i) => write!(f, "Int({i})"),
            AttributeValue::Double(d) => write!(f, "Double({d:?})"),
            AttributeValue::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            AttributeValue::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            AttributeValue::Map(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            AttributeValue::Empty => f.write_str("Empty"),
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for AttributeValue {
            fn from(v: $t) -> Self {
                AttributeValue::Int(i64::from(v))
            }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<f64> for AttributeValue {
    fn from(v: f64) -> Self {
        AttributeValue::Double(v)
    }
}

impl From<f32> for AttributeValue {
    fn from(v: f32) -> Self {
        AttributeValue::Double(f64::from(v))
    }
}

impl From<bool> for AttributeValue {
    fn from(v: bool) -> Self {
        AttributeValue::Bool(v)
    }
}

impl From<&str> for AttributeValue {
    fn from(v: &str) -> Self {
        AttributeValue::String(v.to_owned())
    }
}

impl From<String> for AttributeValue {
    fn from(v: String) -> Self {
        AttributeValue::String(v)
    }
}

impl From<&String> for AttributeValue {
    fn from(v: &String) -> Self {
        AttributeValue::String(v.clone())
    }
}

impl<T: Into<AttributeValue>> From<Vec<T>> for AttributeValue {
    fn from(v: Vec<T>) -> Self {
        AttributeValue::Array(v.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<AttributeValue> + Clone> From<&[T]> for AttributeValue {
    fn from(v: &[T]) -> Self {
        AttributeValue::Array(v.iter().cloned().map(Into::into).collect())
    }
}

impl<T: Into<AttributeValue>, const N: usize> From<[T; N]> for AttributeValue {
    fn from(v: [T; N]) -> Self {
        AttributeValue::Array(v.into_iter().map(Into::into).collect())
    }
}

impl From<opentelemetry::Value> for AttributeValue {
    fn from(v: opentelemetry::Value) -> Self {
        use opentelemetry::{Array, Value};
        match v {
            Value::Bool(b) => AttributeValue::Bool(b),
            Value::I64(i) => AttributeValue::Int(i),
            Value::F64(f) => AttributeValue::Double(f),
            Value::String(s) => AttributeValue::String(s.to_string()),
            Value::Array(Array::Bool(a)) => a.into(),
            Value::Array(Array::I64(a)) => a.into(),
            Value::Array(Array::F64(a)) => a.into(),
            Value::Array(Array::String(a)) => a.into_iter().map(|s| s.to_string()).collect::<Vec<_>>().into(),
            // `Value` is non-exhaustive; show what it is rather than guess a type.
            other => AttributeValue::String(format!("<unsupported value {other:?}>")),
        }
    }
}
