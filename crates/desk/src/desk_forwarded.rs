//! 转交件: the cases this window's village 代办点 received and forwarded, decided here (受理 or
//! 不予受理) on the server, where they are (docs/decisions.md, "A forwarded case is decided on the
//! server"). The case stays the village window's, so nothing is written to this window's
//! database: the list is read from the server each time, and the decision is an online action.

use std::sync::Arc;
use std::time::Duration;

use onestop_domain::lifecycle::{role_permits, ActionKind, CaseStatus, Transition};
use onestop_local::catalogue_repo;
use onestop_protocol::{ApiError, CaseActionRequest, InboxEntry};
use onestop_sync::{ServerClient, SyncError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::desk::Desk;
use crate::sync::signer::DeskSigner;

const FORWARDED_TIMEOUT: Duration = Duration::from_secs(15);

/// One forwarded case waiting for this window's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ForwardedCase {
    pub case_id: String,
    pub acceptance_number: String,
    pub acceptance_number_grouped: String,
    pub item_name: String,
    /// Empty when the server did not send it.
    pub applicant_name: String,
    pub department: String,
    pub status_label: String,
    /// The server's version of the case, sent back with the decision so a case someone else
    /// decided meanwhile is refused, not decided twice. (A count of actions: a JS number.)
    #[ts(type = "number")]
    pub version: u64,
}

/// The clerk's decision on one forwarded case. 不予受理 needs the reason and the legal basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ForwardedDecision {
    pub case_id: String,
    #[ts(type = "number")]
    pub version: u64,
    pub accept: bool,
    pub reason: String,
    pub legal_basis: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ForwardedError {
    #[error("当前账号无权受理转交的办件")]
    NotPermitted,
    #[error("无法连接服务器，代办点转交的办件须联网后受理")]
    Offline,
    #[error("本次为离线登录，处理转交件前请联网后重新登录")]
    NeedsOnlineSignIn,
    #[error("不予受理须写明理由和法律依据")]
    ReasonRequired,
}

impl ForwardedError {
    pub fn code(&self) -> &'static str {
        match self {
            ForwardedError::NotPermitted => "forwarded.not_permitted",
            ForwardedError::Offline => "forwarded.offline",
            ForwardedError::NeedsOnlineSignIn => "forwarded.needs_online_sign_in",
            ForwardedError::ReasonRequired => "forwarded.reason_required",
        }
    }
}

impl From<ForwardedError> for ApiError {
    fn from(e: ForwardedError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

pub(crate) fn online_error(e: SyncError) -> ApiError {
    match e {
        SyncError::Unreachable(_) | SyncError::BadResponse { .. } => ForwardedError::Offline.into(),
        SyncError::Server(e) if e.code.starts_with("auth.") => {
            ForwardedError::NeedsOnlineSignIn.into()
        }
        SyncError::Server(e) => e,
        other => other.to_api_error(),
    }
}

impl Desk {
    /// The server client and the device's signer for the online reads and actions on forwarded
    /// cases.
    pub(crate) async fn forwarded_client(
        &self,
    ) -> Result<(ServerClient, Arc<DeskSigner>), ApiError> {
        let signer = self.signer().await?;
        let client = ServerClient::new(&self.sync_server_url(), FORWARDED_TIMEOUT)
            .map_err(|e| e.to_api_error())?;
        Ok((client, signer))
    }

    /// The forwarded cases waiting for this window, oldest deadline first as the server lists
    /// them. A window no village reports to gets an empty list.
    pub async fn forwarded_cases(&self) -> Result<Vec<ForwardedCase>, ApiError> {
        let actor = self.actor()?;
        if !role_permits(&actor.role, ActionKind::Accept) {
            return Ok(Vec::new());
        }
        let (client, signer) = self.forwarded_client().await?;
        let inbox = client
            .inbox(signer.as_ref())
            .await
            .map_err(online_error)?
            .value;
        let waiting: Vec<InboxEntry> = inbox
            .entries
            .into_iter()
            .filter(|e| e.part.is_none() && CaseStatus::FORWARDED_WAITING.contains(&e.status))
            .collect();
        let rows = self
            .store()
            .await?
            .run(move |db, _| {
                Ok(waiting
                    .into_iter()
                    .map(|e| ForwardedCase {
                        item_name: catalogue_repo::current_item(db.conn(), &e.item_impl_code)
                            .map(|iv| iv.item.name)
                            .unwrap_or_else(|_| e.item_impl_code.clone()),
                        applicant_name: e.applicant_name.unwrap_or_default(),
                        case_id: e.case_id,
                        acceptance_number_grouped:
                            onestop_domain::numbering::AcceptanceNumber::grouped_text(
                                &e.acceptance_number,
                            ),
                        acceptance_number: e.acceptance_number,
                        department: e.department,
                        status_label: e.status.label().to_owned(),
                        version: e.version,
                    })
                    .collect())
            })
            .await?;
        Ok(rows)
    }

    /// Accepts or refuses one forwarded case on the server and returns the list left.
    pub async fn decide_forwarded(
        &self,
        decision: ForwardedDecision,
    ) -> Result<Vec<ForwardedCase>, ApiError> {
        let actor = self.actor()?;
        if !role_permits(&actor.role, ActionKind::Accept) {
            return Err(ForwardedError::NotPermitted.into());
        }
        let transition = if decision.accept {
            Transition::Accept
        } else {
            let (reason, legal_basis) = (decision.reason.trim(), decision.legal_basis.trim());
            if reason.is_empty() || legal_basis.is_empty() {
                return Err(ForwardedError::ReasonRequired.into());
            }
            Transition::Reject {
                reason: reason.to_owned(),
                legal_basis: legal_basis.to_owned(),
                competent_agency: None,
            }
        };
        let (client, signer) = self.forwarded_client().await?;
        let request = CaseActionRequest {
            transition,
            part: None,
            expected_version: Some(decision.version),
        };
        let answer = client
            .case_action(&decision.case_id, &request, signer.as_ref())
            .await
            .map_err(online_error)?
            .value;
        tracing::info!(case = %decision.case_id, status = %answer.status.name(), "forwarded case decided");
        self.forwarded_cases().await
    }
}
