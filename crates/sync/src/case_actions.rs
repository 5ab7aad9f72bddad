//! Online actions on a server-owned case from the window (docs/protocol.md §6): 送达, which the
//! window that filed the case records when the citizen collects the result, and the decision
//! on a case a village window forwarded, which the window it reports to takes.

use onestop_protocol::{CaseActionRequest, CaseDetail, CaseView, Inbox};
use reqwest::StatusCode;

use crate::account::Answered;
use crate::transport::RequestSigner;
use crate::{ServerClient, SyncError};

impl ServerClient {
    /// `POST /v1/cases/{case_id}/actions`, signed by the device with the clerk's session.
    pub async fn case_action(
        &self,
        case_id: &str,
        request: &CaseActionRequest,
        signer: &dyn RequestSigner,
    ) -> Result<Answered<CaseView>, SyncError> {
        let path = format!("/v1/cases/{case_id}/actions");
        self.post_json(&path, request, Some(signer), StatusCode::OK)
            .await
    }

    /// `GET /v1/cases/{case_id}`, signed: one case with what its window filed.
    pub async fn case_detail(
        &self,
        case_id: &str,
        signer: &dyn RequestSigner,
    ) -> Result<Answered<CaseDetail>, SyncError> {
        self.get_signed_json(&format!("/v1/cases/{case_id}"), signer)
            .await
    }

    /// `GET /v1/inbox`, signed: what waits for this clerk on the server.
    pub async fn inbox(&self, signer: &dyn RequestSigner) -> Result<Answered<Inbox>, SyncError> {
        self.get_signed_json("/v1/inbox", signer).await
    }
}
