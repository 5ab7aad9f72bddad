//! The catalogue cache. An edition is validated whole by `onestop_domain` before anything is
//! written, then installed and made active in one transaction: a refused edition changes nothing
//! and the last good one stays (ARCHITECTURE.md §5.4). Item versions are kept by content hash, so
//! a case can always be read with the exact item it was filled on.

use chrono::{DateTime, Utc};
use onestop_domain::catalogue::{Catalogue, CatalogueError, Item};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{LocalError, Result};

/// What an install did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledEdition {
    pub edition: String,
    pub content_hash: String,
    pub items: usize,
}

/// Parses and validates `json` (refused whole, with every reason, when malformed).
pub fn parse(json: &str) -> std::result::Result<Catalogue, CatalogueError> {
    Catalogue::from_json(json)
}

/// Installs a validated edition and makes it the active one. Call inside a transaction.
pub fn install(
    conn: &Connection,
    catalogue: &Catalogue,
    now: DateTime<Utc>,
) -> Result<InstalledEdition> {
    let content_hash = catalogue.content_hash();
    conn.execute(
        "INSERT INTO catalogue_editions (edition, county_code, content_hash, installed_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(edition) DO UPDATE SET county_code = excluded.county_code,
             content_hash = excluded.content_hash, installed_at = excluded.installed_at",
        params![
            catalogue.edition,
            catalogue.county_code,
            content_hash,
            now.to_rfc3339()
        ],
    )?;
    conn.execute(
        "DELETE FROM catalogue_edition_items WHERE edition = ?1",
        [&catalogue.edition],
    )?;
    for item in &catalogue.items {
        let hash = item.content_hash();
        let case_type = serde_json::to_value(item.case_type)?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        conn.execute(
            "INSERT OR IGNORE INTO catalogue_items (impl_code, content_hash, name, case_type, item_json)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![item.impl_code, hash, item.name, case_type, serde_json::to_string(item)?],
        )?;
        conn.execute(
            "INSERT INTO catalogue_edition_items (edition, impl_code, content_hash) VALUES (?1, ?2, ?3)",
            params![catalogue.edition, item.impl_code, hash],
        )?;
    }
    conn.execute(
        "INSERT INTO catalogue_active (id, edition) VALUES (1, ?1)
         ON CONFLICT(id) DO UPDATE SET edition = excluded.edition",
        [&catalogue.edition],
    )?;
    Ok(InstalledEdition {
        edition: catalogue.edition.clone(),
        content_hash,
        items: catalogue.items.len(),
    })
}

/// The active edition's name, `None` before the first install.
pub fn active_edition(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT edition FROM catalogue_active WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// An item version of the active edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemVersion {
    pub edition: String,
    pub content_hash: String,
    pub item: Item,
}

/// The current version of an item in the active edition.
pub fn current_item(conn: &Connection, impl_code: &str) -> Result<ItemVersion> {
    let edition = active_edition(conn)?.ok_or(LocalError::NoCatalogue)?;
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT i.content_hash, i.item_json FROM catalogue_edition_items e
             JOIN catalogue_items i ON i.impl_code = e.impl_code AND i.content_hash = e.content_hash
             WHERE e.edition = ?1 AND e.impl_code = ?2",
            params![edition, impl_code],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (hash, json) = row.ok_or_else(|| LocalError::ItemNotFound {
        impl_code: impl_code.to_owned(),
    })?;
    Ok(ItemVersion {
        edition,
        content_hash: hash,
        item: serde_json::from_str(&json)?,
    })
}

/// The exact item version a case was filled on.
pub fn item_version(conn: &Connection, impl_code: &str, content_hash: &str) -> Result<Item> {
    let json: Option<String> = conn
        .query_row(
            "SELECT item_json FROM catalogue_items WHERE impl_code = ?1 AND content_hash = ?2",
            params![impl_code, content_hash],
            |r| r.get(0),
        )
        .optional()?;
    let json = json.ok_or_else(|| LocalError::ItemNotFound {
        impl_code: impl_code.to_owned(),
    })?;
    Ok(serde_json::from_str(&json)?)
}

/// The items of the active edition, for the item picker: `(impl_code, name)`.
pub fn active_items(conn: &Connection) -> Result<Vec<(String, String)>> {
    let edition = active_edition(conn)?.ok_or(LocalError::NoCatalogue)?;
    let mut stmt = conn.prepare(
        "SELECT i.impl_code, i.name FROM catalogue_edition_items e
         JOIN catalogue_items i ON i.impl_code = e.impl_code AND i.content_hash = e.content_hash
         WHERE e.edition = ?1 ORDER BY i.impl_code",
    )?;
    let rows = stmt.query_map([edition], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every item of the active edition, parsed, ordered by 实施编码 (the picker's search index).
pub fn active_item_list(conn: &Connection) -> Result<Vec<Item>> {
    let edition = active_edition(conn)?.ok_or(LocalError::NoCatalogue)?;
    let mut stmt = conn.prepare(
        "SELECT i.item_json FROM catalogue_edition_items e
         JOIN catalogue_items i ON i.impl_code = e.impl_code AND i.content_hash = e.content_hash
         WHERE e.edition = ?1 ORDER BY i.impl_code",
    )?;
    let rows = stmt.query_map([edition], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        out.push(serde_json::from_str(&json?)?);
    }
    Ok(out)
}
