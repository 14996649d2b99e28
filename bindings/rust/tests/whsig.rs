//! The crate against the installed libwhsig: key formats, verify and sign, errors, keyrings, whole
//! deliveries, threads, and the real delivery from the shared vectors (`$WHSIG_VECTORS` or
//! `../shared/vectors` beside the package root; skipped with a note when absent, a failure under CI=true).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;

use whsig::{verify_webhook, Algorithm, Backend, CanonicalMode, Keyring, Policy, PrivateKey, PublicKey};

fn package_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the package root")
}

fn key_file(name: &str) -> Vec<u8> {
    let path = package_root().join("Tests/Vectors/keys").join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn key_text(name: &str) -> String {
    String::from_utf8(key_file(name)).expect("UTF-8 key file")
}

/// The string value of `"name": "..."` in a small JSON file of ours (simple escapes only; the
/// crate has no JSON dependency).
fn json_string(json: &str, name: &str) -> String {
    let marker = format!("\"{name}\"");
    let start = json.find(&marker).unwrap_or_else(|| panic!("no {name} in the JSON"));
    let rest = &json[start + marker.len()..];
    let open = rest.find('"').expect("a string value") + 1;
    let mut value = String::new();
    let mut characters = rest[open..].chars();
    while let Some(c) = characters.next() {
        match c {
            '"' => return value,
            '\\' => match characters.next() {
                Some('"') => value.push('"'),
                Some('\\') => value.push('\\'),
                Some('/') => value.push('/'),
                Some('n') => value.push('\n'),
                other => panic!("{name}: escape {other:?} is not handled by this reader"),
            },
            c => value.push(c),
        }
    }
    panic!("{name}: the string does not end")
}

struct Fixture {
    body: Vec<u8>,
    sha512: String,
    md5: String,
    fingerprint: String,
}

fn fixture() -> Fixture {
    let json = key_text("rsa2048-expected.json");
    Fixture {
        body: json_string(&json, "body").into_bytes(),
        sha512: json_string(&json, "sha512Signature"),
        md5: json_string(&json, "md5Signature"),
        fingerprint: json_string(&json, "fingerprint"),
    }
}

fn vectors_directory() -> Option<PathBuf> {
    let directory = match std::env::var_os("WHSIG_VECTORS") {
        Some(path) => PathBuf::from(path),
        None => package_root().join("../shared/vectors"),
    };
    if directory.join("fluent/real-webhook.json").is_file() {
        return Some(directory);
    }
    let message = format!("the shared reference vectors are not at {} (set WHSIG_VECTORS)", directory.display());
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{message}; they are required under CI=true");
    }
    eprintln!("SKIPPED: {message}");
    None
}

#[test]
fn version_is_semantic() {
    assert_eq!(whsig::version().split('.').count(), 3);
}

#[test]
fn public_key_formats_on_both_backends() {
    let f = fixture();
    for name in [
        "rsa2048-spki.pem",
        "rsa2048-spki.b64",
        "rsa2048-spki.der",
        "rsa2048-pkcs1-public.pem",
        "rsa2048-pkcs1-public.der",
        "rsa2048-cert.pem",
        "rsa2048-cert.der",
        "rsa2048-public.jwk",
    ] {
        for backend in [Backend::OpenSsl, Backend::Gcrypt] {
            let key = PublicKey::parse_bytes(&key_file(name), backend).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(key.fingerprint(), f.fingerprint, "{name}");
            assert_eq!(key.verify(Algorithm::Sha512WithRsa, &f.body, &f.sha512), Ok(true), "{name} on {backend:?}");
        }
    }
}

