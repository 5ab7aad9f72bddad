//! Cases a village agent received and forwarded (收件并转交, DOMAIN.md §7): the agent files and
//! carries a case but never decides it, so the receiving decision belongs to the window the
//! village window reports to (its `parent_window_id`, usually the township's). Its clerks see
//! those cases in their inbox and may accept or refuse them on the server.

use onestop_domain::lifecycle::{ActionKind, CaseStatus, Role};

use crate::api::AppError;
use crate::store::{Store, StoredCase, UserRow};

/// The statuses in which a forwarded case waits for the parent window's decision, as stored.
pub fn waiting() -> Vec<String> {
    CaseStatus::FORWARDED_WAITING
        .iter()
        .map(|s| s.name().to_owned())
        .collect()
}

/// Whether `user` is a clerk of the window `case`'s window forwards to, taking a decision that
/// window may take for it. 补正 stays with the agent's window: a notice the server issued would
/// make the supplement the agent records a server-owned step (§5 ownership), so it is not offered.
pub async fn may_decide(
    store: &dyn Store,
    user: &UserRow,
    case: &StoredCase,
    action: ActionKind,
    part: Option<&str>,
) -> Result<bool, AppError> {
    if user.role != Role::WindowClerk
        || part.is_some()
        || !matches!(action, ActionKind::Accept | ActionKind::Reject)
    {
        return Ok(false);
    }
    let Some(clerk_window) = user.window_id.as_deref() else {
        return Ok(false);
    };
    let origin = store.window(&case.window_id).await?;
    Ok(origin.is_some_and(|w| w.parent_window_id.as_deref() == Some(clerk_window)))
}
