//! The services of the shop, one file each, plus the mock LLM they call.

pub(crate) mod business_metrics;
pub(crate) mod fraud_check;
pub(crate) mod frontend;
pub(crate) mod inventory;
pub(crate) mod inventory_cache;
pub(crate) mod llm;
pub(crate) mod llm_mock;
pub(crate) mod notifications;
pub(crate) mod orders;
pub(crate) mod payments;
