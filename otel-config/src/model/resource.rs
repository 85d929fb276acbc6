//! `resource`: attributes (typed), `attributes_list`, `schema_url`, and the
//! `detection/development` section.

use super::common::IncludeExclude;
use crate::error::ConfigFileErrorKind as Kind;
use crate::node::{Node, Value};
use crate::reader::{At, Ctx, Result};
use crate::scalar::Scalar;

/// The schema's `Resource`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resource {
    /// `attributes`, in file order (a null value, from an unset variable, is skipped).
    pub attributes: Vec<AttributeNameValue>,
    /// `attributes_list`: `key=value,...` as `OTEL_RESOURCE_ATTRIBUTES` writes them;
    /// `attributes` win over it.
    pub attributes_list: Option<String>,
    /// `schema_url`.
    pub schema_url: Option<String>,
    /// `detection/development`; `None` turns detection off (the schema's default).
    pub detection: Option<ResourceDetection>,
}

/// One resource attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeNameValue {
    /// The attribute key.
    pub name: String,
    /// The value, of the `type` the file names; without `type`, of the YAML value's own
    /// type (as the Java and Python SDKs read it).
    pub value: AttributeValue,
}

/// A typed attribute value (`AttributeType`).
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeValue {
    /// `string`
    String(String),
    /// `bool`
    Bool(bool),
    /// `int`
    Int(i64),
    /// `double`
    Double(f64),
    /// `string_array`
    StringArray(Vec<String>),
    /// `bool_array`
    BoolArray(Vec<bool>),
    /// `int_array`
    IntArray(Vec<i64>),
    /// `double_array`
    DoubleArray(Vec<f64>),
}

impl AttributeValue {
    /// The schema's `type` name of this value.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::String(_) => "string",
            Self::Bool(_) => "bool",
            Self::Int(_) => "int",
            Self::Double(_) => "double",
            Self::StringArray(_) => "string_array",
            Self::BoolArray(_) => "bool_array",
            Self::IntArray(_) => "int_array",
            Self::DoubleArray(_) => "double_array",
        }
    }
}

/// `detection/development`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceDetection {
    /// Which detected attributes to keep.
    pub attributes: IncludeExclude,
    /// The detectors to run, in order.
    pub detectors: Vec<ResourceDetector>,
}

/// One entry of `detection/development.detectors`.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceDetector {
    /// `container`
    Container,
    /// `host`
    Host,
    /// `process`
    Process,
    /// `service`
    Service,
    /// A detector the kit does not implement (one warning names it).
    Unsupported {
        /// Its key.
        name: String,
    },
}

const TYPES: &[&str] = &[
    "string",
    "bool",
    "int",
    "double",
    "string_array",
    "bool_array",
    "int_array",
    "double_array",
];

impl Resource {
    pub(crate) fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let fields = at.fields(
            &[
                "attributes",
                "attributes_list",
                "schema_url",
                "detection/development",
            ],
            ctx,
        )?;
        let mut attributes = Vec::new();
        if let Some(list) = fields.get("attributes") {
            for (path, node) in list.at().items()? {
                let item = At { node, path: &path }.fields(&["name", "value", "type"], ctx)?;
                let name = item.required("name")?.at().string()?;
                let kind = item.choice("type", TYPES)?.map(|index| TYPES[index]);
                let Some(value) = item.get("value") else { continue };
                attributes.push(AttributeNameValue {
                    name,
                    value: typed(value.at(), kind)?,
                });
            }
        }
        let detection = match fields.get_even_null("detection/development") {
            Some(field) => Some(ResourceDetection::read(field.at(), ctx)?),
            None => None,
        };
        Ok(Self {
            attributes,
            attributes_list: fields.string("attributes_list")?,
            schema_url: fields.string("schema_url")?,
            detection,
        })
    }
}

impl ResourceDetection {
    fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let fields = at.fields(&["attributes", "detectors"], ctx)?;
        let attributes = match fields.get("attributes") {
            Some(field) => IncludeExclude::read(field.at(), ctx)?,
            None => IncludeExclude::default(),
        };
        let mut detectors = Vec::new();
        if let Some(list) = fields.get("detectors") {
            for (path, node) in list.at().items()? {
                let (key, _) = At { node, path: &path }.component()?;
                detectors.push(match key.name.as_str() {
                    "container" => ResourceDetector::Container,
                    "host" => ResourceDetector::Host,
                    "process" => ResourceDetector::Process,
                    "service" => ResourceDetector::Service,
                    other => {
                        ctx.unsupported(other, &crate::reader::join(&path, other), key.line);
                        ResourceDetector::Unsupported {
                            name: other.to_owned(),
                        }
                    }
                });
            }
        }
        Ok(Self {
            attributes,
            detectors,
        })
    }
}

/// The value as `type` says, or as its own YAML type when `type` is omitted.
fn typed(at: At<'_>, kind: Option<&str>) -> Result<AttributeValue> {
    let scalar = |node: &Node| match &node.value {
        Value::Scalar(scalar) => Some(scalar.clone()),
        _ => None,
    };
    let kind = match kind {
        Some(kind) => kind,
        None => match &at.node.value {
            Value::Scalar(Scalar::Bool(_)) => "bool",
            Value::Scalar(Scalar::Int(_)) => "int",
            Value::Scalar(Scalar::Float(_)) => "double",
            Value::Seq(items) => match items.first().and_then(scalar) {
                Some(Scalar::Bool(_)) => "bool_array",
                Some(Scalar::Int(_)) => "int_array",
                Some(Scalar::Float(_)) => "double_array",
                _ => "string_array",
            },
            _ => "string",
        },
    };
    let each = |expected: &str| -> Result<Vec<(String, &Node)>> {
        at.items().map_err(|_| at.error(Kind::Type, expected))
    };
    Ok(match kind {
        "string" => AttributeValue::String(match &at.node.value {
            Value::Scalar(Scalar::Str(text)) => text.clone(),
            Value::Scalar(Scalar::Int(value)) => value.to_string(),
            Value::Scalar(Scalar::Float(value)) => value.to_string(),
            Value::Scalar(Scalar::Bool(value)) => value.to_string(),
            _ => return Err(at.error(Kind::Type, "a string")),
        }),
        "bool" => AttributeValue::Bool(at.bool()?),
        "int" => AttributeValue::Int(at.i64()?),
        "double" => AttributeValue::Double(at.f64()?),
        "string_array" => AttributeValue::StringArray(
            each("a sequence of strings")?
                .iter()
                .map(|(path, node)| At { node, path }.string())
                .collect::<Result<_>>()?,
        ),
        "bool_array" => AttributeValue::BoolArray(
            each("a sequence of booleans")?
                .iter()
                .map(|(path, node)| At { node, path }.bool())
                .collect::<Result<_>>()?,
        ),
        "int_array" => AttributeValue::IntArray(
            each("a sequence of integers")?
                .iter()
                .map(|(path, node)| At { node, path }.i64())
                .collect::<Result<_>>()?,
        ),
        _ => AttributeValue::DoubleArray(
            each("a sequence of numbers")?
                .iter()
                .map(|(path, node)| At { node, path }.f64())
                .collect::<Result<_>>()?,
        ),
    })
}
