//! 受理 (行政许可法 art. 32 (5)): complete and conforming materials must be accepted. A required
//! material that is missing blocks acceptance unless 容缺受理 is recorded with a reason for an
//! item that allows it. The decision clock (art. 42) runs from the acceptance date in law, which
//! `onestop_domain` computes (the day the complete supplement arrived, or the receipt day when
//! the notice deadline was missed).

use std::path::Path;

use onestop_domain::catalogue::Item;
use onestop_domain::lifecycle::Transition;
use onestop_domain::supervision::due_date;
use onestop_local::case_repo::StoredCase;
use onestop_local::timeline::NewEntry;
use onestop_local::Db;
use onestop_protocol::CaseSnapshot;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::new_case::{change, receive, record};
use super::{materials, Actor, Ctx, DeskError, NewCaseInput};

/// Accepts a received case in place (inside the caller's transaction).
pub(super) fn accept_in_place(
    snapshot: &mut CaseSnapshot,
    item: &Item,
    actor: &Actor,
    ctx: &Ctx,
    entries: &mut Vec<NewEntry>,
) -> Result<(), DeskError> {
    let applied = snapshot
        .flow
        .apply(&actor.role, &Transition::Accept, ctx.today)?;
    materials::check_complete(item, &snapshot.materials)?;
    let accepted_on = applied.flow.accepted_on.unwrap_or(ctx.today);
    let due = due_date(
        &ctx.calendar,
        accepted_on,
        item.promised_limit_working_days,
        0,
        0,
    );
    snapshot.due_on = Some(due.date);
    snapshot.due_provisional = due.provisional;
    let waived: Vec<_> = snapshot
        .materials
        .iter()
        .filter(|m| m.waived_reason.is_some())
        .map(|m| json!({ "material_id": m.material_id, "reason": m.waived_reason }))
        .collect();
    let data = json!({ "due_on": due.date, "due_provisional": due.provisional, "waived": waived });
    record(snapshot, applied, actor, ctx, data, entries);
    Ok(())
}

/// A new application received and accepted on the spot.
pub fn accept(
    db: &mut Db,
    data_dir: &Path,
    ctx: &Ctx,
    input: NewCaseInput,
) -> Result<StoredCase, DeskError> {
    let actor = input.actor.clone();
    receive(
        db,
        data_dir,
        ctx,
        input,
        Box::new(move |_, snapshot, item, entries| {
            accept_in_place(snapshot, item, &actor, ctx, entries)
        }),
    )
}

/// 收件 only: a village agent's case (accepted later by the township window), or a case whose
/// materials need a supplement notice first.
pub fn receive_only(
    db: &mut Db,
    data_dir: &Path,
    ctx: &Ctx,
    input: NewCaseInput,
) -> Result<StoredCase, DeskError> {
    receive(db, data_dir, ctx, input, Box::new(|_, _, _, _| Ok(())))
}

/// Accepting a case already received (after its supplement, or after it was carried in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptReceivedInput {
    pub actor: Actor,
    pub case_id: String,
    /// 容缺受理 recorded now: `(material_id, reason)`.
    #[serde(default)]
    pub waivers: Vec<(String, String)>,
}

pub fn accept_received(
    db: &mut Db,
    ctx: &Ctx,
    input: AcceptReceivedInput,
) -> Result<StoredCase, DeskError> {
    let AcceptReceivedInput {
        actor,
        case_id,
        waivers,
    } = input;
    change(
        db,
        ctx,
        &case_id,
        Box::new(move |_, snapshot, item, entries| {
            for (material_id, reason) in waivers {
                let receipt = onestop_protocol::MaterialReceipt {
                    material_id: material_id.clone(),
                    originals: 0,
                    copies: 0,
                    electronic: false,
                    waived_reason: Some(reason),
                };
                match snapshot
                    .materials
                    .iter_mut()
                    .find(|m| m.material_id == material_id)
                {
                    Some(m) => m.waived_reason = receipt.waived_reason,
                    None => snapshot.materials.push(receipt),
                }
            }
            accept_in_place(snapshot, item, &actor, ctx, entries)
        }),
    )
}
