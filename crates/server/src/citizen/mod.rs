//! The citizen status page behind the QR code of every voucher (ARCHITECTURE.md §6): the status
//! and the promised date of a case, shown only to whoever gives the last 4 characters of the
//! applicant's ID number, and whether the voucher's signature holds. It answers an unknown number
//! and a wrong ID tail alike, and compares the tail in constant time.

mod client_ip;
mod limiter;
mod page;

use onestop_domain::lifecycle::CaseStatus;
use onestop_domain::numbering::AcceptanceNumber;
use onestop_protocol::voucher_signature::{self, VOUCHER_PRINTED};
use onestop_protocol::{CaseSnapshot, VoucherPrinted};
use subtle::ConstantTimeEq;

pub use client_ip::client_ip;
pub use limiter::RateLimiter;
pub use page::{form_page, not_found_page, rate_limited_page, status_page};

use crate::store::{Store, StoreError, StoredCase};

/// What the page shows after the right ID tail.
#[derive(Debug, Clone, PartialEq)]
pub struct CitizenStatus {
    /// The number in printed groups.
    pub number: String,
    pub status: CaseStatus,
    pub due_on: Option<chrono::NaiveDate>,
    pub due_provisional: bool,
    /// `None` when no signature was given; otherwise whether it verified.
    pub signature_valid: Option<bool>,
}

/// Normalises what a citizen typed as the last 4 characters of the ID (x and X alike).
fn tail_of(s: &str) -> Option<[u8; 4]> {
    let t: Vec<u8> = s.trim().bytes().map(|b| b.to_ascii_uppercase()).collect();
    <[u8; 4]>::try_from(t.as_slice()).ok()
}

/// Whether `signature` verifies against a printed voucher of the case with the device's key.
pub async fn signature_valid(
    store: &dyn Store,
    case: &StoredCase,
    signature: &str,
) -> Result<bool, StoreError> {
    let Some(device) = store.device(&case.device_id).await? else {
        return Ok(false);
    };
    let Ok(snapshot) = serde_json::from_str::<CaseSnapshot>(&case.snapshot_json) else {
        return Ok(false);
    };
    Ok(snapshot
        .timeline
        .iter()
        .filter(|t| t.kind == VOUCHER_PRINTED)
        .filter_map(|t| serde_json::from_value::<VoucherPrinted>(t.data.clone()).ok())
        .filter_map(|p| p.hash_bytes())
        .any(|hash| {
            voucher_signature::verify(
                &device.public_key,
                &case.acceptance_number,
                &hash,
                signature,
            )
            .is_ok()
        }))
}

/// The status of the case numbered `number`, when `id_tail` is the last 4 characters of the
/// applicant's ID number; `None` otherwise (unknown number and wrong tail alike).
pub async fn lookup(
    store: &dyn Store,
    number: &str,
    id_tail: &str,
    signature: Option<&str>,
) -> Result<Option<CitizenStatus>, StoreError> {
    let given = tail_of(id_tail);
    let Ok(number) = AcceptanceNumber::parse(number) else {
        return Ok(None);
    };
    let case = store.case_by_number(&number.to_string()).await?;
    let id_number = match &case {
        Some(c) => store.applicant_id_number(&c.applicant_id).await?,
        None => None,
    };
    // Compare against a stand-in when there is nothing to compare, so both paths do the same work.
    let expected = id_number
        .as_deref()
        .and_then(|n| n.len().checked_sub(4).map(|i| &n[i..]))
        .and_then(tail_of);
    let matches = match (given, expected) {
        (Some(g), Some(e)) => bool::from(g.ct_eq(&e)),
        (Some(g), None) => {
            let _ = g.ct_eq(b"\0\0\0\0");
            false
        }
        _ => false,
    };
    let (Some(case), true) = (case, matches) else {
        return Ok(None);
    };
    let flow = serde_json::from_str::<onestop_domain::lifecycle::CaseFlow>(&case.flow_json)
        .map_err(StoreError::from)?;
    let signature_valid = match signature.filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(signature_valid(store, &case, s).await?),
        None => None,
    };
    Ok(Some(CitizenStatus {
        number: number.grouped(),
        status: flow.status,
        due_on: case.due_on,
        due_provisional: case.due_provisional,
        signature_valid,
    }))
}
