//! The device's Ed25519 key: made once on first use, kept in the OS keyring (never in the
//! database or on disk), used to sign vouchers and, once enrolled, every request to the server.

use ed25519_dalek::SigningKey;
use onestop_local::keystore::DEVICE_SIGNING_KEY;
use onestop_local::{KeyStore, LocalError};

/// The key in `keys`, created from the OS's randomness if there is none yet.
pub fn load_or_create(keys: &dyn KeyStore) -> Result<SigningKey, LocalError> {
    if let Some(bytes) = keys.get(DEVICE_SIGNING_KEY)? {
        let seed: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| LocalError::KeyStore {
                detail: format!("本机签名密钥格式不正确（{}）", keys.describe()),
            })?;
        return Ok(SigningKey::from_bytes(&seed));
    }
    let seed = onestop_local::keystore::random_key()?;
    keys.set(DEVICE_SIGNING_KEY, &seed)?;
    tracing::info!(store = %keys.describe(), "device signing key created");
    Ok(SigningKey::from_bytes(&seed))
}
