//! Parsed catalogue editions, kept in memory: every pushed case names its edition, and parsing the
//! whole catalogue per op would dominate ingest. Publishing through this process clears it.
//!
//! Each edition also keeps its items' content hashes, which every `case.snapshot` is checked
//! against: hashing the item (canonical JSON of its whole form) once per op was a fifth of the
//! server's CPU in an ingest.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use onestop_domain::catalogue::{Catalogue, Item};

use crate::store::{Store, StoreError};

/// One parsed edition and the content hashes of its items, each computed when first asked for.
pub struct Edition {
    pub catalogue: Arc<Catalogue>,
    item_hashes: HashMap<String, OnceLock<String>>,
}

impl Edition {
    fn new(catalogue: Catalogue) -> Edition {
        let item_hashes = catalogue
            .items
            .iter()
            .map(|i| (i.impl_code.clone(), OnceLock::new()))
            .collect();
        Edition {
            catalogue: Arc::new(catalogue),
            item_hashes,
        }
    }

    /// `item.content_hash()`, computed once per item of this edition. `item` must be one of this
    /// edition's items (as `catalogue.item(…)` returns it).
    pub fn item_hash<'a>(&'a self, item: &Item) -> std::borrow::Cow<'a, str> {
        match self.item_hashes.get(&item.impl_code) {
            Some(h) => h.get_or_init(|| item.content_hash()).as_str().into(),
            // Not reachable for an item of this edition; never answer from another item's hash.
            None => item.content_hash().into(),
        }
    }
}

#[derive(Default)]
pub struct CatalogueCache {
    editions: Mutex<HashMap<String, Arc<Edition>>>,
}

impl CatalogueCache {
    pub async fn get(
        &self,
        store: &dyn Store,
        edition: &str,
    ) -> Result<Option<Arc<Catalogue>>, StoreError> {
        Ok(self
            .edition(store, edition)
            .await?
            .map(|e| Arc::clone(&e.catalogue)))
    }

    /// The edition with its item hashes.
    pub async fn edition(
        &self,
        store: &dyn Store,
        edition: &str,
    ) -> Result<Option<Arc<Edition>>, StoreError> {
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
        let parsed = Arc::new(Edition::new(parsed));
        self.lock().insert(edition.to_string(), Arc::clone(&parsed));
        Ok(Some(parsed))
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Edition>>> {
        self.editions.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_hash_is_the_items_content_hash() {
        let text = include_str!("../../../assets/catalogue/demo.json");
        let catalogue = Catalogue::from_json(text).unwrap();
        assert!(!catalogue.items.is_empty());
        let edition = Edition::new(catalogue);
        for item in &edition.catalogue.items {
            assert_eq!(edition.item_hash(item), item.content_hash());
            assert_eq!(edition.item_hash(item), item.content_hash());
        }
    }
}
