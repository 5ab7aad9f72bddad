//! Publishing a catalogue edition (the `import-catalogue` command, later the admin API).

use chrono::Utc;
use onestop_domain::catalogue::{Catalogue, CatalogueError};

use crate::store::StoredCatalogue;

/// Parses and validates an edition through `onestop-domain`, refusing it whole if any item is bad,
/// and computes its ETag: the sha256 of the canonical encoding, so the same content always gets
/// the same tag whatever its whitespace or key order.
pub fn prepare(json: &str) -> Result<StoredCatalogue, CatalogueError> {
    let catalogue = Catalogue::from_json(json)?;
    let body = serde_json::to_string(&catalogue).map_err(|e| CatalogueError::BadJson {
        detail: e.to_string(),
    })?;
    Ok(StoredCatalogue {
        etag: catalogue.content_hash(),
        edition: catalogue.edition,
        item_count: u32::try_from(catalogue.items.len()).unwrap_or(u32::MAX),
        body,
        published_at: Utc::now(),
    })
}
