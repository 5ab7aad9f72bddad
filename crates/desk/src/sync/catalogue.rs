//! The engine's catalogue port: the ETag of the installed edition, and installing a new one from
//! the server through the validated, atomic path of `onestop-local` (refused whole, last good
//! edition kept).

use chrono::Utc;
use onestop_local::{catalogue_repo, sync_state};
use onestop_protocol::ApiError;
use onestop_sync::ports::{CataloguePort, PortError};

use crate::local_store::LocalStore;
use crate::usecases::DeskError;

pub struct LocalCatalogue {
    pub store: LocalStore,
}

impl CataloguePort for LocalCatalogue {
    fn etag(&self) -> Result<Option<String>, PortError> {
        self.store
            .blocking(|db| Ok(sync_state::catalogue_etag(db.conn())?))
            .map_err(|e| PortError(e.to_string()))
    }

    fn install(&self, body: &str, etag: &str) -> Result<Result<String, ApiError>, PortError> {
        let catalogue = match catalogue_repo::parse(body) {
            Ok(c) => c,
            Err(e) => return Ok(Err(ApiError::from(DeskError::from(e)))),
        };
        let now = Utc::now();
        self.store
            .blocking(|db| {
                db.write(|tx, _| {
                    let installed = catalogue_repo::install(tx, &catalogue, now)?;
                    sync_state::set_catalogue_etag(tx, etag)?;
                    Ok::<_, DeskError>(Ok(installed.edition))
                })
            })
            .map_err(|e| PortError(e.to_string()))
    }
}
