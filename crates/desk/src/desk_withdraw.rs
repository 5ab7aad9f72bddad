//! 撤回申请: the applicant withdraws the application, with their reason on the timeline.
//!
//! Before acceptance the case is this window's, and the step is an outbox op like any other (it
//! works offline). Once accepted the status is the server's (ARCHITECTURE.md §5), and an op would
//! be dropped if an approver acted first, so the step is taken online on the server
//! (`desk_server_action`). A village agent's case waits on the server for the parent window,
//! which may accept it at any moment, so it is withdrawn there too once the server has it.

use onestop_domain::lifecycle::{role_permits, ActionKind, CaseStatus, Role, Transition};
use onestop_local::case_repo;
use onestop_local::sync_state;
use onestop_protocol::ApiError;

use crate::desk::Desk;
use crate::desk_server_action::ServerActionFailure;
use crate::usecases::withdraw::WithdrawInput;
use crate::usecases::DeskError;
use crate::views::CaseView;

#[derive(Debug, thiserror::Error)]
pub enum WithdrawError {
    #[error("当前账号无权办理撤回")]
    NotPermitted,
    #[error("办件已受理，撤回须在服务器上登记，但该办件尚未同步到服务器；请联网同步后再撤回")]
    NotSynced,
    #[error("无法连接服务器；已受理的办件须在联网时撤回，请稍后在办件页重试")]
    Offline,
    #[error("本次为离线登录，撤回已受理的办件前请联网后重新登录")]
    NeedsOnlineSignIn,
}

impl WithdrawError {
    pub fn code(&self) -> &'static str {
        match self {
            WithdrawError::NotPermitted => "withdraw.not_permitted",
            WithdrawError::NotSynced => "withdraw.not_synced",
            WithdrawError::Offline => "withdraw.offline",
            WithdrawError::NeedsOnlineSignIn => "withdraw.needs_online_sign_in",
        }
    }
}

impl From<WithdrawError> for ApiError {
    fn from(e: WithdrawError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

impl Desk {
    /// 撤回 of `case_id` at the applicant's request; returns the case page.
    pub async fn withdraw_case(
        &self,
        case_id: String,
        reason: String,
    ) -> Result<CaseView, ApiError> {
        let actor = self.actor()?;
        if !role_permits(&actor.role, ActionKind::Withdraw) {
            return Err(WithdrawError::NotPermitted.into());
        }
        let ctx = self.ctx();
        let id = case_id.clone();
        let (stored, known) = self
            .store()
            .await?
            .run(move |db, _| {
                let conn = db.conn();
                Ok((
                    case_repo::get(conn, &id)?,
                    sync_state::server_state(conn, &id)?,
                ))
            })
            .await?;
        let server = known
            .as_ref()
            .and_then(|k| CaseStatus::from_name(&k.status));
        let shown = CaseStatus::shown(stored.snapshot.flow.status, server);
        let transition = Transition::Withdraw {
            reason: reason.trim().to_owned(),
        };
        // The domain decides, before anything is sent: the status shown must allow 撤回, and the
        // applicant's reason must be there.
        let mut probe = stored.snapshot.flow.clone();
        probe.status = shown;
        probe
            .apply(&actor.role, &transition, ctx.today)
            .map_err(DeskError::from)?;

        let on_server =
            shown.is_in_handling() || (actor.role == Role::ProxyAgent && known.is_some());
        if !on_server {
            self.withdraw(WithdrawInput {
                actor,
                case_id: case_id.clone(),
                reason: reason.trim().to_owned(),
            })
            .await?;
            tracing::info!(case = %case_id, "withdrawn at the window");
            return self.case_view(case_id).await;
        }
        let known = known.ok_or(WithdrawError::NotSynced)?;
        match self
            .act_on_server(&case_id, transition, known.version)
            .await
        {
            Ok(()) => {}
            Err(ServerActionFailure::Offline) => return Err(WithdrawError::Offline.into()),
            Err(ServerActionFailure::NeedsOnlineSignIn) => {
                return Err(WithdrawError::NeedsOnlineSignIn.into())
            }
            Err(ServerActionFailure::Refused(e)) => return Err(e),
        }
        tracing::info!(case = %case_id, "withdrawn on the server");
        self.case_view(case_id).await
    }
}
