//! Named secrets in the OS keyring: the database key now, the device's Ed25519 key pair later
//! (vouchers and enrolment). The trait keeps the store swappable: the platform keyring in the app,
//! keyring-core's mock store or a memory map in tests.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use keyring_core::{CredentialStore, Entry, Error as KeyringError};

use crate::error::{LocalError, Result};

/// The SQLCipher key of the window database (32 random bytes).
pub const DB_KEY: &str = "db-key";
/// Reserved for the device's Ed25519 signing key (enrolment, voucher signatures).
pub const DEVICE_SIGNING_KEY: &str = "device-ed25519";
/// The service name under which Onestop's secrets are filed in the keyring.
pub const KEYRING_SERVICE: &str = "cn.onestop.window";

/// A store of named binary secrets.
pub trait KeyStore: Send + Sync + fmt::Debug {
    /// The secret, or `None` when no secret of that name exists.
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>>;
    fn set(&self, name: &str, secret: &[u8]) -> Result<()>;
    /// Removing an absent secret is not an error.
    fn delete(&self, name: &str) -> Result<()>;
    /// What backs this store, for the diagnostics log.
    fn describe(&self) -> String;
}

fn store_error(e: KeyringError) -> LocalError {
    LocalError::KeyStore {
        detail: e.to_string(),
    }
}

/// Secrets kept through keyring-core in one credential store.
pub struct KeyringStore {
    service: String,
    store: Arc<CredentialStore>,
}

impl fmt::Debug for KeyringStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyringStore")
            .field("service", &self.service)
            .field("store", &self.store.vendor())
            .finish()
    }
}

impl KeyringStore {
    pub fn new(service: impl Into<String>, store: Arc<CredentialStore>) -> KeyringStore {
        KeyringStore {
            service: service.into(),
            store,
        }
    }

    /// keyring-core's in-memory mock store (per process): for tests of the key handling itself.
    pub fn mock(service: impl Into<String>) -> Result<KeyringStore> {
        let store = keyring_core::mock::Store::new().map_err(store_error)?;
        Ok(KeyringStore::new(service, store))
    }

    /// The desktop keyring: the Secret Service (GNOME Keyring, KWallet) when a session bus offers
    /// one, otherwise the kernel keyutils store (which lives only as long as the login session,
    /// so it suits kiosks and tests, not long-lived windows). Each candidate is probed with a read
    /// so a locked or absent service is skipped rather than failing later.
    #[cfg(target_os = "linux")]
    pub fn platform(service: impl Into<String>) -> Result<KeyringStore> {
        let service = service.into();
        let mut reasons = Vec::new();
        match dbus_secret_service_keyring_store::Store::new() {
            Ok(store) => {
                let candidate = KeyringStore::new(service.clone(), store);
                match candidate.get(DB_KEY) {
                    Ok(_) => return Ok(candidate),
                    Err(e) => reasons.push(format!("Secret Service: {e}")),
                }
            }
            Err(e) => reasons.push(format!("Secret Service: {e}")),
        }
        match linux_keyutils_keyring_store::Store::new() {
            Ok(store) => {
                let candidate = KeyringStore::new(service, store);
                match candidate.get(DB_KEY) {
                    Ok(_) => return Ok(candidate),
                    Err(e) => reasons.push(format!("keyutils: {e}")),
                }
            }
            Err(e) => reasons.push(format!("keyutils: {e}")),
        }
        Err(LocalError::KeyStore {
            detail: reasons.join("；"),
        })
    }

    /// Other platforms get their native store once the shell needs them; until then refuse
    /// clearly rather than keep the key in a file.
    #[cfg(not(target_os = "linux"))]
    pub fn platform(_service: impl Into<String>) -> Result<KeyringStore> {
        Err(LocalError::KeyStore {
            detail: "本平台的系统钥匙串尚未接入".into(),
        })
    }

    fn entry(&self, name: &str) -> Result<Entry> {
        Entry::new_in_store(&self.store, &self.service, name).map_err(store_error)
    }
}

impl KeyStore for KeyringStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>> {
        match self.entry(name)?.get_secret() {
            Ok(secret) => Ok(Some(secret)),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<()> {
        self.entry(name)?.set_secret(secret).map_err(store_error)
    }

    fn delete(&self, name: &str) -> Result<()> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(store_error(e)),
        }
    }

    fn describe(&self) -> String {
        self.store.vendor()
    }
}

/// Secrets in a process-local map. For tests (and child processes of tests, which receive the
/// key from their parent); never for the app, where the key must outlive the process.
#[derive(Debug, Default)]
pub struct MemoryKeyStore {
    secrets: Mutex<HashMap<String, Vec<u8>>>,
}

impl MemoryKeyStore {
    pub fn new() -> MemoryKeyStore {
        MemoryKeyStore::default()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<u8>>> {
        // A poisoned map still holds valid bytes; keep going rather than lose the key.
        self.secrets.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl KeyStore for MemoryKeyStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.map().get(name).cloned())
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<()> {
        self.map().insert(name.to_owned(), secret.to_vec());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<()> {
        self.map().remove(name);
        Ok(())
    }

    fn describe(&self) -> String {
        "memory".into()
    }
}

/// 32 random bytes from the OS.
pub fn random_key() -> Result<[u8; 32]> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| LocalError::KeyStore {
        detail: format!("无法取得随机数：{e}"),
    })?;
    Ok(key)
}
