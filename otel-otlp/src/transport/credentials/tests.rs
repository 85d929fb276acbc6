//! The credential files' reads and checks: rotation, bad changes, skipped ticks.

use super::*;
use crate::transport::captured_warnings::CapturedWarnings;

fn identity(name: &str) -> (String, String) {
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = rcgen::CertificateParams::new(vec![name.to_owned()])
        .expect("params")
        .self_signed(&key)
        .expect("cert");
    (cert.pem(), key.serialize_pem())
}

fn dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("otel-kit-otlp-credentials-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

#[test]
fn a_pem_file_is_named_when_it_cannot_be_read() {
    let e = read(&Pem::File("/nonexistent/ca.pem".into())).expect_err("missing");
    assert!(
        e.starts_with("file \"/nonexistent/ca.pem\" cannot be read"),
        "{e}"
    );
}

/// A client certificate and key in `test`'s directory, loaded without a problem: their
/// paths, the material and the configuration in use.
fn client_identity_in_use(test: &str) -> (PathBuf, PathBuf, Arc<TlsMaterial>, Arc<rustls::ClientConfig>) {
    let dir = dir(test);
    let (cert, key) = (dir.join("tls.crt"), dir.join("tls.key"));
    let (old_cert, old_key) = identity("old");
    std::fs::write(&cert, &old_cert).expect("write");
    std::fs::write(&key, &old_key).expect("write");
    let (material, problems) = TlsMaterial::load(
        None,
        Some((Pem::File(cert.clone()), Pem::File(key.clone()))),
        b"h2",
    )
    .expect("material");
    assert!(problems.is_empty(), "{problems:?}");
    let (first, _) = material.current();
    (cert, key, material, first)
}

/// A certificate written before its key (a rotation half done) is not used: the
/// pair in use stays until both files hold a pair that matches.
#[test]
fn a_half_rotated_pair_keeps_the_previous_one_until_it_matches() {
    let (cert, key, material, first) = client_identity_in_use("half-rotated");
    let (new_cert, new_key) = identity("new");
    assert!(first.client_auth_cert_resolver.has_certs());

    std::fs::write(&cert, &new_cert).expect("write");
    material.check();
    assert_eq!(*material.generation.borrow(), 0, "a mismatched pair was used");
    assert!(Arc::ptr_eq(&material.current().0, &first));

    std::fs::write(&key, &new_key).expect("write");
    material.check();
    assert_eq!(*material.generation.borrow(), 1);
    let (second, _) = material.current();
    assert!(!Arc::ptr_eq(&second, &first));
    assert!(second.client_auth_cert_resolver.has_certs());
    assert_eq!(second.alpn_protocols, vec![b"h2".to_vec()]);

    // Unchanged files: nothing is rebuilt.
    material.check();
    assert_eq!(*material.generation.borrow(), 1);
}

/// At start, a CA that cannot be read is left out (the system roots are used); at
/// a later check the previous material stays in use, and the problem says only
/// what is wrong, so that the warning does not claim both.
#[test]
fn a_problem_says_what_is_used_instead_only_at_start() {
    let inputs = TlsInputs {
        ca: Some(Pem::File("/nonexistent/ca.pem".into())),
        identity: Some((
            Pem::File("/nonexistent/tls.crt".into()),
            Pem::File("/nonexistent/tls.key".into()),
        )),
        alpn: Vec::new(),
        system_roots: Vec::new(),
    };
    let read = inputs.read_with(read);
    let whys = |moment| -> Vec<String> { inputs.build(&read, moment).1.into_iter().map(|p| p.why).collect() };
    let at_start = whys(Moment::Start);
    assert!(
        at_start
            .iter()
            .any(|w| w.ends_with("using the system roots until it can be read"))
    );
    assert!(
        at_start
            .iter()
            .any(|w| w.ends_with("no client certificate is presented until it can be read"))
    );
    let at_check = whys(Moment::Check);
    assert_eq!(at_check.len(), at_start.len());
    assert!(
        at_check.iter().all(|w| !w.contains("until it can be read")),
        "{at_check:?}"
    );
}

/// A connection made before new material is in use is told to close; one made
/// after is not.
#[tokio::test]
async fn connections_made_with_replaced_material_are_retired() {
    let dir = dir("retired");
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, identity("one").0).expect("write");
    let (material, _) = TlsMaterial::load(Some(Pem::File(ca.clone())), None, b"h2").expect("material");
    let (_, mut before) = material.current();
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    assert!(before.poll(&mut cx).is_pending());
    std::fs::write(&ca, identity("two").0).expect("write");
    material.check();
    assert!(before.poll(&mut cx).is_ready());
    let (_, mut after) = material.current();
    assert!(after.poll(&mut cx).is_pending());
}

