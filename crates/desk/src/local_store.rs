//! The window database as the desk uses it: one connection behind a mutex, every use case run on
//! tokio's blocking pool so the async API never blocks a runtime thread on SQLite.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use onestop_local::{Db, KeyStore, DB_FILE};

use crate::usecases::DeskError;

#[derive(Debug, Clone)]
pub(crate) struct LocalStore {
    db: Arc<Mutex<Db>>,
    data_dir: PathBuf,
}

impl LocalStore {
    pub(crate) fn open(data_dir: &Path, keys: &dyn KeyStore) -> Result<LocalStore, DeskError> {
        std::fs::create_dir_all(data_dir).map_err(onestop_local::LocalError::from)?;
        let db = Db::open(&data_dir.join(DB_FILE), keys)?;
        Ok(LocalStore {
            db: Arc::new(Mutex::new(db)),
            data_dir: data_dir.to_path_buf(),
        })
    }

    /// Runs `f` with the database on the blocking pool.
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T, DeskError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Db, &Path) -> Result<T, DeskError> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        let dir = self.data_dir.clone();
        tokio::task::spawn_blocking(move || {
            // A panic in an earlier use case rolled its transaction back; the connection is fine.
            let mut guard = db.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard, &dir)
        })
        .await
        .map_err(|e| DeskError::Internal(e.to_string()))?
    }

    /// Runs `f` with the database on the calling thread (the sync ports, which the engine already
    /// calls on the blocking pool).
    pub(crate) fn blocking<T>(
        &self,
        f: impl FnOnce(&mut Db) -> Result<T, DeskError>,
    ) -> Result<T, DeskError> {
        let mut guard = self.db.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }
}
