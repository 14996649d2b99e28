//! Verify and create the RSA signatures the Fluent Commerce platform puts on its webhooks, through
//! libwhsig (the C library of swift-webhook-signature).
//!
//! `fluent-signature` is SHA512withRSA, `flex.signature` MD5withRSA (legacy), both
//! RSASSA-PKCS1-v1_5 over the raw body, standard base64.
//!
//! ```no_run
//! # fn main() -> Result<(), whsig::Error> {
//! # let (key_text, body, header_value) = ("", b"".as_slice(), "");
//! let key = whsig::PublicKey::parse(key_text)?;
//! if key.verify(whsig::Algorithm::Sha512WithRsa, body, header_value)? {
//!     // accepted
//! }
//! # Ok(()) }
//! ```
//!
//! Every handle frees itself on drop. Following whsig.h, handles are immutable after creation and
//! every function is thread-safe, so the key and keyring types are `Send` and `Sync`.

#![deny(missing_docs)]

use std::ffi::CStr;
use std::fmt;
use std::os::raw::c_char;
use std::ptr::{self, NonNull};

mod ffi;

/// The two signature algorithms, both RSASSA-PKCS1-v1_5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// MD5withRSA, header `flex.signature` (legacy: MD5 is broken for collisions).
    Md5WithRsa,
    /// SHA512withRSA, header `fluent-signature`.
    Sha512WithRsa,
}

impl Algorithm {
    fn raw(self) -> ffi::whsig_algorithm {
        match self {
            Algorithm::Md5WithRsa => ffi::WHSIG_MD5_WITH_RSA,
            Algorithm::Sha512WithRsa => ffi::WHSIG_SHA512_WITH_RSA,
        }
    }
}

/// The crypto library that performs a key's operations; verdicts are identical.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// OpenSSL libcrypto (the default, and the faster).
    #[default]
    OpenSsl,
    /// libgcrypt.
    Gcrypt,
}

impl Backend {
    fn raw(self) -> ffi::whsig_backend {
        match self {
            Backend::OpenSsl => ffi::WHSIG_BACKEND_OPENSSL,
            Backend::Gcrypt => ffi::WHSIG_BACKEND_GCRYPT,
        }
    }
}

/// How a body is turned into the bytes that are hashed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CanonicalMode {
    /// The bytes exactly as received (the usual case).
    #[default]
    Raw,
    /// Strict JSON with all whitespace outside strings removed.
    Compact,
    /// RFC 8785 JSON Canonicalization Scheme.
    Jcs,
}

impl CanonicalMode {
    fn raw(self) -> ffi::whsig_canonical_mode {
        match self {
            CanonicalMode::Raw => ffi::WHSIG_CANONICAL_RAW,
            CanonicalMode::Compact => ffi::WHSIG_CANONICAL_COMPACT,
            CanonicalMode::Jcs => ffi::WHSIG_CANONICAL_JCS,
        }
    }
}

/// A failed call: the library's status, its stable name and the library's detail sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    status: i32,
    name: String,
    detail: String,
}

impl Error {
    /// Reads the name and this thread's detail for a status just returned.
    fn from_status(status: ffi::whsig_status) -> Error {
        // SAFETY: both return static or thread-owned NUL-terminated strings, never NULL.
        let (name, detail) = unsafe {
            (c_text(ffi::whsig_status_string(status)), c_text(ffi::whsig_last_error()))
        };
        Error { status, name, detail }
    }

    /// The negative whsig_status (for example -14).
    pub fn status(&self) -> i32 {
        self.status
    }

    /// The status's stable name (for example `"private_key_given"`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The library's sentence explaining the error (whsig_last_error()).
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.detail.is_empty() {
            write!(f, "{} ({})", self.name, self.status)
        } else {
            write!(f, "{} ({}): {}", self.name, self.status, self.detail)
        }
    }
}

impl std::error::Error for Error {}

