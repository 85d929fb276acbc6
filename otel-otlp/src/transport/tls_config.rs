//! The rustls client configuration of the OTLP exporters, gRPC and HTTP alike, built
//! here so that the crypto provider is the one the cargo features chose.
//!
//! The server is verified against the system's roots (read by rustls-native-certs) and
//! the configured CA, as the OTLP exporter specification asks of
//! `OTEL_EXPORTER_OTLP_CERTIFICATE`; the client identity is presented when configured.

use std::sync::Arc;

use rustls::ClientConfig;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::{BuildWarning, CertificateSetting};

/// The provider the features chose: ring when `tls-ring` is on (as tonic, which prefers
/// it too, so that both transports agree), else aws-lc-rs.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    #[cfg(feature = "tls-ring")]
    let provider = rustls::crypto::ring::default_provider();
    #[cfg(all(feature = "tls-aws-lc", not(feature = "tls-ring")))]
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    Arc::new(provider)
}

/// How a problem's `why` ends: what is used instead of a CA or a client identity that
/// cannot be used.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Instead {
    pub(crate) ca: &'static str,
    pub(crate) identity: &'static str,
}

impl Instead {
    /// At start: the system roots, and no client certificate.
    pub(crate) const AT_START: Self = Self {
        ca: "; using the system roots",
        identity: "; no client certificate is presented",
    };
    /// At a later check the previous material stays in use, which the caller says.
    pub(crate) const AT_CHECK: Self = Self { ca: "", identity: "" };
}

