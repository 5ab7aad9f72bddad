//! The engine's upload port over the window database: unconfirmed attachments with the path of
//! their local copy (stored under their sha256), and the progress the server acknowledged.

use std::path::PathBuf;

use chrono::Utc;
use onestop_local::{attachments, sync_state};
use onestop_sync::ports::{PortError, UploadJob, UploadPort};

use crate::local_store::LocalStore;

pub struct LocalUploads {
    pub store: LocalStore,
    pub data_dir: PathBuf,
}

impl UploadPort for LocalUploads {
    fn pending(&self) -> Result<Vec<UploadJob>, PortError> {
        let pending = self
            .store
            .blocking(|db| Ok(sync_state::unconfirmed_attachments(db.conn())?))
            .map_err(|e| PortError(e.to_string()))?;
        Ok(pending
            .into_iter()
            .map(|p| UploadJob {
                path: attachments::blob_path(&self.data_dir, &p.sha256),
                case_id: p.case_id,
                slot: p.slot,
                sha256: p.sha256,
                size: p.size,
                file_name: p.file_name,
            })
            .collect())
    }

    fn record(&self, job: &UploadJob, sent: u64, confirmed: bool) -> Result<(), PortError> {
        let now = Utc::now();
        self.store
            .blocking(|db| {
                Ok(sync_state::record_upload(
                    db.conn(),
                    &job.case_id,
                    &job.slot,
                    &job.sha256,
                    sent,
                    confirmed,
                    now,
                )?)
            })
            .map_err(|e| PortError(e.to_string()))
    }
}
