//! An error and its causes on one line, for the warnings that say why an export failed.

/// `outer: inner: innermost`, each message once (hyper's, tonic's and std's I/O errors
/// repeat their source's text in their own).
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = e.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn the_chain_names_every_cause_once() {
        let error = Layer(
            "client error (Connect)",
            Some(Box::new(Layer("invalid peer certificate: UnknownIssuer", None))),
        );
        assert_eq!(
            chain(&error),
            "client error (Connect): invalid peer certificate: UnknownIssuer"
        );
        let repeated = Layer("connect failed: refused", Some(Box::new(Layer("refused", None))));
        assert_eq!(chain(&repeated), "connect failed: refused");
    }
}