/// An `authorization` header file in `test`'s directory holding `Bearer one`, loaded
/// without a problem: its path, the files, and what they send.
fn header_file_in_use(
    test: &str,
) -> (
    PathBuf,
    Arc<HeaderFiles>,
    impl Fn(&HeaderFiles) -> Option<http::HeaderValue>,
) {
    let token = dir(test).join("token");
    std::fs::write(&token, "Bearer one\n").expect("write");
    let name = http::HeaderName::from_static("authorization");
    let (files, problems) = HeaderFiles::load(vec![(name.clone(), token.clone())]);
    assert!(problems.is_empty(), "{problems:?}");
    let sent = move |files: &HeaderFiles| {
        let mut headers = http::HeaderMap::new();
        files.apply(&mut headers);
        headers.get(&name).cloned()
    };
    (token, files, sent)
}

#[test]
fn a_header_file_that_becomes_empty_keeps_its_last_value() {
    let (token, files, value) = header_file_in_use("header");
    let first = value(&files).expect("value");
    assert_eq!(first, "Bearer one");
    assert!(first.is_sensitive());
    std::fs::write(&token, "").expect("write");
    std::thread::sleep(SETTLED);
    files.check();
    assert_eq!(value(&files).expect("value"), "Bearer one");
    std::fs::write(&token, "Bearer two").expect("write");
    std::thread::sleep(SETTLED);
    files.check();
    assert_eq!(value(&files).expect("value"), "Bearer two");
    assert_eq!(format!("{files:?}"), "[\"authorization\"]");
}

#[test]
fn a_header_file_being_rewritten_in_place_is_used_once_it_stands_still() {
    use std::io::Write as _;

    let dir = dir("half-written");
    let token = dir.join("token");
    std::fs::write(&token, "Bearer old-token").expect("write");
    std::thread::sleep(SETTLED);
    let name = http::HeaderName::from_static("authorization");
    let (files, _) = HeaderFiles::load(vec![(name.clone(), token.clone())]);
    let value = |files: &HeaderFiles| {
        let mut headers = http::HeaderMap::new();
        files.apply(&mut headers);
        headers.get(&name).cloned()
    };
    // A writer half-way through rewriting the file in place.
    let mut writer = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&token)
        .expect("open");
    writer.write_all(b"Bearer new-").expect("write");
    writer.flush().expect("flush");
    files.check();
    assert_eq!(
        value(&files).expect("value"),
        "Bearer old-token",
        "never half a token"
    );
    writer.write_all(b"token").expect("write");
    drop(writer);
    std::thread::sleep(SETTLED + Duration::from_millis(50));
    files.check();
    assert_eq!(value(&files).expect("value"), "Bearer new-token");
}

/// A check that blocks until it is released (a file on a hung mount), counting how
/// many checks began and how many ran at once.
#[derive(Default)]
struct StuckCheck {
    began: std::sync::atomic::AtomicUsize,
    running: std::sync::atomic::AtomicUsize,
    most_at_once: std::sync::atomic::AtomicUsize,
    released: Mutex<bool>,
    release: std::sync::Condvar,
}

impl StuckCheck {
    fn check(&self) {
        use std::sync::atomic::Ordering::SeqCst;
        self.began.fetch_add(1, SeqCst);
        let now = self.running.fetch_add(1, SeqCst) + 1;
        self.most_at_once.fetch_max(now, SeqCst);
        let released = self.released.lock().unwrap_or_else(PoisonError::into_inner);
        let released = self
            .release
            .wait_while(released, |released| !*released)
            .unwrap_or_else(PoisonError::into_inner);
        drop(released);
        self.running.fetch_sub(1, SeqCst);
    }

    fn release(&self) {
        *self.released.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.release.notify_all();
    }
}

/// A check that does not end (a hung file) holds one blocking thread: the ticks
/// while it runs start no other check, the export runtime goes on meanwhile, and
/// the checks resume once it ends.
#[test]
fn a_tick_is_skipped_while_the_previous_check_runs() {
    use crate::transport::export_runtime::ExportRuntime;
    use std::sync::atomic::Ordering::SeqCst;

    /// Releases the check however the test ends.
    struct Release(Arc<StuckCheck>);
    impl Drop for Release {
        fn drop(&mut self) {
            self.0.release();
        }
    }

    let runtime = ExportRuntime::start().expect("runtime");
    let stuck = Arc::new(StuckCheck::default());
    let _release = Release(Arc::clone(&stuck));
    let every = Duration::from_millis(20);
    watch(&stuck, runtime.handle(), every, StuckCheck::check);

    // Fifty intervals while the first check hangs.
    std::thread::sleep(every * 50);
    assert_eq!(
        stuck.began.load(SeqCst),
        1,
        "a check began while the previous one was still running"
    );
    let (done, exported) = std::sync::mpsc::channel();
    runtime.handle().spawn(async move {
        let _ = done.send(());
    });
    exported
        .recv_timeout(Duration::from_secs(2))
        .expect("the export runtime runs while a check hangs");

    stuck.release();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while stuck.began.load(SeqCst) < 3 && std::time::Instant::now() < deadline {
        std::thread::sleep(every);
    }
    assert!(
        stuck.began.load(SeqCst) >= 3,
        "the checks go on once the hung one ends"
    );
    assert_eq!(stuck.most_at_once.load(SeqCst), 1);
}

