//! 补正 (行政许可法 art. 32 (4)): when materials are incomplete or not in legal form, the window
//! tells the applicant everything to supply, once (一次性告知), within 5 working days of receipt;
//! missing that deadline makes the application accepted from the day of receipt. The deadline is
//! kept on the case (`flow.supplement_notice_due`) and enforced by `onestop_domain`.

use onestop_domain::lifecycle::Transition;
use onestop_local::case_repo::StoredCase;
use onestop_local::{attachments, Db};
use onestop_protocol::MaterialReceipt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::path::Path;

use super::new_case::{change, import_all, record};
use super::{materials, Actor, AttachmentInput, Ctx, DeskError};

/// One line of the notice: a material (by id, when it is one of the item's) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementItem {
    pub material_id: Option<String>,
    /// 缺少 / 需提供原件 / 复印件不清晰 …
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementNoticeInput {
    pub actor: Actor,
    pub case_id: String,
    pub items: Vec<SupplementItem>,
}

/// The one-time notice. Every required material still missing must be on it: the law allows one
/// notice only, so a notice that forgets one would strand the applicant.
pub fn request_supplement(
    db: &mut Db,
    ctx: &Ctx,
    input: SupplementNoticeInput,
) -> Result<StoredCase, DeskError> {
    let SupplementNoticeInput {
        actor,
        case_id,
        items,
    } = input;
    change(
        db,
        ctx,
        &case_id,
        Box::new(move |_, snapshot, item, entries| {
            let mut missing = Vec::with_capacity(items.len());
            for i in &items {
                let name = match &i.material_id {
                    Some(id) => match item.materials.iter().find(|m| &m.id == id) {
                        Some(m) => m.name.clone(),
                        None => {
                            return Err(DeskError::UnknownMaterial {
                                material_id: id.clone(),
                            })
                        }
                    },
                    None => String::new(),
                };
                missing.push(match (name.is_empty(), i.problem.trim()) {
                    (false, "") => name,
                    (false, p) => format!("{name}：{p}"),
                    (true, p) => p.to_owned(),
                });
            }
            let applied = snapshot.flow.apply(
                &actor.role,
                &Transition::RequestSupplement { missing },
                ctx.today,
            )?;
            // After the domain's own checks (one notice only, on time), so their reasons win.
            let unlisted: Vec<String> = materials::not_satisfied(item, &snapshot.materials)
                .into_iter()
                .filter(|m| {
                    !items
                        .iter()
                        .any(|i| i.material_id.as_deref() == Some(&m.id))
                })
                .map(|m| m.name.clone())
                .collect();
            if !unlisted.is_empty() {
                return Err(DeskError::SupplementIncomplete { names: unlisted });
            }
            let data = json!({ "items": items, "notice_due": snapshot.flow.supplement_notice_due });
            record(snapshot, applied, &actor, ctx, data, entries);
            Ok(())
        }),
    )
}

/// The supplement arrived: what came, and the scans of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementInput {
    pub actor: Actor,
    pub case_id: String,
    /// What arrived; empty means "everything the notice listed", recorded as the guide asks.
    pub materials: Vec<MaterialReceipt>,
    #[serde(default)]
    pub attachments: Vec<AttachmentInput>,
}

pub fn record_supplement(
    db: &mut Db,
    data_dir: &Path,
    ctx: &Ctx,
    input: SupplementInput,
) -> Result<StoredCase, DeskError> {
    let files = import_all(data_dir, &input.attachments)?;
    let SupplementInput {
        actor,
        case_id,
        materials: arrived,
        ..
    } = input;
    let id = case_id.clone();
    change(
        db,
        ctx,
        &case_id,
        Box::new(move |tx, snapshot, item, entries| {
            let arrived = if arrived.is_empty() {
                materials::as_the_guide_asks(item, &snapshot.materials)
            } else {
                arrived.clone()
            };
            materials::check_known(item, &arrived)?;
            let applied = snapshot
                .flow
                .apply(&actor.role, &Transition::Supplement, ctx.today)?;
            materials::merge(&mut snapshot.materials, &arrived);
            for a in &files {
                attachments::link(tx, &id, a, ctx.now)?;
                if !snapshot.attachments.contains(a) {
                    snapshot.attachments.push(a.clone());
                }
            }
            record(
                snapshot,
                applied,
                &actor,
                ctx,
                json!({ "materials": arrived }),
                entries,
            );
            Ok(())
        }),
    )
}
