//! Signs requests as docs/protocol.md §2 describes, and adds the clerk's session.

use std::sync::RwLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey};
use onestop_protocol::signing;
use onestop_sync::transport::RequestSigner;

/// The device key, the server's id for this device, and the clerk's bearer token once signed in.
pub struct DeskSigner {
    key: SigningKey,
    device_id: RwLock<Option<String>>,
    token: RwLock<Option<String>>,
}

impl std::fmt::Debug for DeskSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key or the token.
        f.debug_struct("DeskSigner")
            .field("device_id", &self.device_id())
            .finish()
    }
}

impl DeskSigner {
    pub fn new(key: SigningKey, device_id: Option<String>) -> Self {
        Self {
            key,
            device_id: RwLock::new(device_id),
            token: RwLock::new(None),
        }
    }

    pub fn public_key_b64(&self) -> String {
        STANDARD.encode(self.key.verifying_key().as_bytes())
    }

    pub fn device_id(&self) -> Option<String> {
        self.device_id
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_device_id(&self, id: String) {
        *self.device_id.write().unwrap_or_else(|p| p.into_inner()) = Some(id);
    }

    pub fn set_token(&self, token: Option<String>) {
        *self.token.write().unwrap_or_else(|p| p.into_inner()) = token;
    }

    pub fn has_session(&self) -> bool {
        self.token
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// The four device headers alone (used by login, which carries no session yet).
    pub fn device_headers(&self, method: &str, path: &str, body: &[u8]) -> Vec<(String, String)> {
        let Some(device) = self.device_id() else {
            return Vec::new();
        };
        let timestamp = chrono::Utc::now().timestamp();
        let nonce = fresh_nonce();
        let text =
            signing::signing_string(method, path, timestamp, &nonce, &signing::body_sha256(body));
        let signature = STANDARD.encode(self.key.sign(text.as_bytes()).to_bytes());
        vec![
            (signing::HEADER_DEVICE.to_owned(), device),
            (signing::HEADER_TIMESTAMP.to_owned(), timestamp.to_string()),
            (signing::HEADER_NONCE.to_owned(), nonce),
            (signing::HEADER_SIGNATURE.to_owned(), signature),
        ]
    }
}

impl RequestSigner for DeskSigner {
    fn headers(&self, method: &str, path: &str, body: &[u8]) -> Vec<(String, String)> {
        let mut headers = self.device_headers(method, path, body);
        if let Some(token) = self
            .token
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            headers.push(("authorization".to_owned(), format!("Bearer {token}")));
        }
        headers
    }
}

/// Signs with the device only (no session): for `POST /v1/auth/login`.
pub struct DeviceOnly<'a>(pub &'a DeskSigner);

impl RequestSigner for DeviceOnly<'_> {
    fn headers(&self, method: &str, path: &str, body: &[u8]) -> Vec<(String, String)> {
        self.0.device_headers(method, path, body)
    }
}

/// 32 hex characters from a v7 UUID's random part and the OS RNG.
fn fresh_nonce() -> String {
    match onestop_local::keystore::random_key() {
        Ok(bytes) => hex::encode(&bytes[..16]),
        // No OS randomness: a UUIDv7 is still unique per request, which is all a nonce needs.
        Err(_) => uuid::Uuid::now_v7().simple().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signature, Verifier};

    #[test]
    fn the_signature_covers_method_path_and_body() {
        let signer = DeskSigner::new(SigningKey::from_bytes(&[7u8; 32]), Some("dev-1".into()));
        signer.set_token(Some("tok".into()));
        let h = signer.headers("post", "/v1/ops", b"{}");
        let get = |name: &str| {
            h.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(get(signing::HEADER_DEVICE), "dev-1");
        assert_eq!(get("authorization"), "Bearer tok");
        let nonce = get(signing::HEADER_NONCE);
        assert!(signing::nonce_ok(&nonce));
        let ts: i64 = get(signing::HEADER_TIMESTAMP).parse().unwrap();
        let text =
            signing::signing_string("POST", "/v1/ops", ts, &nonce, &signing::body_sha256(b"{}"));
        let sig_bytes: [u8; 64] = STANDARD
            .decode(get(signing::HEADER_SIGNATURE))
            .unwrap()
            .try_into()
            .unwrap();
        let key = SigningKey::from_bytes(&[7u8; 32]).verifying_key();
        key.verify(text.as_bytes(), &Signature::from_bytes(&sig_bytes))
            .unwrap();
        let other =
            signing::signing_string("POST", "/v1/ops", ts, &nonce, &signing::body_sha256(b"{ }"));
        assert!(key
            .verify(other.as_bytes(), &Signature::from_bytes(&sig_bytes))
            .is_err());
    }

    #[test]
    fn unenrolled_devices_send_no_headers() {
        let signer = DeskSigner::new(SigningKey::from_bytes(&[1u8; 32]), None);
        assert!(signer.headers("GET", "/v1/changes", b"").is_empty());
    }
}