#[test]
fn verify_and_sign() {
    let f = fixture();
    let public = PublicKey::parse(&key_text("rsa2048-spki.pem")).unwrap();
    let private = PrivateKey::parse(&key_text("rsa2048-pkcs8.pem")).unwrap();
    assert_eq!(private.sign(Algorithm::Sha512WithRsa, &f.body).unwrap(), f.sha512);
    assert_eq!(private.sign(Algorithm::Md5WithRsa, &f.body).unwrap(), f.md5);
    let der = PrivateKey::parse_bytes(&key_file("rsa2048-pkcs8.der"), Backend::Gcrypt).unwrap();
    assert_eq!(der.sign(Algorithm::Sha512WithRsa, &f.body).unwrap(), f.sha512);

    assert_eq!(public.verify(Algorithm::Md5WithRsa, &f.body, &f.md5), Ok(true));
    assert_eq!(public.verify(Algorithm::Md5WithRsa, &f.body, &f.sha512), Ok(false), "wrong algorithm");
    let mut tampered = f.body.clone();
    tampered.push(b' ');
    assert_eq!(public.verify(Algorithm::Sha512WithRsa, &tampered, &f.sha512), Ok(false), "tampered body");
    assert_eq!(public.verify(Algorithm::Sha512WithRsa, &f.body, "not base64!"), Ok(false));
    assert_eq!(public.verify(Algorithm::Sha512WithRsa, &f.body, ""), Ok(false));
    let empty = private.sign(Algorithm::Sha512WithRsa, b"").unwrap();
    assert_eq!(public.verify(Algorithm::Sha512WithRsa, b"", &empty), Ok(true), "empty body");
}

#[test]
fn signature_text_rule() {
    let f = fixture();
    let public = PublicKey::parse(&key_text("rsa2048-spki.b64")).unwrap();
    assert_eq!(public.verify(Algorithm::Sha512WithRsa, &f.body, &format!("{}\n", f.sha512)), Ok(true));
    assert_eq!(public.verify(Algorithm::Sha512WithRsa, &f.body, &format!(" \t{}\r\n", f.sha512)), Ok(true));
    let (left, right) = f.sha512.split_at(f.sha512.len() / 2);
    assert_eq!(public.verify(Algorithm::Sha512WithRsa, &f.body, &format!("{left} {right}")), Ok(false));
    assert_eq!(public.verify(Algorithm::Sha512WithRsa, &f.body, f.sha512.trim_end_matches('=')), Ok(false));
}

#[test]
fn errors_carry_name_and_detail() {
    let cases: [(&str, bool, i32, &str); 5] = [
        ("rsa2048-pkcs8.pem", true, -14, "private_key_given"),
        ("bad-ec-public.pem", true, -10, "ec_key"),
        ("bad-rsa512-public.b64", true, -17, "key_too_small"),
        ("rsa2048-spki.pem", false, -15, "public_key_given"),
        ("bad-encrypted-pkcs8.pem", false, -16, "encrypted_private_key"),
    ];
    for (name, public, status, code) in cases {
        let error = if public {
            PublicKey::parse_bytes(&key_file(name), Backend::OpenSsl).unwrap_err()
        } else {
            PrivateKey::parse_bytes(&key_file(name), Backend::OpenSsl).unwrap_err()
        };
        assert_eq!((error.status(), error.name()), (status, code), "{name}");
        assert!(!error.detail().is_empty(), "{name}: no detail");
        assert!(error.to_string().starts_with(code));
    }
    let empty = PublicKey::parse("").unwrap_err();
    assert_eq!(empty.name(), "empty_input");
}

