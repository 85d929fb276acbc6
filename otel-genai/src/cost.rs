//! [`PriceTable`]: an optional cost estimate from user-supplied prices, recorded as
//! `otel_genai.cost.estimate` (our namespace, not a semantic convention).

use crate::Usage;

/// Prices of one model, per million tokens.
///
/// ```
/// use otel_kit_genai::Price;
///
/// let price = Price::per_million(2.5, 10.0).with_cache_read(1.25);
/// assert_eq!(price.input, 2.5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Price {
    /// Per million input tokens.
    pub input: f64,
    /// Per million output tokens.
    pub output: f64,
    /// Per million input tokens read from the cache; the input price when `None`.
    pub cache_read: Option<f64>,
}

impl Price {
    /// Input and output prices per million tokens.
    pub fn per_million(input: f64, output: f64) -> Self {
        Price {
            input,
            output,
            cache_read: None,
        }
    }

    /// The price per million cached input tokens.
    pub fn with_cache_read(mut self, price: f64) -> Self {
        self.cache_read = Some(price);
        self
    }
}

/// Model prices for the cost estimate. A model matches the entry with the longest name
/// that is a prefix of it (`gpt-4o` prices `gpt-4o-2024-08-06`). The estimate uses only
/// the token counts the provider reported, and is absent when it reported none: it is an
/// estimate from your table, not what the provider will bill.
///
/// ```
/// use otel_kit_genai::{Price, PriceTable, Usage};
///
/// let table = PriceTable::new("USD")
///     .with("gpt-4o", Price::per_million(2.5, 10.0))
///     .with("gpt-4o-mini", Price::per_million(0.15, 0.6));
/// let usage = Usage { input_tokens: Some(1_000_000), output_tokens: Some(100_000), ..Usage::default() };
/// assert_eq!(table.estimate("gpt-4o-2024-08-06", &usage), Some(3.5));
/// assert_eq!(table.estimate("gpt-4o-mini", &Usage::default()), None);
/// assert_eq!(table.estimate("claude", &usage), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PriceTable {
    currency: String,
    entries: Vec<(String, Price)>,
}

impl PriceTable {
    /// An empty table in this currency (recorded as `otel_genai.cost.currency`).
    pub fn new(currency: impl Into<String>) -> Self {
        PriceTable {
            currency: currency.into(),
            entries: Vec::new(),
        }
    }

    /// Adds (or replaces) the prices of models named `model` or starting with it.
    pub fn with(mut self, model: impl Into<String>, price: Price) -> Self {
        let model = model.into();
        self.entries.retain(|(name, _)| *name != model);
        self.entries.push((model, price));
        self
    }

    /// The currency.
    ///
    /// ```
    /// assert_eq!(otel_kit_genai::PriceTable::new("EUR").currency(), "EUR");
    /// ```
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// The estimated cost of `usage` on `model`.
    pub fn estimate(&self, model: &str, usage: &Usage) -> Option<f64> {
        let (_, price) = self
            .entries
            .iter()
            .filter(|(name, _)| model.starts_with(name.as_str()))
            .max_by_key(|(name, _)| name.len())?;
        if usage.input_tokens.is_none() && usage.output_tokens.is_none() {
            return None;
        }
        let per_token = |price: f64| price / 1_000_000.0;
        let input = usage.input_tokens.unwrap_or(0);
        let cached = usage.cache_read_input_tokens.unwrap_or(0).min(input);
        let cost = (input - cached) as f64 * per_token(price.input)
            + cached as f64 * per_token(price.cache_read.unwrap_or(price.input))
            + usage.output_tokens.unwrap_or(0) as f64 * per_token(price.output);
        Some(cost)
    }
}
