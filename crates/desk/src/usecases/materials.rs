//! Which required materials are still missing, and whether 容缺受理 may cover them.

use onestop_domain::catalogue::{Item, Material};
use onestop_protocol::MaterialReceipt;

use super::DeskError;

/// Whether what arrived for `m` satisfies the item: an accepted electronic document, or at least
/// the originals and copies the item asks for.
fn satisfied(m: &Material, r: &MaterialReceipt) -> bool {
    (r.electronic && m.electronic_allowed) || (r.originals >= m.originals && r.copies >= m.copies)
}

/// Refuses receipts for materials the item does not list.
pub fn check_known(item: &Item, received: &[MaterialReceipt]) -> Result<(), DeskError> {
    for r in received {
        if !item.materials.iter().any(|m| m.id == r.material_id) {
            return Err(DeskError::UnknownMaterial {
                material_id: r.material_id.clone(),
            });
        }
    }
    Ok(())
}

/// Required materials neither satisfied nor waived.
pub fn missing<'a>(item: &'a Item, received: &[MaterialReceipt]) -> Vec<&'a Material> {
    item.materials
        .iter()
        .filter(|m| m.required)
        .filter(|m| {
            let r = received.iter().find(|r| r.material_id == m.id);
            !r.is_some_and(|r| satisfied(m, r) || r.waived_reason.is_some())
        })
        .collect()
}

/// Required materials not satisfied (waived or not): what a supplement notice must list.
pub fn not_satisfied<'a>(item: &'a Item, received: &[MaterialReceipt]) -> Vec<&'a Material> {
    item.materials
        .iter()
        .filter(|m| m.required)
        .filter(|m| {
            !received
                .iter()
                .any(|r| r.material_id == m.id && satisfied(m, r))
        })
        .collect()
}

/// Whether 容缺受理 is available for the item.
///
/// 容缺受理 is a per-item policy of the catalogue (the domain refuses it on a 即办件).
pub fn waiver_allowed(item: &Item) -> bool {
    item.waiver_allowed
}

/// Checks the 容缺 entries (allowed for the item, reason given) and that nothing else is missing.
pub fn check_complete(item: &Item, received: &[MaterialReceipt]) -> Result<(), DeskError> {
    check_known(item, received)?;
    let waived: Vec<&MaterialReceipt> = received
        .iter()
        .filter(|r| r.waived_reason.is_some())
        .collect();
    if !waived.is_empty() && !waiver_allowed(item) {
        return Err(DeskError::WaiverNotAllowed);
    }
    for r in waived {
        if r.waived_reason
            .as_deref()
            .is_some_and(|s| s.trim().is_empty())
        {
            return Err(DeskError::WaiverReasonRequired {
                material_id: r.material_id.clone(),
            });
        }
    }
    let missing = missing(item, received);
    if missing.is_empty() {
        return Ok(());
    }
    Err(DeskError::MaterialsMissing {
        ids: missing.iter().map(|m| m.id.clone()).collect(),
        names: missing.iter().map(|m| m.name.clone()).collect(),
        waivable: waiver_allowed(item),
    })
}

/// Merges a later delivery into what the case holds: per material, the newer receipt wins, and a
/// material that now arrived is no longer waived.
/// 补正 confirmed without counts: every material the guide requires that is not yet satisfied is
/// recorded as it asks (at least what was already received), so the clerk only confirms.
pub fn as_the_guide_asks(item: &Item, held: &[MaterialReceipt]) -> Vec<MaterialReceipt> {
    not_satisfied(item, held)
        .into_iter()
        .map(|m| {
            let had = held.iter().find(|h| h.material_id == m.id);
            MaterialReceipt {
                material_id: m.id.clone(),
                originals: had.map_or(0, |h| h.originals).max(m.originals),
                copies: had.map_or(0, |h| h.copies).max(m.copies),
                electronic: had.is_some_and(|h| h.electronic),
                waived_reason: None,
            }
        })
        .collect()
}

pub fn merge(held: &mut Vec<MaterialReceipt>, arrived: &[MaterialReceipt]) {
    for a in arrived {
        match held.iter_mut().find(|h| h.material_id == a.material_id) {
            Some(h) => *h = a.clone(),
            None => held.push(a.clone()),
        }
    }
}

/// What a 一次性告知 line says of a required material that is short, in the notice's language
/// (Chinese, whatever language the window's screens are in): missing altogether, or short of
/// the originals or copies the item asks for.
pub fn shortfall(m: &Material, received: &[MaterialReceipt]) -> String {
    match received.iter().find(|r| r.material_id == m.id) {
        Some(r) if r.originals > 0 || r.copies > 0 || r.electronic => format!(
            "份数不足：应交原件 {} 份、复印件 {} 份，现收原件 {} 份、复印件 {} 份",
            m.originals, m.copies, r.originals, r.copies
        ),
        _ => "缺少该材料".to_owned(),
    }
}
