//! The fraud check in `payments`: one LLM call through otel-kit-genai.
//!
//! Instrumentation: `genai.start(openai::chat(..))` opens the GenAI CLIENT span (`chat
//! gpt-4o-mini`) with payments' providers; `call.in_call(..)` makes it current, so otel-kit-http's client span for the
//! HTTP request nests under it; `record_response` or `record_error` ends it with the
//! token usage or the error. Prompts and completions are not captured (the default).

use otel_kit::genai::openai::{self, ApiError};
use serde_json::{Value, json};

use super::llm::Llm;

/// Asks the LLM about charges.
#[derive(Clone)]
pub(crate) struct FraudCheck {
    llm: Llm,
}

/// What the model said about a charge.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Allow,
    Review,
}

impl FraudCheck {
    pub(crate) fn new(llm: Llm) -> Self {
        FraudCheck { llm }
    }

    /// Asks the model whether to accept a charge; `Err` when it could not answer.
    pub(crate) async fn check(&self, amount_cents: i64, email: &str) -> Result<Verdict, String> {
        let request = json!({
            "model": self.llm.model,
            "temperature": 0,
            "max_tokens": 32,
            "messages": [
                {"role": "system", "content": "You score card payments for fraud. Reply with JSON: \
                    {\"verdict\": \"allow\" | \"review\", \"score\": 0..1}."},
                {"role": "user", "content": format!("amount: {amount_cents} cents; customer: {email}")},
            ],
        });
        let call = self
            .llm
            .genai
            .start(openai::chat("openai", &request).server_url(&self.llm.base_url));
        let sent = call
            .in_call(async {
                let response = self.llm.chat_completions(&request).send().await?;
                let status = response.status().as_u16();
                Ok::<_, reqwest_middleware::Error>((status, response.bytes().await?))
            })
            .await;
        let (status, body) = match sent {
            Ok(sent) => sent,
            Err(error) => {
                let message = error.to_string();
                call.record_error(&error);
                return Err(message);
            }
        };
        if status >= 400 {
            let error = ApiError::from_response(status, &body);
            let message = error.to_string();
            call.record_error(&error);
            return Err(message);
        }
        call.record_response(&openai::chat_response(&body).unwrap_or_default());
        let reply: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let content = reply["choices"][0]["message"]["content"]
            .as_str()
            .unwrap_or_default();
        let verdict: Value = serde_json::from_str(content).unwrap_or(Value::Null);
        Ok(if verdict["verdict"] == "review" {
            Verdict::Review
        } else {
            Verdict::Allow
        })
    }
}
