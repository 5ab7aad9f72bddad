//! The applicant library (一表式): one record per person or organisation, unique per ID type,
//! with its registration number (登记号). Every write appends an `applicant.upsert` op, and every
//! change of a field is kept in `applicant_history`.

use chrono::{DateTime, Utc};
use onestop_protocol::{op_kind, ApplicantKind, ApplicantRecord};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{LocalError, Result};
use crate::{outbox, search};

/// An applicant as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub applicant_id: String,
    pub kind: ApplicantKind,
    /// Normalised citizen ID or USCC.
    pub id_number: String,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub registration_number: String,
    pub updated_at: DateTime<Utc>,
}

impl Applicant {
    pub fn to_record(&self) -> ApplicantRecord {
        ApplicantRecord {
            applicant_id: self.applicant_id.clone(),
            kind: self.kind,
            id_number: self.id_number.clone(),
            name: self.name.clone(),
            phone: self.phone.clone(),
            address: self.address.clone(),
            registration_number: self.registration_number.clone(),
            updated_at: self.updated_at,
        }
    }
}

/// A new applicant, already validated and normalised by the caller (through `onestop_domain`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApplicant {
    pub kind: ApplicantKind,
    pub id_number: String,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicantChanges {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

fn kind_str(kind: ApplicantKind) -> &'static str {
    match kind {
        ApplicantKind::Person => "person",
        ApplicantKind::Organisation => "organisation",
    }
}

const COLUMNS: &str =
    "applicant_id, kind, id_number, name, phone, address, registration_number, updated_at, rowid";

fn read(r: &Row<'_>) -> rusqlite::Result<(Applicant, i64)> {
    let kind: String = r.get(1)?;
    let updated: String = r.get(7)?;
    Ok((
        Applicant {
            applicant_id: r.get(0)?,
            kind: if kind == "organisation" {
                ApplicantKind::Organisation
            } else {
                ApplicantKind::Person
            },
            id_number: r.get(2)?,
            name: r.get(3)?,
            phone: r.get(4)?,
            address: r.get(5)?,
            registration_number: r.get(6)?,
            updated_at: DateTime::parse_from_rfc3339(&updated)
                .map(|d| d.with_timezone(&Utc))
                .unwrap_or_default(),
        },
        r.get(8)?,
    ))
}

fn query_one(
    conn: &Connection,
    filter: &str,
    arg: &dyn rusqlite::ToSql,
) -> Result<Option<(Applicant, i64)>> {
    let sql = format!("SELECT {COLUMNS} FROM applicants WHERE {filter}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([arg], read)
        .optional()?)
}

/// Registers an applicant with the given registration number; refuses a second record for the
/// same ID number and type.
pub fn insert(
    conn: &Connection,
    device_id: &str,
    new: &NewApplicant,
    registration_number: &str,
    now: DateTime<Utc>,
) -> Result<Applicant> {
    if let Some(existing) = by_id_number(conn, new.kind, &new.id_number)? {
        return Err(LocalError::ApplicantExists {
            registration_number: existing.registration_number,
        });
    }
    let applicant = Applicant {
        applicant_id: uuid::Uuid::now_v7().to_string(),
        kind: new.kind,
        id_number: new.id_number.clone(),
        name: new.name.clone(),
        phone: new.phone.clone(),
        address: new.address.clone(),
        registration_number: registration_number.to_owned(),
        updated_at: now,
    };
    conn.prepare_cached(
        "INSERT INTO applicants (applicant_id, kind, id_number, name, phone, address,
             registration_number, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![
        applicant.applicant_id,
        kind_str(applicant.kind),
        applicant.id_number,
        applicant.name,
        applicant.phone,
        applicant.address,
        applicant.registration_number,
        now.to_rfc3339()
    ])?;
    search::index_name(conn, conn.last_insert_rowid(), None, &applicant.name)?;
    outbox::append(
        conn,
        device_id,
        op_kind::APPLICANT_UPSERT,
        None,
        serde_json::to_value(applicant.to_record())?,
        now,
    )?;
    Ok(applicant)
}

