//! The declarations of whsig.h that the safe API uses, written by hand (no bindgen: the crate has
//! no dependencies). Keep in step with Sources/CWebhookSignature/include/whsig.h.

#![allow(non_camel_case_types)]

use std::os::raw::c_char;

pub type whsig_status = i32;
pub type whsig_algorithm = i32;
pub type whsig_backend = i32;
pub type whsig_canonical_mode = i32;

pub const WHSIG_OK: whsig_status = 0;
pub const WHSIG_ERR_BUFFER_TOO_SMALL: whsig_status = -102;
pub const WHSIG_ERR_INTERNAL: whsig_status = -103;

pub const WHSIG_MD5_WITH_RSA: whsig_algorithm = 1;
pub const WHSIG_SHA512_WITH_RSA: whsig_algorithm = 2;
pub const WHSIG_BACKEND_OPENSSL: whsig_backend = 1;
pub const WHSIG_BACKEND_GCRYPT: whsig_backend = 2;
pub const WHSIG_CANONICAL_RAW: whsig_canonical_mode = 0;
pub const WHSIG_CANONICAL_COMPACT: whsig_canonical_mode = 1;
pub const WHSIG_CANONICAL_JCS: whsig_canonical_mode = 2;
pub const WHSIG_POLICY_ALLOW_MD5: u32 = 1;
pub const WHSIG_POLICY_REQUIRE_BOTH: u32 = 2;
pub const WHSIG_KEY_ID_SIZE: usize = 65;
pub const WHSIG_CODE_SIZE: usize = 64;

#[repr(C)]
pub struct whsig_public_key {
    _opaque: [u8; 0],
}
#[repr(C)]
pub struct whsig_private_key {
    _opaque: [u8; 0],
}
#[repr(C)]
pub struct whsig_keyring {
    _opaque: [u8; 0],
}

extern "C" {
    pub fn whsig_version() -> *const c_char;
    pub fn whsig_status_string(status: whsig_status) -> *const c_char;
    pub fn whsig_last_error() -> *const c_char;

    pub fn whsig_public_key_parse_with_backend(
        text: *const c_char,
        text_len: usize,
        backend: whsig_backend,
        out_key: *mut *mut whsig_public_key,
    ) -> whsig_status;
    pub fn whsig_public_key_free(key: *mut whsig_public_key);
    pub fn whsig_public_key_fingerprint(key: *const whsig_public_key, out: *mut c_char) -> whsig_status;

    pub fn whsig_private_key_parse_with_backend(
        text: *const c_char,
        text_len: usize,
        backend: whsig_backend,
        out_key: *mut *mut whsig_private_key,
    ) -> whsig_status;
    pub fn whsig_private_key_free(key: *mut whsig_private_key);

    pub fn whsig_verify(
        key: *const whsig_public_key,
        algorithm: whsig_algorithm,
        body: *const u8,
        body_len: usize,
        signature_base64: *const c_char,
        signature_len: usize,
    ) -> whsig_status;
    pub fn whsig_sign(
        key: *const whsig_private_key,
        algorithm: whsig_algorithm,
        body: *const u8,
        body_len: usize,
        out_base64: *mut c_char,
        out_capacity: usize,
        out_len: *mut usize,
    ) -> whsig_status;

    pub fn whsig_keyring_load_json_with_backend(
        text: *const c_char,
        text_len: usize,
        backend: whsig_backend,
        out_ring: *mut *mut whsig_keyring,
    ) -> whsig_status;
    pub fn whsig_keyring_from_public_key(key: *const whsig_public_key, out_ring: *mut *mut whsig_keyring) -> whsig_status;
    pub fn whsig_keyring_free(ring: *mut whsig_keyring);
    pub fn whsig_keyring_count(ring: *const whsig_keyring) -> usize;

    #[allow(clippy::too_many_arguments)]
    pub fn whsig_verify_webhook_verdict(
        ring: *const whsig_keyring,
        policy_flags: u32,
        mode: whsig_canonical_mode,
        header_names: *const *const c_char,
        name_lens: *const usize,
        header_values: *const *const c_char,
        value_lens: *const usize,
        header_count: usize,
        body: *const u8,
        body_len: usize,
        out_key_id: *mut c_char,
        out_code: *mut c_char,
    ) -> whsig_status;
}
