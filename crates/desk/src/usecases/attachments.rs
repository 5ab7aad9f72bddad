//! Importing a scan or photo for a case: copied into the data folder under its sha256, linked to
//! a material slot, recorded on the timeline and sent with the next case snapshot.

use std::path::Path;

use onestop_local::case_repo::StoredCase;
use onestop_local::{attachments, Db};
use onestop_protocol::AttachmentRef;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::new_case::{change, import_all};
use super::{Actor, AttachmentInput, Ctx, DeskError};
use onestop_local::timeline::NewEntry;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportAttachmentInput {
    pub actor: Actor,
    pub case_id: String,
    pub attachment: AttachmentInput,
}

pub fn import_attachment(
    db: &mut Db,
    data_dir: &Path,
    ctx: &Ctx,
    input: ImportAttachmentInput,
) -> Result<(AttachmentRef, StoredCase), DeskError> {
    let file = import_all(data_dir, std::slice::from_ref(&input.attachment))?
        .into_iter()
        .next()
        .ok_or_else(|| DeskError::Internal("附件导入没有结果".into()))?;
    let linked = file.clone();
    let case_id = input.case_id.clone();
    let stored = change(
        db,
        ctx,
        &input.case_id,
        Box::new(move |tx, snapshot, item, entries| {
            let known_slot = item.materials.iter().any(|m| m.id == linked.slot)
                || linked.slot == super::proxy::AUTHORISATION_SLOT;
            if !known_slot {
                return Err(DeskError::UnknownMaterial {
                    material_id: linked.slot.clone(),
                });
            }
            attachments::link(tx, &case_id, &linked, ctx.now)?;
            if !snapshot.attachments.contains(&linked) {
                snapshot.attachments.push(linked.clone());
            }
            entries.push(NewEntry {
                at: ctx.now,
                actor: input.actor.account.clone(),
                kind: "attachment.added".into(),
                event: None,
                data: json!({ "slot": linked.slot, "sha256": linked.sha256, "size": linked.size }),
            });
            Ok(())
        }),
    )?;
    Ok((file, stored))
}
