//! Catalogue refresh (ARCHITECTURE.md §5.4): `GET /v1/catalogue` with the ETag of the edition the
//! window holds. 304 costs nothing; 200 is handed to the window, which validates it whole and
//! installs it atomically or refuses it and keeps the last good edition.

use std::time::SystemTime;

use onestop_protocol::ApiError;
use reqwest::header::{ETAG, IF_NONE_MATCH, RETRY_AFTER};
use reqwest::StatusCode;

use crate::backoff::parse_retry_after;
use crate::ports::{CataloguePort, PortError};
use crate::round::blocking;
use crate::{ServerClient, SyncError};

/// What a catalogue check came back with.
#[derive(Debug)]
pub enum CatalogueAnswer {
    /// 304: the window's edition is current.
    NotModified,
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
        let mut request = self.http().get(self.url("/v1/catalogue"));
        if let Some(tag) = etag {
            request = request.header(IF_NONE_MATCH, tag);
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
            StatusCode::NOT_MODIFIED => CatalogueAnswer::NotModified,
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

pub(crate) async fn refresh(
    client: &ServerClient,
    port: &std::sync::Arc<dyn CataloguePort>,
) -> Result<CatalogueDone, CatalogueStop> {
    let p = std::sync::Arc::clone(port);
    let etag = blocking(move || p.etag())
        .await
        .map_err(CatalogueStop::Local)?;
    match client.fetch_catalogue(etag.as_deref()).await {
        CatalogueAnswer::NotModified | CatalogueAnswer::NonePublished => {
            Ok(CatalogueDone::default())
        }
        CatalogueAnswer::Later { error, retry_after } => {
            Err(CatalogueStop::Later { error, retry_after })
        }
        CatalogueAnswer::Edition { etag, body } => {
            let p = std::sync::Arc::clone(port);
            let outcome = blocking(move || p.install(&body, &etag))
                .await
                .map_err(CatalogueStop::Local)?;
            Ok(match outcome {
                Ok(edition) => {
                    tracing::info!(%edition, "catalogue edition installed from the server");
                    CatalogueDone {
                        installed: Some(edition),
                        refused: None,
                    }
                }
                Err(error) => {
                    tracing::warn!(code = %error.code, "catalogue edition refused; last good kept");
                    CatalogueDone {
                        installed: None,
                        refused: Some(error),
                    }
                }
            })
        }
    }
}
