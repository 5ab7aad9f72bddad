//! Enrolment and sign-in over HTTP (docs/protocol.md §1, §3). Both run online, at the clerk's
//! request; the answers are the protocol's types, errors the server's `{code, message, details}`.

use onestop_protocol::{ApiError, EnrollRequest, EnrollResponse, LoginRequest, LoginResponse};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::compress::WireBody;
use crate::transport::RequestSigner;
use crate::{ServerClient, SyncError};

/// An answer and the clock offset read from its `Date` header.
#[derive(Debug, Clone)]
pub struct Answered<T> {
    pub value: T,
    pub clock_offset_secs: Option<i64>,
}

impl ServerClient {
    /// `POST /v1/enroll` (unsigned: the device has no id yet).
    pub async fn enroll(
        &self,
        request: &EnrollRequest,
    ) -> Result<Answered<EnrollResponse>, SyncError> {
        self.post_json("/v1/enroll", request, None, StatusCode::CREATED)
            .await
    }

    /// `POST /v1/auth/login`, signed by the device so the session is bound to it.
    pub async fn login(
        &self,
        request: &LoginRequest,
        signer: &dyn RequestSigner,
    ) -> Result<Answered<LoginResponse>, SyncError> {
        self.post_json("/v1/auth/login", request, Some(signer), StatusCode::OK)
            .await
    }

    pub(crate) async fn post_json<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        signer: Option<&dyn RequestSigner>,
        expected: StatusCode,
    ) -> Result<Answered<T>, SyncError> {
        let bytes = serde_json::to_vec(body).map_err(|_| SyncError::BadResponse { status: 0 })?;
        self.signed_json(reqwest::Method::POST, path, bytes, signer, expected)
            .await
    }

    /// A signed `GET` answered with JSON.
    pub(crate) async fn get_signed_json<T: DeserializeOwned>(
        &self,
        path: &str,
        signer: &dyn RequestSigner,
    ) -> Result<Answered<T>, SyncError> {
        self.signed_json(
            reqwest::Method::GET,
            path,
            Vec::new(),
            Some(signer),
            StatusCode::OK,
        )
        .await
    }

    async fn signed_json<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        bytes: Vec<u8>,
        signer: Option<&dyn RequestSigner>,
        expected: StatusCode,
    ) -> Result<Answered<T>, SyncError> {
        let (answer, seen) = self
            .exchange(method, path, WireBody::plain(bytes), signer)
            .await;
        let (status, _, body) = answer?;
        let offset = seen.clock_offset_secs;
        if status == expected {
            let value = serde_json::from_slice(&body).map_err(|_| SyncError::BadResponse {
                status: status.as_u16(),
            })?;
            return Ok(Answered {
                value,
                clock_offset_secs: offset,
            });
        }
        match serde_json::from_slice::<ApiError>(&body) {
            Ok(err) => Err(SyncError::Server(err)),
            Err(_) => Err(SyncError::BadResponse {
                status: status.as_u16(),
            }),
        }
    }
}
