//! 送达: the citizen collects the result at the window that filed the case, and the clerk (or
//! the village agent) records it. After acceptance the status is the server's (ARCHITECTURE.md
//! §5, ownership), so the hand-over is an online step on the server (`desk_server_action`).

use onestop_domain::lifecycle::{can_take, role_permits, ActionKind, CaseStatus, Transition};
use onestop_local::sync_state;
use onestop_protocol::ApiError;

use crate::desk::Desk;
use crate::desk_server_action::ServerActionFailure;
use crate::views::CaseView;

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("当前账号无权登记送达")]
    NotPermitted,
    #[error("办件尚未同步到服务器，暂不能登记送达")]
    NotSynced,
    #[error("办件尚未作出决定（服务器状态：{status}），暂不能登记送达")]
    NotDecided { status: String },
    #[error("无法连接服务器，送达须在联网时登记，请稍后在办件页重试")]
    Offline,
    #[error("本次为离线登录，登记送达前请联网后重新登录")]
    NeedsOnlineSignIn,
}

impl DeliveryError {
    pub fn code(&self) -> &'static str {
        match self {
            DeliveryError::NotPermitted => "delivery.not_permitted",
            DeliveryError::NotSynced => "delivery.not_synced",
            DeliveryError::NotDecided { .. } => "delivery.not_decided",
            DeliveryError::Offline => "delivery.offline",
            DeliveryError::NeedsOnlineSignIn => "delivery.needs_online_sign_in",
        }
    }
}

impl From<DeliveryError> for ApiError {
    fn from(e: DeliveryError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

impl Desk {
    /// Records that the result of `case_id` was handed over (送达) and returns the case page.
    pub async fn deliver_result(&self, case_id: String) -> Result<CaseView, ApiError> {
        let actor = self.actor()?;
        if !role_permits(&actor.role, ActionKind::Deliver) {
            return Err(DeliveryError::NotPermitted.into());
        }
        let id = case_id.clone();
        let known = self
            .store()
            .await?
            .run(move |db, _| Ok(sync_state::server_state(db.conn(), &id)?))
            .await?
            .ok_or(DeliveryError::NotSynced)?;
        let server = CaseStatus::from_name(&known.status);
        if !server.is_some_and(|s| can_take(s, ActionKind::Deliver)) {
            let status = server.map_or_else(|| known.status.clone(), |s| s.label().to_owned());
            return Err(DeliveryError::NotDecided { status }.into());
        }
        match self
            .act_on_server(&case_id, Transition::Deliver, known.version)
            .await
        {
            Ok(()) => {}
            Err(ServerActionFailure::Offline) => return Err(DeliveryError::Offline.into()),
            Err(ServerActionFailure::NeedsOnlineSignIn) => {
                return Err(DeliveryError::NeedsOnlineSignIn.into())
            }
            Err(ServerActionFailure::Refused(e)) => return Err(e),
        }
        tracing::info!(case = %case_id, "result delivered");
        self.case_view(case_id).await
    }
}
