//! A step on a case the server owns (ARCHITECTURE.md §5: the status is the server's after
//! acceptance), taken by the window online: 送达 (`desk_delivery`) and 撤回 after acceptance
//! (`desk_withdraw`). Not an outbox op, which the server would not apply to a case it has acted
//! on: the step is sent with the version the window last saw, so a step the server cannot take
//! any more fails loudly instead of being lost. The window then holds the server's answer at
//! once, and the change log brings the timeline line.

use std::time::Duration;

use onestop_domain::lifecycle::Transition;
use onestop_local::sync_state::{self, ServerCaseState};
use onestop_protocol::{ApiError, CaseActionRequest};
use onestop_sync::{ServerClient, SyncError};

use crate::desk::Desk;

const ACTION_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a step on the server did not happen.
#[derive(Debug)]
pub(crate) enum ServerActionFailure {
    /// The server could not be reached.
    Offline,
    /// The session is an offline sign-in, or the server no longer knows it.
    NeedsOnlineSignIn,
    /// The server refused the step (its code and Chinese message).
    Refused(ApiError),
}

impl Desk {
    /// Takes `transition` on `case_id` on the server, expecting the case at `version`, and stores
    /// the server's answer.
    pub(crate) async fn act_on_server(
        &self,
        case_id: &str,
        transition: Transition,
        version: u64,
    ) -> Result<(), ServerActionFailure> {
        let refused = |e: ApiError| ServerActionFailure::Refused(e);
        let signer = self.signer().await.map_err(refused)?;
        let client = ServerClient::new(&self.sync_server_url(), ACTION_TIMEOUT)
            .map_err(|e| refused(e.to_api_error()))?;
        let request = CaseActionRequest {
            transition,
            part: None,
            expected_version: Some(version),
        };
        let answer = match client.case_action(case_id, &request, signer.as_ref()).await {
            Ok(a) => a.value,
            Err(SyncError::Unreachable(_) | SyncError::BadResponse { .. }) => {
                return Err(ServerActionFailure::Offline)
            }
            Err(SyncError::Server(e)) if e.code.starts_with("auth.") => {
                return Err(ServerActionFailure::NeedsOnlineSignIn)
            }
            Err(e) => return Err(refused(e.to_api_error())),
        };
        tracing::info!(case = %case_id, version = answer.version, status = answer.status.name(), "step taken on the server");
        let status = answer.status.name();
        let id = case_id.to_owned();
        let now = chrono::Utc::now();
        self.store()
            .await
            .map_err(|e| refused(e.into()))?
            .run(move |db, _| {
                let state = ServerCaseState {
                    status,
                    due_on: answer.due_on,
                    due_provisional: answer.due_provisional,
                    version: answer.version,
                };
                Ok(sync_state::apply_server_state(db.conn(), &id, &state, now)?)
            })
            .await
            .map_err(|e| refused(e.into()))?;
        // The change log carries the same step with its timeline line; fetch it now.
        if let Err(e) = self.sync_now() {
            tracing::debug!(code = %e.code, "no sync round after the step");
        }
        Ok(())
    }
}