/// # Safety
/// `text` must be a valid NUL-terminated string.
unsafe fn c_text(text: *const c_char) -> String {
    if text.is_null() {
        return String::new();
    }
    CStr::from_ptr(text).to_string_lossy().into_owned()
}

fn check(status: ffi::whsig_status) -> Result<ffi::whsig_status, Error> {
    if status < 0 {
        Err(Error::from_status(status))
    } else {
        Ok(status)
    }
}

/// The library's version, `"MAJOR.MINOR.PATCH"`.
pub fn version() -> String {
    // SAFETY: a static NUL-terminated string, never NULL.
    unsafe { c_text(ffi::whsig_version()) }
}

/// An RSA public key (x509 base64, PEM, JWK or DER). Immutable; share it between threads freely.
#[derive(Debug)]
pub struct PublicKey(NonNull<ffi::whsig_public_key>);

// SAFETY: whsig.h: handles are immutable after creation and every function is thread-safe; one
// handle may be used from any number of threads at once. It is freed only by Drop (exclusive).
unsafe impl Send for PublicKey {}
unsafe impl Sync for PublicKey {}

impl PublicKey {
    /// Parses a public key from text: the platform's x509 base64, PEM or a JWK.
    pub fn parse(text: &str) -> Result<PublicKey, Error> {
        PublicKey::parse_bytes(text.as_bytes(), Backend::OpenSsl)
    }

    /// Parses a public key from bytes (any text form, or DER) on the given backend.
    pub fn parse_bytes(data: &[u8], backend: Backend) -> Result<PublicKey, Error> {
        let mut handle = ptr::null_mut();
        // SAFETY: data is valid for its length; handle is a valid out pointer.
        check(unsafe {
            ffi::whsig_public_key_parse_with_backend(data.as_ptr().cast(), data.len(), backend.raw(), &mut handle)
        })?;
        NonNull::new(handle).map(PublicKey).ok_or_else(|| Error::from_status(ffi::WHSIG_ERR_INTERNAL))
    }

    /// The key id: 64 lowercase hex digits of the SHA-256 of its SubjectPublicKeyInfo DER.
    pub fn fingerprint(&self) -> String {
        let mut out = [0u8; ffi::WHSIG_KEY_ID_SIZE];
        // SAFETY: the handle is live; out has the 65 bytes the function writes.
        let status = unsafe { ffi::whsig_public_key_fingerprint(self.0.as_ptr(), out.as_mut_ptr().cast()) };
        debug_assert_eq!(status, ffi::WHSIG_OK);
        nul_terminated(&out)
    }

    /// Whether a base64 signature (a header value) verifies over the body bytes as received.
    ///
    /// `Ok(false)` for every signature that does not verify, including text that is not strict
    /// padded base64 (surrounding ASCII whitespace is ignored); `Err` only for a crypto failure or
    /// an algorithm the crypto library refuses (MD5 under libgcrypt FIPS mode).
    pub fn verify(&self, algorithm: Algorithm, body: &[u8], signature_base64: &str) -> Result<bool, Error> {
        // SAFETY: the handle is live; both slices are valid for their lengths.
        let status = unsafe {
            ffi::whsig_verify(
                self.0.as_ptr(),
                algorithm.raw(),
                body.as_ptr(),
                body.len(),
                signature_base64.as_ptr().cast(),
                signature_base64.len(),
            )
        };
        Ok(check(status)? == ffi::WHSIG_OK)
    }
}

impl Drop for PublicKey {
    fn drop(&mut self) {
        // SAFETY: the handle came from a parse function and is freed exactly once, here.
        unsafe { ffi::whsig_public_key_free(self.0.as_ptr()) }
    }
}

/// An RSA private key (PKCS#8 or PKCS#1, PEM, base64 or DER, or a private JWK), not encrypted.
#[derive(Debug)]
pub struct PrivateKey(NonNull<ffi::whsig_private_key>);

