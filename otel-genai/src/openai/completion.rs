//! The fields a chat completion and each chunk of its stream share; `C` is the choice
//! (a whole message, or a chunk's delta).

use serde::{Deserialize, Deserializer};

use super::usage::UsageJson;

#[derive(Deserialize)]
pub(super) struct Completion<C> {
    pub(super) id: Option<String>,
    pub(super) model: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub(super) service_tier: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub(super) system_fingerprint: Option<String>,
    #[serde(default = "Vec::new")]
    pub(super) choices: Vec<C>,
    pub(super) usage: Option<UsageJson>,
}

/// A metadata string read leniently: any other JSON value reads as absent, so an odd
/// field never loses the whole body.
fn lenient_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::String(text) => Some(text),
        _ => None,
    })
}