/// A client configuration that verifies the server with `system_roots` (the system's,
/// read by rustls-native-certs) plus `ca` (PEM, any number of certificates) and presents
/// `identity` (certificate chain and key, PEM). A PEM that cannot be used is returned as
/// a warning next to a configuration without it, so the exporter still starts (when
/// built leniently) and its failure is explained; each warning ends with what `instead`
/// says is used in its place. No root at all is not an error here:
/// every handshake then fails, and is counted, where tonic's own TLS would refuse to
/// build (`with_enabled_roots` with an empty system store).
pub(crate) fn client_config(
    system_roots: &[CertificateDer<'static>],
    ca: Option<&[u8]>,
    identity: Option<(&[u8], &[u8])>,
    instead: Instead,
) -> (Result<ClientConfig, rustls::Error>, Vec<BuildWarning>) {
    let mut problems = Vec::new();
    let extra_roots: Vec<CertificateDer<'static>> = match ca {
        Some(pem) => match CertificateDer::pem_slice_iter(pem).collect::<Result<Vec<_>, _>>() {
            Ok(certs) if !certs.is_empty() => certs,
            Ok(_) => {
                problems.push(BuildWarning {
                    setting: CertificateSetting::CaCertificate,
                    why: format!("holds no PEM certificate{}", instead.ca),
                });
                Vec::new()
            }
            Err(e) => {
                problems.push(BuildWarning {
                    setting: CertificateSetting::CaCertificate,
                    why: format!("is not a PEM certificate ({}){}", pem_problem(&e), instead.ca),
                });
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let identity = identity.and_then(|(cert, key)| {
        let chain = CertificateDer::pem_slice_iter(cert).collect::<Result<Vec<_>, _>>();
        let key = PrivateKeyDer::from_pem_slice(key);
        match (chain, key) {
            (Ok(chain), Ok(key)) if !chain.is_empty() => Some((chain, key)),
            (chain, key) => {
                let (setting, why) = match (chain, key) {
                    (Err(e), _) => (
                        CertificateSetting::ClientIdentity,
                        format!("is not a PEM certificate chain ({})", pem_problem(&e)),
                    ),
                    (Ok(_), Err(e)) => (
                        CertificateSetting::ClientKey,
                        format!("is not a PEM private key ({})", pem_problem(&e)),
                    ),
                    (Ok(_), Ok(_)) => (
                        CertificateSetting::ClientIdentity,
                        "holds no PEM certificate".to_owned(),
                    ),
                };
                problems.push(BuildWarning {
                    setting,
                    why: format!("{why}{}", instead.identity),
                });
                None
            }
        }
    });
    let mut roots = rustls::RootCertStore::empty();
    // Unreadable or unparsable system certificates are skipped, as tonic does: the
    // export then fails with the server's name in the error, and the service runs on.
    roots.add_parsable_certificates(system_roots.iter().cloned());
    roots.add_parsable_certificates(extra_roots);
    let config = match identity {
        // A key rustls cannot use, or one that does not match the certificate, is
        // refused here: the client goes on without an identity, as for an unreadable one.
        Some(identity) => build(roots.clone(), Some(identity)).or_else(|e| {
            // A pair that does not match is the certificate's and the key's problem; any
            // other refusal is the key's (rustls parses it here: RSA, ECDSA or EdDSA).
            let (setting, why) = match e {
                rustls::Error::InconsistentKeys(_) => (
                    CertificateSetting::ClientIdentity,
                    format!("cannot be used with its key ({e})"),
                ),
                _ => (CertificateSetting::ClientKey, format!("cannot be used ({e})")),
            };
            problems.push(BuildWarning {
                setting,
                why: format!("{why}{}", instead.identity),
            });
            build(roots, None)
        }),
        None => build(roots, None),
    };
    (config, problems)
}

/// What is wrong with a PEM file, in fixed words: the parser's own errors carry the
/// file's lines (a key's base64 among them), which must never reach a warning.
fn pem_problem(e: &rustls::pki_types::pem::Error) -> &'static str {
    use rustls::pki_types::pem::Error;
    match e {
        Error::MissingSectionEnd { .. } => "a PEM section has no END line",
        Error::IllegalSectionStart { .. } => "a PEM BEGIN line is malformed",
        Error::Base64Decode(_) => "a PEM section is not valid base64",
        Error::Io(_) => "it cannot be read",
        Error::NoItemsFound => "no PEM item was found",
        Error::SectionTooLarge => "a PEM section is over 10 MB",
        _ => "it cannot be parsed",
    }
}

fn build(
    roots: rustls::RootCertStore,
    identity: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
) -> Result<ClientConfig, rustls::Error> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots);
    match identity {
        Some((chain, key)) => builder.with_client_auth_cert(chain, key),
        None => Ok(builder.with_no_client_auth()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client key and its self-signed certificate.
    fn self_signed_client() -> (rcgen::KeyPair, rcgen::Certificate) {
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = rcgen::CertificateParams::new(vec!["client".to_owned()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        (key, cert)
    }

    #[test]
    fn a_key_that_does_not_match_its_certificate_leaves_the_client_without_an_identity() {
        let (_, cert) = self_signed_client();
        let other_key = rcgen::KeyPair::generate().expect("key").serialize_pem();
        let (config, problems) = client_config(
            &[],
            None,
            Some((cert.pem().as_bytes(), other_key.as_bytes())),
            Instead::AT_START,
        );
        let config = config.expect("a configuration without the identity");
        assert!(!config.client_auth_cert_resolver.has_certs());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].setting, CertificateSetting::ClientIdentity);
        assert!(
            problems[0].why.ends_with("no client certificate is presented"),
            "{}",
            problems[0].why
        );
    }

    /// A key written on one line (its newlines turned into spaces) or cut short makes
    /// the PEM parser return the file's lines in its error: none of the key may reach
    /// the warning, as text or as the decimal bytes of a `Vec<u8>`'s `Debug`.
    #[test]
    fn a_key_that_cannot_be_parsed_is_not_printed_in_the_warning() {
        let (key, cert) = self_signed_client();
        let key_pem = key.serialize_pem();
        let base64: String = key_pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let one_line = key_pem.replace('\n', " ");
        let truncated = &key_pem[..key_pem.len() - 40];
        let broken_ca = one_line.replace("PRIVATE KEY", "CERTIFICATE");
        for (what, cert_pem, key_pem, ca) in [
            ("one-line key", cert.pem(), one_line.clone(), None),
            ("truncated key", cert.pem(), truncated.to_owned(), None),
            (
                "one-line certificate",
                one_line.replace("PRIVATE KEY", "CERTIFICATE"),
                key_pem.clone(),
                None,
            ),
            (
                "one-line CA",
                cert.pem(),
                key_pem.clone(),
                Some(broken_ca.as_bytes()),
            ),
        ] {
            let (_, problems) = client_config(
                &[],
                ca,
                Some((cert_pem.as_bytes(), key_pem.as_bytes())),
                Instead::AT_START,
            );
            assert!(!problems.is_empty(), "{what}: no warning");
            for problem in &problems {
                let why = &problem.why;
                let bytes = base64.as_bytes();
                for window in bytes.windows(16) {
                    let text = std::str::from_utf8(window).expect("ascii");
                    let decimal = window.iter().map(u8::to_string).collect::<Vec<_>>().join(", ");
                    assert!(!why.contains(text), "{what}: the key's text is in: {why}");
                    assert!(!why.contains(&decimal), "{what}: the key's bytes are in: {why}");
                }
            }
        }
    }
}