#[test]
fn keyrings_and_whole_deliveries() {
    let f = fixture();
    let public = PublicKey::parse(&key_text("rsa2048-spki.pem")).unwrap();
    let ring = Keyring::from_public_key(&public).unwrap();
    drop(public);
    assert_eq!(ring.len(), 1);
    let headers = [("Content-Type", "application/json"), ("Fluent-Signature", f.sha512.as_str()), ("FLEX.SIGNATURE", f.md5.as_str())];
    let verdict = verify_webhook(&ring, headers, &f.body, &Policy::default()).unwrap();
    assert!(verdict.valid, "{verdict:?}");
    assert_eq!(verdict.key_id.as_deref(), Some(f.fingerprint.as_str()));
    assert_eq!(verdict.code, None);

    let mut tampered = f.body.clone();
    tampered[0] = b' ';
    let verdict = verify_webhook(&ring, headers, &tampered, &Policy::default()).unwrap();
    assert_eq!((verdict.valid, verdict.code.as_deref()), (false, Some("body_mismatch")));
    assert!(verdict.reason.contains("fluent-signature"), "{}", verdict.reason);
    assert_eq!(verdict.key_id, None);

    let none: [(&str, &str); 0] = [];
    let verdict = verify_webhook(&ring, none, &f.body, &Policy::default()).unwrap();
    assert_eq!(verdict.code.as_deref(), Some("no_signature_header"));

    let md5_only = [("flex.signature".to_string(), f.md5.clone().into_bytes())];
    let verdict = verify_webhook(&ring, md5_only.clone(), &f.body, &Policy::default()).unwrap();
    assert_eq!(verdict.code.as_deref(), Some("policy_not_met"));
    let allow = Policy { allow_md5: true, ..Policy::default() };
    assert!(verify_webhook(&ring, md5_only, &f.body, &allow).unwrap().valid);
    let both = Policy { require_both: true, ..Policy::default() };
    assert!(verify_webhook(&ring, headers, &f.body, &both).unwrap().valid);
    let compact = Policy { canonical: CanonicalMode::Compact, ..Policy::default() };
    let error = verify_webhook(&ring, headers, b"{,", &compact).unwrap_err();
    assert_eq!(error.name(), "invalid_json");

    let spki = key_text("rsa2048-spki.b64");
    let document = format!(r#"{{"version":1,"keys":[{{"publicKey":"{}","label":"current","retired":true}}]}}"#, spki.trim());
    let retired = Keyring::from_json(&document, Backend::Gcrypt).unwrap();
    let verdict = verify_webhook(&retired, headers, &f.body, &Policy::default()).unwrap();
    assert_eq!(verdict.code.as_deref(), Some("key_retired"));
    let error = Keyring::from_json(r#"{"version":1,"keys":[{"label":"no key"}]}"#, Backend::OpenSsl).unwrap_err();
    assert_eq!(error.name(), "invalid_keyring");
}

#[test]
fn one_key_shared_by_threads() {
    let f = Arc::new(fixture());
    let key = Arc::new(PublicKey::parse(&key_text("rsa2048-spki.pem")).unwrap());
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (f, key) = (Arc::clone(&f), Arc::clone(&key));
            thread::spawn(move || (0..50).all(|_| key.verify(Algorithm::Sha512WithRsa, &f.body, &f.sha512) == Ok(true)))
        })
        .collect();
    for worker in workers {
        assert!(worker.join().unwrap());
    }
}

#[test]
fn real_delivery() {
    let directory = match vectors_directory() {
        Some(directory) => directory,
        None => return,
    };
    let meta = fs::read_to_string(directory.join("fluent/real-webhook.json")).unwrap();
    let body = fs::read(directory.join("fluent").join(json_string(&meta, "bodyFile"))).unwrap();
    let sha512 = json_string(&meta, "fluent-signature");
    let md5 = json_string(&meta, "flex.signature");
    for backend in [Backend::OpenSsl, Backend::Gcrypt] {
        let key = PublicKey::parse_bytes(json_string(&meta, "publicKeyX509Base64").as_bytes(), backend).unwrap();
        assert_eq!(key.verify(Algorithm::Sha512WithRsa, &body, &sha512), Ok(true));
        assert_eq!(key.verify(Algorithm::Md5WithRsa, &body, &md5), Ok(true));
        let mut tampered = body.clone();
        tampered.push(b'\n');
        assert_eq!(key.verify(Algorithm::Sha512WithRsa, &tampered, &sha512), Ok(false));
        let ring = Keyring::from_public_key(&key).unwrap();
        let headers = [("fluent-signature", sha512.as_str()), ("flex.signature", md5.as_str())];
        let verdict = verify_webhook(&ring, headers, &body, &Policy { require_both: true, ..Policy::default() }).unwrap();
        assert!(verdict.valid, "{verdict:?}");
        assert_eq!(verdict.key_id, Some(key.fingerprint()));
        let verdict = verify_webhook(&ring, headers, &tampered, &Policy::default()).unwrap();
        assert_eq!(verdict.code.as_deref(), Some("body_mismatch"));
    }
}