/// Applies `changes`, keeping each changed field in the history with the case it came from.
/// Returns the applicant and whether anything changed (only then is an op appended).
pub fn update(
    conn: &Connection,
    device_id: &str,
    applicant_id: &str,
    changes: &ApplicantChanges,
    case_id: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(Applicant, bool)> {
    let (mut a, row) = query_one(conn, "applicant_id = ?1", &applicant_id)?.ok_or_else(|| {
        LocalError::ApplicantNotFound {
            applicant_id: applicant_id.to_owned(),
        }
    })?;
    let old_name = a.name.clone();
    let mut changed = Vec::new();
    if let Some(name) = changes.name.as_ref().filter(|n| **n != a.name) {
        changed.push(("name", Some(a.name.clone()), Some(name.clone())));
        a.name = name.clone();
    }
    if let Some(phone) = changes
        .phone
        .as_ref()
        .filter(|p| Some(*p) != a.phone.as_ref())
    {
        changed.push(("phone", a.phone.clone(), Some(phone.clone())));
        a.phone = Some(phone.clone());
    }
    if let Some(addr) = changes
        .address
        .as_ref()
        .filter(|p| Some(*p) != a.address.as_ref())
    {
        changed.push(("address", a.address.clone(), Some(addr.clone())));
        a.address = Some(addr.clone());
    }
    if changed.is_empty() {
        return Ok((a, false));
    }
    a.updated_at = now;
    let now_s = now.to_rfc3339();
    for (field, old, new) in &changed {
        conn.prepare_cached(
            "INSERT INTO applicant_history (applicant_id, field, old_value, new_value, case_id, actor, changed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![a.applicant_id, field, old, new, case_id, actor, now_s])?;
    }
    conn.prepare_cached(
        "UPDATE applicants SET name = ?2, phone = ?3, address = ?4, updated_at = ?5 WHERE applicant_id = ?1",
    )?
    .execute(params![a.applicant_id, a.name, a.phone, a.address, now_s])?;
    if changed.iter().any(|c| c.0 == "name") {
        search::index_name(conn, row, Some(&old_name), &a.name)?;
    }
    outbox::append(
        conn,
        device_id,
        op_kind::APPLICANT_UPSERT,
        None,
        serde_json::to_value(a.to_record())?,
        now,
    )?;
    Ok((a, true))
}

pub fn get(conn: &Connection, applicant_id: &str) -> Result<Applicant> {
    query_one(conn, "applicant_id = ?1", &applicant_id)?
        .map(|(a, _)| a)
        .ok_or_else(|| LocalError::ApplicantNotFound {
            applicant_id: applicant_id.to_owned(),
        })
}

/// By normalised ID number (unique per type).
pub fn by_id_number(
    conn: &Connection,
    kind: ApplicantKind,
    id_number: &str,
) -> Result<Option<Applicant>> {
    let sql = format!("SELECT {COLUMNS} FROM applicants WHERE kind = ?1 AND id_number = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![kind_str(kind), id_number], read)
        .optional()?
        .map(|(a, _)| a))
}

fn many(conn: &Connection, sql: &str, arg: &dyn rusqlite::ToSql) -> Result<Vec<Applicant>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([arg], read)?;
    let mut out = Vec::new();
    for r in rows {
        out.push(r?.0);
    }
    Ok(out)
}

/// By normalised phone number.
pub fn by_phone(conn: &Connection, phone: &str, limit: usize) -> Result<Vec<Applicant>> {
    let sql = format!("SELECT {COLUMNS} FROM applicants WHERE phone = ?1 LIMIT {limit}");
    many(conn, &sql, &phone)
}

/// Names containing `query` (see [`search`] for 1, 2 and 3+ characters).
pub fn by_name(conn: &Connection, query: &str, limit: usize) -> Result<Vec<Applicant>> {
    let rows = search::name_rows(conn, query, limit)?;
    let sql = format!("SELECT {COLUMNS} FROM applicants WHERE rowid = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some((a, _)) = stmt.query_row([row], read).optional()? {
            out.push(a);
        }
    }
    Ok(out)
}

/// One recorded change of an applicant field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// The case whose form carried the change, when it came from one.
    pub case_id: Option<String>,
}

/// The recorded changes of an applicant, oldest first.
pub fn history(conn: &Connection, applicant_id: &str) -> Result<Vec<HistoryEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT field, old_value, new_value, case_id FROM applicant_history
         WHERE applicant_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([applicant_id], |r| {
        Ok(HistoryEntry {
            field: r.get(0)?,
            old_value: r.get(1)?,
            new_value: r.get(2)?,
            case_id: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
