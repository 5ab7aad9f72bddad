//! 不予受理 (行政许可法 art. 32 (1), (2)): with the reason, the legal basis, and the competent
//! agency when the matter belongs to another one. `onestop_domain` refuses a refusal without a
//! reason or basis, and one after the notice deadline passed (the case is then deemed accepted).

use onestop_domain::lifecycle::Transition;
use onestop_local::case_repo::StoredCase;
use onestop_local::Db;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::new_case::{change, record};
use super::{Actor, Ctx, DeskError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectInput {
    pub actor: Actor,
    pub case_id: String,
    pub reason: String,
    pub legal_basis: String,
    pub competent_agency: Option<String>,
}

pub fn reject(db: &mut Db, ctx: &Ctx, input: RejectInput) -> Result<StoredCase, DeskError> {
    let RejectInput {
        actor,
        case_id,
        reason,
        legal_basis,
        competent_agency,
    } = input;
    change(
        db,
        ctx,
        &case_id,
        Box::new(move |_, snapshot, _, entries| {
            let t = Transition::Reject {
                reason: reason.trim().to_owned(),
                legal_basis: legal_basis.trim().to_owned(),
                competent_agency: competent_agency
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty()),
            };
            let applied = snapshot.flow.apply(&actor.role, &t, ctx.today)?;
            record(snapshot, applied, &actor, ctx, json!({}), entries);
            Ok(())
        }),
    )
}
