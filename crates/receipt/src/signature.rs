//! The device signature on every voucher (message format and `verify` shared with the server in
//! `onestop_protocol::voucher_signature`). An Ed25519 key (kept in the OS keyring by
//! onestop-local; here it is only an argument) signs
//! `"onestop-voucher-v1\n" + number + "\n" + hex(sha256(canonical fields))`.
//! The canonical fields are [`PrintedFields`] as JSON (keys sorted, masked values as printed), so
//! the server recomputes the hash from the case data with [`content_hash_of`] and calls
//! [`verify`]. The compact form is the 64 signature bytes in unpadded base64url (86 characters).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use onestop_domain::numbering::AcceptanceNumber;
use onestop_protocol::voucher_signature::{self as wire, VoucherSignatureError};
use sha2::{Digest, Sha256};

use crate::error::VerifyError;
use crate::fields::PrintedFields;
use crate::model::Voucher;

const CONTENT_DOMAIN: &[u8] = b"onestop-voucher-content-v1\n";

/// sha256 of the canonical encoding of the printed fields (the reprint count is not part of it:
/// a 补打 copy carries the same content and verifies with the same signature).
pub fn content_hash(fields: &PrintedFields) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(CONTENT_DOMAIN);
    // Serialising maps of strings cannot fail; an empty encoding would only make the hash
    // useless, never wrong in a way that verifies.
    h.update(serde_json::to_vec(fields).unwrap_or_default());
    h.finalize().into()
}

/// [`content_hash`] of a voucher's fields.
pub fn content_hash_of(voucher: &Voucher) -> [u8; 32] {
    content_hash(&PrintedFields::of(voucher))
}

/// The message format lives in `onestop_protocol::voucher_signature`, shared with the server.
fn message(number: &AcceptanceNumber, hash: &[u8; 32]) -> Vec<u8> {
    wire::message(&number.to_string(), hash)
}

/// Sign `number` and `content_hash`; returns the compact (base64url) signature.
pub fn sign(key: &SigningKey, number: &AcceptanceNumber, content_hash: &[u8; 32]) -> String {
    let sig = key.sign(&message(number, content_hash));
    URL_SAFE_NO_PAD.encode(sig.to_bytes())
}

/// What the signature is checked against: the hash, or the fields it is computed from.
#[derive(Debug, Clone, Copy)]
pub enum SignedContent<'a> {
    Hash(&'a [u8; 32]),
    Fields(&'a PrintedFields),
    Voucher(&'a Voucher),
}

/// Check a compact signature. `public_key` is the 32-byte Ed25519 verifying key of the terminal.
pub fn verify(
    public_key: &[u8],
    number: &AcceptanceNumber,
    content: SignedContent<'_>,
    signature: &str,
) -> Result<(), VerifyError> {
    let hash = match content {
        SignedContent::Hash(h) => *h,
        SignedContent::Fields(f) => content_hash(f),
        SignedContent::Voucher(v) => content_hash_of(v),
    };
    wire::verify(public_key, &number.to_string(), &hash, signature).map_err(|e| match e {
        VoucherSignatureError::BadSignature => VerifyError::BadSignature,
        VoucherSignatureError::MalformedSignature => VerifyError::MalformedSignature,
        VoucherSignatureError::BadPublicKey => VerifyError::BadPublicKey,
    })
}

/// The first 12 hex digits of the hash, printed in the footer.
pub fn short_hash(hash: &[u8; 32]) -> String {
    hex::encode(&hash[..6])
}
