//! Small shapes several schema areas share: include/exclude lists, attribute limits,
//! name/value pairs.

use crate::reader::{At, Ctx, Fields, Result};

/// `included` / `excluded` name patterns (`*` and `?` wildcards), as the schema's
/// `IncludeExclude`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IncludeExclude {
    /// Patterns to keep; `None` (omitted) keeps everything.
    pub included: Option<Vec<String>>,
    /// Patterns to drop from what `included` keeps.
    pub excluded: Vec<String>,
}

impl IncludeExclude {
    pub(crate) fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let fields = at.fields(&["included", "excluded"], ctx)?;
        Ok(Self {
            included: fields.strings("included")?,
            excluded: fields.strings("excluded")?.unwrap_or_default(),
        })
    }
}

/// The schema's `AttributeLimits` (top-level `attribute_limits`) and `LogRecordLimits`.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeLimits {
    /// Longest attribute value; `None` is no limit (the default).
    pub attribute_value_length_limit: Option<u64>,
    /// Most attributes; 128 by default.
    pub attribute_count_limit: u64,
}

/// `logger_provider.limits`: the same two limits as `attribute_limits`.
pub type LogRecordLimits = AttributeLimits;

impl Default for AttributeLimits {
    fn default() -> Self {
        Self {
            attribute_value_length_limit: None,
            attribute_count_limit: DEFAULT_COUNT_LIMIT,
        }
    }
}

/// The schema's default for every count limit.
pub const DEFAULT_COUNT_LIMIT: u64 = 128;

impl AttributeLimits {
    pub(crate) fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let fields = at.fields(&["attribute_value_length_limit", "attribute_count_limit"], ctx)?;
        Ok(Self {
            attribute_value_length_limit: fields.opt_u64("attribute_value_length_limit")?,
            attribute_count_limit: fields.u64("attribute_count_limit", DEFAULT_COUNT_LIMIT)?,
        })
    }
}

/// A header: `name` and `value` (`NameStringValuePair`); a null value is kept as `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct NameStringValuePair {
    /// The header name.
    pub name: String,
    /// The header value; `None` when the file leaves it null (an unset variable).
    pub value: Option<String>,
}

impl NameStringValuePair {
    pub(crate) fn read_list(fields: &Fields<'_>, key: &str, ctx: &mut Ctx) -> Result<Vec<Self>> {
        let Some(field) = fields.get(key) else {
            return Ok(Vec::new());
        };
        let mut pairs = Vec::new();
        for (path, node) in field.at().items()? {
            let item = At { node, path: &path }.fields(&["name", "value"], ctx)?;
            let name = item.required("name")?.at().string()?;
            pairs.push(Self {
                name,
                value: item.string("value")?,
            });
        }
        Ok(pairs)
    }
}
