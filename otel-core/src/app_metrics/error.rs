//! [`AppMetricError`]: a metric the builder refused.

/// A metric the builder refused, and what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppMetricError {
    /// The name does not follow the naming guidance.
    Name {
        /// The name given.
        name: String,
        /// What is wrong, and what to write instead.
        problem: String,
    },
    /// The unit is not UCUM.
    Unit {
        /// The metric.
        name: String,
        /// The unit given.
        unit: String,
        /// What is wrong, and what to write instead.
        problem: String,
    },
    /// A declared attribute key is not a valid attribute name.
    AttributeKey {
        /// The metric.
        name: String,
        /// The key given.
        key: String,
    },
    /// The name was declared before as another instrument, unit or key set.
    Redeclared {
        /// The metric.
        name: String,
        /// The first declaration.
        first: String,
    },
}

impl std::fmt::Display for AppMetricError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppMetricError::Name { name, problem } => write!(f, "metric name {name:?}: {problem}"),
            AppMetricError::Unit { name, unit, problem } => {
                write!(f, "metric {name:?}, unit {unit:?}: {problem}")
            }
            AppMetricError::AttributeKey { name, key } => write!(
                f,
                "metric {name:?}, attribute key {key:?}: use lowercase letters, digits, `_` \
                 and `.` (e.g. `shop.payment.method`)"
            ),
            AppMetricError::Redeclared { name, first } => write!(
                f,
                "metric {name:?} is already declared as {first}: build it once and share \
                 it (instruments are cheap to clone), or give this one another name"
            ),
        }
    }
}

impl std::error::Error for AppMetricError {}