// SAFETY: as for PublicKey.
unsafe impl Send for PrivateKey {}
unsafe impl Sync for PrivateKey {}

impl PrivateKey {
    /// Parses a private key from text (PEM, base64 of PKCS#8 DER, or a JWK).
    pub fn parse(text: &str) -> Result<PrivateKey, Error> {
        PrivateKey::parse_bytes(text.as_bytes(), Backend::OpenSsl)
    }

    /// Parses a private key from bytes (any text form, or DER) on the given backend.
    pub fn parse_bytes(data: &[u8], backend: Backend) -> Result<PrivateKey, Error> {
        let mut handle = ptr::null_mut();
        // SAFETY: data is valid for its length; handle is a valid out pointer.
        check(unsafe {
            ffi::whsig_private_key_parse_with_backend(data.as_ptr().cast(), data.len(), backend.raw(), &mut handle)
        })?;
        NonNull::new(handle).map(PrivateKey).ok_or_else(|| Error::from_status(ffi::WHSIG_ERR_INTERNAL))
    }

    /// The standard padded base64 signature of `body` (deterministic: PKCS#1 v1.5).
    pub fn sign(&self, algorithm: Algorithm, body: &[u8]) -> Result<String, Error> {
        let mut needed = 0usize;
        // SAFETY: a size query: NULL buffer with capacity 0 is allowed.
        let status = unsafe {
            ffi::whsig_sign(self.0.as_ptr(), algorithm.raw(), body.as_ptr(), body.len(), ptr::null_mut(), 0, &mut needed)
        };
        if status != ffi::WHSIG_ERR_BUFFER_TOO_SMALL {
            check(status)?;
        }
        let mut out = vec![0u8; needed + 1];
        let mut length = 0usize;
        // SAFETY: out has out.len() bytes of room.
        check(unsafe {
            ffi::whsig_sign(
                self.0.as_ptr(),
                algorithm.raw(),
                body.as_ptr(),
                body.len(),
                out.as_mut_ptr().cast(),
                out.len(),
                &mut length,
            )
        })?;
        out.truncate(length);
        String::from_utf8(out).map_err(|_| Error::from_status(ffi::WHSIG_ERR_INTERNAL))
    }
}

impl Drop for PrivateKey {
    fn drop(&mut self) {
        // SAFETY: the handle came from a parse function and is freed exactly once, here.
        unsafe { ffi::whsig_private_key_free(self.0.as_ptr()) }
    }
}

/// A set of trusted public keys with validity windows, for [`verify_webhook`].
#[derive(Debug)]
pub struct Keyring(NonNull<ffi::whsig_keyring>);

// SAFETY: as for PublicKey.
unsafe impl Send for Keyring {}
unsafe impl Sync for Keyring {}

impl Keyring {
    /// Reads a keyring document (JSON, version 1, as `whsig keyring` writes it).
    pub fn from_json(text: &str, backend: Backend) -> Result<Keyring, Error> {
        let mut handle = ptr::null_mut();
        // SAFETY: text is valid for its length; handle is a valid out pointer.
        check(unsafe {
            ffi::whsig_keyring_load_json_with_backend(text.as_ptr().cast(), text.len(), backend.raw(), &mut handle)
        })?;
        NonNull::new(handle).map(Keyring).ok_or_else(|| Error::from_status(ffi::WHSIG_ERR_INTERNAL))
    }

    /// A keyring that trusts one key, with no validity window (the key may be dropped afterwards).
    pub fn from_public_key(key: &PublicKey) -> Result<Keyring, Error> {
        let mut handle = ptr::null_mut();
        // SAFETY: the key handle is live; handle is a valid out pointer.
        check(unsafe { ffi::whsig_keyring_from_public_key(key.0.as_ptr(), &mut handle) })?;
        NonNull::new(handle).map(Keyring).ok_or_else(|| Error::from_status(ffi::WHSIG_ERR_INTERNAL))
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        // SAFETY: the handle is live.
        unsafe { ffi::whsig_keyring_count(self.0.as_ptr()) }
    }

