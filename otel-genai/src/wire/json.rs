//! Fields read leniently: any other JSON value reads as absent, so one odd field never
//! loses the whole object (an event type added later, a metadata string that became an
//! object).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// `#[serde(default, deserialize_with = "lenient")]` on an `Option<T>` field: `T` when
/// the value is one, `None` otherwise.
pub(crate) fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(T::deserialize(value).ok())
}
