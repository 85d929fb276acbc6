//! GenAI semantic-convention helpers for LLM, embedding, tool and agent calls.
//!
//! **Status: skeleton.** Nothing is implemented yet; see the crate README for what
//! this crate will hold. It exports no items, so nothing can silently do nothing.
