//! The device signature on every voucher (ARCHITECTURE.md §7), shared by the window that signs
//! it (`onestop-receipt`) and the server that checks it from the QR code (`/q/{number}?s=`).
//!
//! The Ed25519 key of the terminal signs
//! `"onestop-voucher-v1\n" + number + "\n" + hex(content_hash)`, where `content_hash` is the
//! sha256 of the voucher's canonical printed fields (computed by `onestop-receipt`). The compact
//! form of a signature is its 64 bytes in unpadded base64url (86 characters).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The domain-separation prefix of the signed message.
pub const SIGN_DOMAIN: &str = "onestop-voucher-v1";

/// The timeline entry kind a window writes for every print (first print and 补打).
pub const VOUCHER_PRINTED: &str = "voucher.printed";

/// The bytes the terminal signs for a voucher with acceptance number `number` (its 21-character
/// normalised form) and content hash `hash`.
pub fn message(number: &str, hash: &[u8; 32]) -> Vec<u8> {
    format!("{SIGN_DOMAIN}\n{number}\n{}", hex::encode(hash)).into_bytes()
}

/// Why a voucher signature did not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VoucherSignatureError {
    #[error("凭证签名无效：内容或受理编号与签名不符")]
    BadSignature,
    #[error("凭证签名格式错误")]
    MalformedSignature,
    #[error("验签公钥格式错误")]
    BadPublicKey,
}

/// Checks a compact signature over `number` and `hash` with the terminal's 32-byte Ed25519
/// public key (strict verification: no malleable forms).
pub fn verify(
    public_key: &[u8],
    number: &str,
    hash: &[u8; 32],
    signature: &str,
) -> Result<(), VoucherSignatureError> {
    let key_bytes: [u8; 32] = public_key
        .try_into()
        .map_err(|_| VoucherSignatureError::BadPublicKey)?;
    let key =
        VerifyingKey::from_bytes(&key_bytes).map_err(|_| VoucherSignatureError::BadPublicKey)?;
    let raw = URL_SAFE_NO_PAD
        .decode(signature.trim())
        .map_err(|_| VoucherSignatureError::MalformedSignature)?;
    let sig = ed25519_dalek::Signature::from_slice(&raw)
        .map_err(|_| VoucherSignatureError::MalformedSignature)?;
    key.verify_strict(&message(number, hash), &sig)
        .map_err(|_| VoucherSignatureError::BadSignature)
}

/// `TimelineEntry.data` of a `voucher.printed` entry: what was printed, so the server can check
/// the signature a citizen scans from the QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VoucherPrinted {
    /// The voucher kind in snake_case: `acceptance_notice` (受理通知书), `supplement_notice`,
    /// `rejection_notice`, `material_receipt`, `proxy_authorisation` …
    pub kind: String,
    /// Lower-case hex (64 digits) of the content hash that was signed.
    pub content_hash: String,
    /// The compact signature printed in the QR code (base64url, no padding).
    pub signature: String,
    /// 0 for the first print, 1 for the first 补打 …
    pub reprint_count: u32,
}

impl VoucherPrinted {
    /// The content hash as bytes, when it is 64 hex digits.
    pub fn hash_bytes(&self) -> Option<[u8; 32]> {
        hex::decode(&self.content_hash).ok()?.try_into().ok()
    }
}