    /// Whether the keyring holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        // SAFETY: the handle came from a constructor and is freed exactly once, here.
        unsafe { ffi::whsig_keyring_free(self.0.as_ptr()) }
    }
}

/// Which signature headers must be present and verify, and how the body is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// Count `flex.signature` (MD5): a present one must verify, and it suffices alone.
    pub allow_md5: bool,
    /// Require both headers to be present and to verify.
    pub require_both: bool,
    /// How the body is read before hashing.
    pub canonical: CanonicalMode,
}

/// The verdict on one delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the delivery is accepted under the policy.
    pub valid: bool,
    /// The stable failure code (`"body_mismatch"`, `"no_signature_header"`, ...); None when valid.
    pub code: Option<String>,
    /// The library's sentence on why it failed; empty when valid.
    pub reason: String,
    /// The id (64 hex digits) of the key that verified the delivery; None when not valid.
    pub key_id: Option<String>,
}

/// Verifies a whole delivery: its request headers (any order and name case; headers other than the
/// two signature headers are ignored) and raw body, against a keyring's active keys and a policy.
///
/// `Err` only for a misuse, a crypto failure, or a body that is not JSON under a JSON mode.
pub fn verify_webhook<I, N, V>(keyring: &Keyring, headers: I, body: &[u8], policy: &Policy) -> Result<Verdict, Error>
where
    I: IntoIterator<Item = (N, V)>,
    N: AsRef<[u8]>,
    V: AsRef<[u8]>,
{
    let pairs: Vec<(N, V)> = headers.into_iter().collect();
    let names: Vec<*const c_char> = pairs.iter().map(|(n, _)| n.as_ref().as_ptr().cast()).collect();
    let name_lens: Vec<usize> = pairs.iter().map(|(n, _)| n.as_ref().len()).collect();
    let values: Vec<*const c_char> = pairs.iter().map(|(_, v)| v.as_ref().as_ptr().cast()).collect();
    let value_lens: Vec<usize> = pairs.iter().map(|(_, v)| v.as_ref().len()).collect();
    let flags = if policy.allow_md5 { ffi::WHSIG_POLICY_ALLOW_MD5 } else { 0 }
        | if policy.require_both { ffi::WHSIG_POLICY_REQUIRE_BOTH } else { 0 };
    let mut key_id = [0u8; ffi::WHSIG_KEY_ID_SIZE];
    let mut code = [0u8; ffi::WHSIG_CODE_SIZE];
    // SAFETY: every pointer is valid for its length (the pairs outlive the call); the output buffers
    // have the sizes the header requires.
    let status = unsafe {
        ffi::whsig_verify_webhook_verdict(
            keyring.0.as_ptr(),
            flags,
            policy.canonical.raw(),
            names.as_ptr(),
            name_lens.as_ptr(),
            values.as_ptr(),
            value_lens.as_ptr(),
            pairs.len(),
            body.as_ptr(),
            body.len(),
            key_id.as_mut_ptr().cast(),
            code.as_mut_ptr().cast(),
        )
    };
    match check(status)? {
        ffi::WHSIG_OK => Ok(Verdict { valid: true, code: None, reason: String::new(), key_id: Some(nul_terminated(&key_id)) }),
        _ => {
            // SAFETY: a thread-owned NUL-terminated string, never NULL.
            let reason = unsafe { c_text(ffi::whsig_last_error()) };
            let code = nul_terminated(&code);
            Ok(Verdict {
                valid: false,
                code: Some(if code.is_empty() { "invalid_signature".to_string() } else { code }),
                reason,
                key_id: None,
            })
        }
    }
}

fn nul_terminated(buffer: &[u8]) -> String {
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    String::from_utf8_lossy(&buffer[..end]).into_owned()
}
