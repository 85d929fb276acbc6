//! Where the LLM is and how to reach it: `OPENAI_BASE_URL`, `OPENAI_API_KEY` and
//! `OPENAI_MODEL` when set, else the embedded mock. The HTTP client carries otel-kit-http's
//! middleware, so each request is an HTTP CLIENT span under the GenAI span; both record
//! to the calling service's providers.

use otel_kit::genai::{GenAi, Providers};
use reqwest_middleware::{ClientWithMiddleware, RequestBuilder};

/// The model asked when `OPENAI_MODEL` is not set.
const DEFAULT_MODEL: &str = "gpt-4o-mini";

/// An OpenAI-compatible endpoint.
#[derive(Clone)]
pub(crate) struct Llm {
    client: ClientWithMiddleware,
    /// Starts the GenAI spans of the calls.
    pub(crate) genai: GenAi,
    /// The base URL, `.../v1`, without a trailing slash.
    pub(crate) base_url: String,
    api_key: Option<String>,
    /// The model to ask.
    pub(crate) model: String,
}

impl Llm {
    /// The endpoint the environment names, else the mock at `mock_base_url`, called by
    /// the service whose `providers` these are.
    pub(crate) fn from_env(mock_base_url: String, providers: Providers) -> Self {
        let env = |key: &str| std::env::var(key).ok().filter(|v| !v.trim().is_empty());
        let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
            .with(otel_kit::http::ClientMiddleware::default().providers(providers.clone()))
            .build();
        Llm {
            client,
            genai: GenAi::new().providers(providers),
            base_url: env("OPENAI_BASE_URL")
                .unwrap_or(mock_base_url)
                .trim_end_matches('/')
                .to_owned(),
            api_key: env("OPENAI_API_KEY"),
            model: env("OPENAI_MODEL").unwrap_or_else(|| DEFAULT_MODEL.to_owned()),
        }
    }

    /// `POST {base}/chat/completions` with `request` as the JSON body.
    pub(crate) fn chat_completions(&self, request: &serde_json::Value) -> RequestBuilder {
        let http = self
            .client
            .post(format!("{}/chat/completions", self.base_url))
            .json(request);
        match &self.api_key {
            Some(key) => http.bearer_auth(key),
            None => http,
        }
    }
}
