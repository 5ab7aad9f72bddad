//! 本机信息 for the settings screen: who this PC is to the server and where its keys live. No
//! secret leaves Rust: the key is shown as a short fingerprint of its public half.

use onestop_protocol::ApiError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::desk::Desk;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeviceInfo {
    pub device_id: Option<String>,
    pub window_name: Option<String>,
    pub terminal_code: Option<String>,
    pub county_code: Option<String>,
    pub server_url: String,
    /// What keeps the database key and the device key (Secret Service, keyutils, …).
    pub key_store: String,
    /// The first 16 hex digits of sha256 over the device's public key, to compare with the
    /// server's device list.
    pub key_fingerprint: String,
}

impl Desk {
    pub async fn device_info(&self) -> Result<DeviceInfo, ApiError> {
        let signer = self.signer().await?;
        let keys = self.keys().await?;
        let identity = self.window_identity().await?;
        let public = signer.public_key_b64();
        let fingerprint = hex::encode(Sha256::digest(public.as_bytes()));
        Ok(DeviceInfo {
            device_id: signer.device_id(),
            window_name: identity.as_ref().map(|w| w.window_name.clone()),
            terminal_code: identity.as_ref().map(|w| w.terminal_code.clone()),
            county_code: identity.as_ref().map(|w| w.county_code.clone()),
            server_url: self.sync_server_url(),
            key_store: keys.describe(),
            key_fingerprint: fingerprint[..16].to_owned(),
        })
    }
}
