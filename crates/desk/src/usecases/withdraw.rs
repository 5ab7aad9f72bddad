//! 撤回 at the applicant's request, before a decision. The reason is kept on the timeline.

use onestop_domain::lifecycle::Transition;
use onestop_local::case_repo::StoredCase;
use onestop_local::Db;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::new_case::{change, record};
use super::{Actor, Ctx, DeskError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawInput {
    pub actor: Actor,
    pub case_id: String,
    pub reason: String,
}

pub fn withdraw(db: &mut Db, ctx: &Ctx, input: WithdrawInput) -> Result<StoredCase, DeskError> {
    let WithdrawInput {
        actor,
        case_id,
        reason,
    } = input;
    change(
        db,
        ctx,
        &case_id,
        Box::new(move |_, snapshot, _, entries| {
            let t = Transition::Withdraw {
                reason: reason.trim().to_owned(),
            };
            let applied = snapshot.flow.apply(&actor.role, &t, ctx.today)?;
            record(snapshot, applied, &actor, ctx, json!({}), entries);
            Ok(())
        }),
    )
}
