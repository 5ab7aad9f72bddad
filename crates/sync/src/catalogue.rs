//! Catalogue refresh (ARCHITECTURE.md §5.4): `GET /v1/catalogue` with the ETag of the edition the
//! window holds. 304 costs nothing; 200 is handed to the window, which validates it whole and
//! installs it atomically or refuses it and keeps the last good edition.
//!
//! A refused edition is remembered for as long as the engine runs: its ETag goes into
//! `If-None-Match` next to the installed one, so the server answers 304 instead of sending the
//! same bad edition every round, and every round still reports the refusal to the clerk with the
//! stable code [`CATALOGUE_REFUSED`] until a good edition is installed. After a restart (perhaps
//! a newer window that accepts it) the edition is fetched and judged again.

use std::time::SystemTime;

use onestop_protocol::ApiError;
use reqwest::header::{ETAG, IF_NONE_MATCH, RETRY_AFTER};
use reqwest::StatusCode;

use crate::backoff::parse_retry_after;
use crate::ports::{CataloguePort, PortError};
use crate::round::blocking;
use crate::{ServerClient, SyncError};

/// The code the clerk's status carries while the server's current edition is refused; the
/// window's validation error is in `details.reason`.
pub const CATALOGUE_REFUSED: &str = "sync.catalogue_refused";

/// What a catalogue check came back with.
#[derive(Debug)]
pub enum CatalogueAnswer {
    /// 304: the window's edition is current.
    NotModified,
    /// 304 naming one of several tags sent in `If-None-Match` (the server's `ETag`).
    NotModifiedTag(String),
    /// 404 `catalogue.none_published`: nothing to install yet.
    NonePublished,
    /// 200: a new edition, with its ETag.
    Edition { etag: String, body: String },
    Later {
        error: SyncError,
        retry_after: Option<std::time::Duration>,
    },
}

impl ServerClient {
    /// `GET /v1/catalogue`, conditional on `etag` when the window holds one.
    pub async fn fetch_catalogue(&self, etag: Option<&str>) -> CatalogueAnswer {
        match self
            .fetch_catalogue_unless(&etag.into_iter().collect::<Vec<_>>())
            .await
        {
            CatalogueAnswer::NotModifiedTag(_) => CatalogueAnswer::NotModified,
            answer => answer,
        }
    }

    /// `GET /v1/catalogue` with every tag of `etags` in `If-None-Match`; a 304 says which one the
    /// server holds (`NotModifiedTag`, or `NotModified` when it sent no `ETag`).
    pub async fn fetch_catalogue_unless(&self, etags: &[&str]) -> CatalogueAnswer {
        let mut request = self.http().get(self.url("/v1/catalogue"));
        if !etags.is_empty() {
            request = request.header(IF_NONE_MATCH, etags.join(", "));
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                return CatalogueAnswer::Later {
                    error: SyncError::Unreachable(e.to_string()),
                    retry_after: None,
                }
            }
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let tag = response
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        match status {
            StatusCode::NOT_MODIFIED => match tag {
                Some(tag) => CatalogueAnswer::NotModifiedTag(tag),
                None => CatalogueAnswer::NotModified,
            },
            StatusCode::NOT_FOUND => CatalogueAnswer::NonePublished,
            StatusCode::OK => match (tag, response.text().await) {
                (Some(etag), Ok(body)) => CatalogueAnswer::Edition { etag, body },
                (None, Ok(_)) => CatalogueAnswer::Later {
                    error: SyncError::BadResponse { status: 200 },
                    retry_after: None,
                },
                (_, Err(e)) => CatalogueAnswer::Later {
                    error: SyncError::Unreachable(e.to_string()),
                    retry_after: None,
                },
            },
            s => CatalogueAnswer::Later {
                error: SyncError::BadResponse { status: s.as_u16() },
                retry_after,
            },
        }
    }
}

