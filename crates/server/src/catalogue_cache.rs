//! Parsed catalogue editions, kept in memory: every pushed case names its edition, and parsing the
//! whole catalogue per op would dominate ingest. Publishing through this process clears it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use onestop_domain::catalogue::Catalogue;

use crate::store::{Store, StoreError};

#[derive(Default)]
pub struct CatalogueCache {
    editions: Mutex<HashMap<String, Arc<Catalogue>>>,
}

impl CatalogueCache {
    pub async fn get(
        &self,
        store: &dyn Store,
        edition: &str,
    ) -> Result<Option<Arc<Catalogue>>, StoreError> {
        if let Some(c) = self.lock().get(edition) {
            return Ok(Some(Arc::clone(c)));
        }
        let Some(stored) = store.catalogue_edition(edition).await? else {
            return Ok(None);
        };
        // Stored editions were validated when published; one that no longer parses is treated as
        // absent rather than trusted.
        let Ok(parsed) = Catalogue::from_json(&stored.body) else {
            return Ok(None);
        };
        let parsed = Arc::new(parsed);
        self.lock().insert(edition.to_string(), Arc::clone(&parsed));
        Ok(Some(parsed))
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Catalogue>>> {
        self.editions.lock().unwrap_or_else(|p| p.into_inner())
    }
}
