//! Opening the window database: SQLCipher key from the keyring, WAL, foreign keys, busy timeout,
//! migrations, and the device id.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use rusqlite::{Connection, ErrorCode, TransactionBehavior};

use crate::db::migrate::migrate;
use crate::error::{LocalError, Result};
use crate::keystore::{random_key, KeyStore, DB_KEY};
use crate::settings;

/// The file name of the window database inside the data folder.
pub const DB_FILE: &str = "onestop.db";

/// An open window database. One per process; the desk runs it on a blocking thread.
#[derive(Debug)]
pub struct Db {
    conn: Connection,
    path: PathBuf,
    device_id: String,
}

impl Db {
    /// Opens (or on first start creates) the encrypted database at `path`.
    ///
    /// On first start a random 256-bit key is made and stored under [`DB_KEY`] before the file
    /// exists. When the file exists but the key does not, this fails with
    /// [`LocalError::KeyMissing`] instead of starting an empty database next to the old one.
    pub fn open(path: &Path, keys: &dyn KeyStore) -> Result<Db> {
        let exists = std::fs::metadata(path)
            .map(|m| m.len() > 0)
            .unwrap_or(false);
        let key = match keys.get(DB_KEY)? {
            Some(key) if key.len() == 32 => key,
            Some(_) => return Err(LocalError::BadKey),
            None if exists => return Err(LocalError::KeyMissing),
            None => {
                let key = random_key()?;
                keys.set(DB_KEY, &key)?;
                // Read it back: a keyring that silently drops writes must fail now, not after
                // the first case is stored under a key nobody has.
                match keys.get(DB_KEY)? {
                    Some(stored) if stored == key => key.to_vec(),
                    _ => {
                        return Err(LocalError::KeyStore {
                            detail: "密钥写入系统钥匙串后无法读回".into(),
                        })
                    }
                }
            }
        };
        let conn = open_with_key(path, &key)?;
        let mut db = Db {
            conn,
            path: path.to_path_buf(),
            device_id: String::new(),
        };
        migrate(&mut db.conn, &Utc::now().to_rfc3339())?;
        db.device_id = {
            let tx = db
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let id = settings::ensure_device_id(&tx)?;
            tx.commit()?;
            id
        };
        tracing::info!(keystore = %keys.describe(), "window database opened");
        Ok(db)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This installation's id: the `device_id` of every op it sends.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Runs `f` in one IMMEDIATE transaction (the write lock is taken at the start, so two writers
    /// never deadlock on an upgrade) and commits when it returns `Ok`.
    pub fn write<T, E>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>, &str) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<LocalError>,
    {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(LocalError::from)?;
        let out = f(&tx, &self.device_id)?;
        tx.commit().map_err(LocalError::from)?;
        Ok(out)
    }
}

fn open_with_key(path: &Path, key: &[u8]) -> Result<Connection> {
    let conn = Connection::open(path)?;
    // The raw-key form: SQLCipher uses the 32 bytes directly, no key derivation per open.
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key)))?;
    // The first read proves the key: a wrong key or a plain file fails here.
    let probe: rusqlite::Result<i64> =
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0));
    if let Err(e) = probe {
        return Err(match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => LocalError::BadKey,
            _ => LocalError::Sqlite(e),
        });
    }
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a power cut after the voucher printed must not roll back the number on it.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // A row that INSERT OR REPLACE removes fires its delete triggers only with this on; the
    // outbox's queue counts (migration 3) are kept by triggers and would drift otherwise.
    conn.pragma_update(None, "recursive_triggers", "ON")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}