/// What the catalogue part of a round did.
#[derive(Debug, Default, Clone)]
pub struct CatalogueDone {
    /// The edition installed in this round.
    pub installed: Option<String>,
    /// A new edition the window refused (the last good one stays active).
    pub refused: Option<ApiError>,
}

pub(crate) enum CatalogueStop {
    Later {
        error: SyncError,
        retry_after: Option<std::time::Duration>,
    },
    Local(PortError),
}

/// An edition the window refused, remembered between rounds.
#[derive(Debug, Clone)]
pub(crate) struct RefusedEdition {
    etag: String,
    error: ApiError,
}

pub(crate) async fn refresh(
    client: &ServerClient,
    port: &std::sync::Arc<dyn CataloguePort>,
    refused: &mut Option<RefusedEdition>,
) -> Result<CatalogueDone, CatalogueStop> {
    let p = std::sync::Arc::clone(port);
    let etag = blocking(move || p.etag())
        .await
        .map_err(CatalogueStop::Local)?;
    let tags: Vec<&str> = etag
        .iter()
        .map(String::as_str)
        .chain(refused.iter().map(|r| r.etag.as_str()))
        .collect();
    let still_refused = |refused: &Option<RefusedEdition>| CatalogueDone {
        installed: None,
        refused: refused.as_ref().map(|r| r.error.clone()),
    };
    match client.fetch_catalogue_unless(&tags).await {
        CatalogueAnswer::NotModifiedTag(tag) if refused.as_ref().is_some_and(|r| r.etag == tag) => {
            // The server still offers the edition this window refused: keep saying so.
            Ok(still_refused(refused))
        }
        CatalogueAnswer::NotModified if refused.is_some() && etag.is_none() => {
            // Only the refused tag was sent, so that is what the server still holds.
            Ok(still_refused(refused))
        }
        CatalogueAnswer::NotModified
        | CatalogueAnswer::NotModifiedTag(_)
        | CatalogueAnswer::NonePublished => {
            // The server is back on the edition the window has (or has none): nothing refused.
            *refused = None;
            Ok(CatalogueDone::default())
        }
        CatalogueAnswer::Later { error, retry_after } => {
            Err(CatalogueStop::Later { error, retry_after })
        }
        CatalogueAnswer::Edition { etag, body } => {
            let edition = edition_name(&body);
            let p = std::sync::Arc::clone(port);
            let tag = etag.clone();
            let outcome = blocking(move || p.install(&body, &tag))
                .await
                .map_err(CatalogueStop::Local)?;
            Ok(match outcome {
                Ok(edition) => {
                    tracing::info!(%edition, "catalogue edition installed from the server");
                    *refused = None;
                    CatalogueDone {
                        installed: Some(edition),
                        refused: None,
                    }
                }
                Err(reason) => {
                    tracing::warn!(code = %reason.code, %etag, "catalogue edition refused; last good kept");
                    let error = refusal(edition.as_deref(), &etag, reason);
                    *refused = Some(RefusedEdition {
                        etag,
                        error: error.clone(),
                    });
                    CatalogueDone {
                        installed: None,
                        refused: Some(error),
                    }
                }
            })
        }
    }
}

/// The edition's name, if the body is JSON enough to have one (for the clerk's message).
fn edition_name(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    Some(value.get("edition")?.as_str()?.to_owned())
}

/// The clerk's error for a refused edition: one stable code, the window's reason inside.
fn refusal(edition: Option<&str>, etag: &str, reason: ApiError) -> ApiError {
    let name = edition.map(|e| format!(" {e} 版")).unwrap_or_default();
    ApiError::new(
        CATALOGUE_REFUSED,
        format!(
            "服务器下发的事项目录{name}未通过本机校验，继续使用当前版本：{}",
            reason.message
        ),
    )
    .with_details(serde_json::json!({
        "edition": edition,
        "etag": etag,
        "reason": reason,
    }))
}