/// The `otel_kit_otlp` warnings of this thread while `check` runs `times` times.
fn warnings_of(times: usize, check: impl Fn()) -> Vec<String> {
    let (warnings, _guard) = CapturedWarnings::capture();
    for _ in 0..times {
        check();
    }
    warnings.messages()
}

/// A change that cannot be used is one warning, however many checks see it, and a
/// different one is one warning more; the material in use stays meanwhile.
#[test]
fn tls_material_that_cannot_be_used_is_one_warning_per_change() {
    let (cert, key, material, first) = client_identity_in_use("one-warning-per-change");

    // A certificate written before its key.
    std::fs::write(&cert, identity("new").0).expect("write");
    let warnings = warnings_of(10, || material.check());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(
            "the OTLP exporter's TLS files changed, and the client certificate cannot be used with its key"
        ),
        "{warnings:?}"
    );
    // The previous certificate is still presented: the warning must not say none is.
    assert!(
        !warnings[0].contains("no client certificate is presented"),
        "{warnings:?}"
    );
    assert!(
        warnings[0].contains("the previous TLS material stays in use"),
        "{warnings:?}"
    );

    // Then the key is gone (unreadable): another change, one warning more.
    std::fs::remove_file(&key).expect("remove");
    let warnings = warnings_of(10, || material.check());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("and the client key file ") && warnings[0].contains(" cannot be read"),
        "{warnings:?}"
    );

    // Then a key that is not PEM: one more.
    std::fs::write(&key, "not a key").expect("write");
    let warnings = warnings_of(10, || material.check());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("and the client key is not a PEM private key"),
        "{warnings:?}"
    );
    assert!(
        !warnings[0].contains("no client certificate is presented"),
        "{warnings:?}"
    );

    assert_eq!(*material.generation.borrow(), 0, "unusable material was used");
    assert!(Arc::ptr_eq(&material.current().0, &first));

    // A CA that is no longer PEM: one warning, which does not claim the system
    // roots are used instead (the previous CA is).
    let ca = cert.with_file_name("ca.pem");
    std::fs::write(&ca, identity("ca").0).expect("write");
    let (material, problems) = TlsMaterial::load(Some(Pem::File(ca.clone())), None, b"h2").expect("material");
    assert!(problems.is_empty(), "{problems:?}");
    std::fs::write(&ca, "not a certificate").expect("write");
    let warnings = warnings_of(10, || material.check());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("and the CA certificate holds no PEM certificate; the previous TLS material"),
        "{warnings:?}"
    );
    assert_eq!(*material.generation.borrow(), 0, "unusable material was used");
}

/// A file that cannot be read at start is warned about then (`load`'s problems),
/// not again at each check while it stays so.
#[test]
fn a_file_unreadable_at_start_is_not_warned_about_again_at_each_check() {
    let ca = dir("unreadable-at-start").join("missing-ca.pem");
    let _ = std::fs::remove_file(&ca);
    let (material, problems) = TlsMaterial::load(Some(Pem::File(ca)), None, b"h2").expect("material");
    assert_eq!(problems.len(), 1, "{problems:?}");
    let warnings = warnings_of(10, || material.check());
    assert!(warnings.is_empty(), "{warnings:?}");

    let token = dir("unreadable-at-start").join("missing-token");
    let name = http::HeaderName::from_static("authorization");
    let (files, problems) = HeaderFiles::load(vec![(name, token)]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    // At start nothing was sent before: the warning says the header is not sent.
    assert!(
        problems[0].ends_with("; the header is not sent until it can be"),
        "{problems:?}"
    );
    let warnings = warnings_of(10, || files.check());
    assert!(warnings.is_empty(), "{warnings:?}");
}

/// A header file that cannot be used is one warning per change, however many
/// checks see it; its last value stays in use.
#[test]
fn a_header_file_that_cannot_be_used_is_one_warning_per_change() {
    let (token, files, value) = header_file_in_use("header-one-warning");
    let standing_still = SETTLED + Duration::from_millis(50);

    std::fs::write(&token, "").expect("write");
    std::thread::sleep(standing_still);
    let warnings = warnings_of(10, || files.check());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("is empty"), "{warnings:?}");
    // The last value is still sent: the warning must not say the header is not.
    assert!(!warnings[0].contains("is not sent"), "{warnings:?}");

    std::fs::write(&token, b"Bearer t\x01ken").expect("write");
    std::thread::sleep(standing_still);
    let warnings = warnings_of(10, || files.check());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("holds a character a header cannot carry"),
        "{warnings:?}"
    );

    std::fs::remove_file(&token).expect("remove");
    let warnings = warnings_of(10, || files.check());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("cannot be read"), "{warnings:?}");

    assert_eq!(value(&files).expect("value"), "Bearer one");
}
