//! Certificates made by the tests: a CA, the collector's certificate for `127.0.0.1` and
//! a client certificate, all signed by it; and the PEM files the exporter reads.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};

/// One CA and what it signed, PEM (and the client certificate's DER, to recognise it).
pub(crate) struct Pki {
    pub(crate) ca_pem: String,
    pub(crate) server_chain_pem: String,
    pub(crate) server_key_pem: String,
    pub(crate) client_cert_pem: String,
    pub(crate) client_cert_der: Vec<u8>,
    pub(crate) client_key_pem: String,
}

pub(crate) fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(rcgen::DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key")).expect("ca")
}

impl Pki {
    /// A CA named `name`, with a server and a client certificate.
    pub(crate) fn new(name: &str) -> Self {
        let ca = ca(name);
        let server_key = KeyPair::generate().expect("key");
        let server = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("params")
            .signed_by(&server_key, &ca)
            .expect("server cert");
        let client_key = KeyPair::generate().expect("key");
        let mut client_params = CertificateParams::new(vec!["client".to_owned()]).expect("params");
        client_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, format!("exporter of {name}"));
        let client = client_params.signed_by(&client_key, &ca).expect("client cert");
        Pki {
            ca_pem: ca.pem(),
            server_chain_pem: format!("{}{}", server.pem(), ca.pem()),
            server_key_pem: server_key.serialize_pem(),
            client_cert_pem: client.pem(),
            client_cert_der: client.der().to_vec(),
            client_key_pem: client_key.serialize_pem(),
        }
    }
}

/// A new directory of this test's own.
pub(crate) fn dir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "otel-kit-init-pki-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// Writes `content` to `dir/name` at once (a new file renamed over the old one, as a
/// Kubernetes secret volume swaps its files), so that no reader sees half of it.
pub(crate) fn replace(dir: &Path, name: &str, content: &str) {
    let fresh = dir.join(format!(".{name}.new"));
    std::fs::write(&fresh, content).expect("write");
    std::fs::rename(&fresh, dir.join(name)).expect("rename");
}

/// The path of `dir/name` as a variable's value.
pub(crate) fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}
