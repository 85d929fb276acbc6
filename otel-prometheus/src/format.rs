//! The two exposition formats a scrape can ask for, chosen from its `Accept` header.

/// The format of a `/metrics` response.
///
/// ```
/// use otel_kit_prometheus::ExpositionFormat;
///
/// let prometheus = "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3";
/// assert_eq!(ExpositionFormat::from_accept(Some(prometheus)), ExpositionFormat::OpenMetrics);
/// assert_eq!(ExpositionFormat::from_accept(None), ExpositionFormat::Text);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpositionFormat {
    /// The Prometheus text format 0.0.4: no exemplars, no units.
    Text,
    /// OpenMetrics 1.0: `# UNIT`, exemplars, `# EOF`.
    OpenMetrics,
}

impl ExpositionFormat {
    /// The response's `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            ExpositionFormat::Text => "text/plain; version=0.0.4; charset=utf-8",
            ExpositionFormat::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }

    /// OpenMetrics when the `Accept` header prefers `application/openmetrics-text`
    /// (version 1.0.0, or none named) to every other type it accepts, by quality;
    /// otherwise (no header, `*/*`, `text/plain`, anything unreadable) the text format.
    pub fn from_accept(accept: Option<&str>) -> Self {
        let Some(accept) = accept else {
            return ExpositionFormat::Text;
        };
        let mut open_metrics = 0.0_f32;
        let mut other = 0.0_f32;
        for range in accept.split(',') {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default();
            let mut quality = 1.0_f32;
            let mut version_ok = true;
            for param in parts {
                let Some((key, value)) = param.split_once('=') else {
                    continue;
                };
                let value = value.trim().trim_matches('"');
                match key.trim().to_ascii_lowercase().as_str() {
                    "q" => quality = value.parse().unwrap_or(0.0),
                    "version" => version_ok = value == "1.0.0",
                    _ => {}
                }
            }
            if media.eq_ignore_ascii_case("application/openmetrics-text") {
                if version_ok {
                    open_metrics = open_metrics.max(quality);
                }
            } else {
                other = other.max(quality);
            }
        }
        if open_metrics > 0.0 && open_metrics >= other {
            ExpositionFormat::OpenMetrics
        } else {
            ExpositionFormat::Text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExpositionFormat::{OpenMetrics, Text};
    use super::*;

    #[test]
    fn negotiation() {
        // What Prometheus 2.x sends by default.
        let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert_eq!(ExpositionFormat::from_accept(Some(prometheus)), OpenMetrics);
        assert_eq!(
            ExpositionFormat::from_accept(Some("application/openmetrics-text")),
            OpenMetrics
        );
        assert_eq!(ExpositionFormat::from_accept(Some("text/plain")), Text);
        assert_eq!(ExpositionFormat::from_accept(Some("*/*")), Text);
        assert_eq!(
            ExpositionFormat::from_accept(Some("text/plain;q=0.9,application/openmetrics-text;q=0.2")),
            Text
        );
        assert_eq!(
            ExpositionFormat::from_accept(Some("application/openmetrics-text;version=0.0.1")),
            Text
        );
        assert_eq!(
            ExpositionFormat::from_accept(Some("application/openmetrics-text;q=0")),
            Text
        );
        assert_eq!(ExpositionFormat::from_accept(Some(";;,=;q=x")), Text);
    }
}
