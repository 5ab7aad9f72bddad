//! 即办件: received, accepted and decided on the spot by the window (GB/T 39046 A.6 code 1). All
//! required materials must be there: a decision cannot wait for a missing one.

use std::path::Path;

use onestop_domain::lifecycle::Transition;
use onestop_local::case_repo::StoredCase;
use onestop_local::Db;
use serde_json::json;

use super::new_case::{receive, record};
use super::{materials, Ctx, DeskError, NewCaseInput};

pub fn complete_instantly(
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
            let applied =
                snapshot
                    .flow
                    .apply(&actor.role, &Transition::CompleteOnSpot, ctx.today)?;
            if snapshot.materials.iter().any(|m| m.waived_reason.is_some()) {
                return Err(DeskError::WaiverNotAllowed);
            }
            materials::check_complete(item, &snapshot.materials)?;
            snapshot.due_on = Some(ctx.today);
            snapshot.due_provisional = false;
            record(snapshot, applied, &actor, ctx, json!({}), entries);
            Ok(())
        }),
    )
}
