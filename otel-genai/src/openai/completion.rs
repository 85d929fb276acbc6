//! The fields a chat completion and each chunk of its stream share; `C` is the choice
//! (a whole message, or a chunk's delta).

use serde::Deserialize;

use super::usage::UsageJson;

#[derive(Deserialize)]
pub(super) struct Completion<C> {
    pub(super) id: Option<String>,
    pub(super) model: Option<String>,
    #[serde(default, deserialize_with = "crate::wire::json::lenient")]
    pub(super) service_tier: Option<String>,
    #[serde(default, deserialize_with = "crate::wire::json::lenient")]
    pub(super) system_fingerprint: Option<String>,
    #[serde(default = "Vec::new")]
    pub(super) choices: Vec<C>,
    pub(super) usage: Option<UsageJson>,
}
