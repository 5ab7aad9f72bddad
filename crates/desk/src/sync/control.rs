//! Starting the sync engine after sign-in, and the clerk's controls: the status stream,
//! "sync now", and "retry" on a case the server rejected.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Weak};

use onestop_local::sync_state;
use onestop_local::{case_repo, outbox};
use onestop_protocol::{op_kind, ApiError, LoginRequest};
use onestop_sync::engine::{EngineConfig, Reauthenticate, SyncEngine};
use onestop_sync::round::RoundParts;
use onestop_sync::status::{CaseSyncError, SyncStatus};
use onestop_sync::transport::RequestSigner;
use onestop_sync::ServerClient;
use tokio::sync::watch;

use crate::desk::Desk;
use crate::local_store::LocalStore;
use crate::sync::catalogue::LocalCatalogue;
use crate::sync::error::SyncSetupError;
use crate::sync::link::{RunningEngine, SyncLink};
use crate::sync::ports::{LocalChanges, LocalOutbox};
use crate::sync::signer::{DeskSigner, DeviceOnly};
use crate::sync::uploads::LocalUploads;
use crate::usecases::DeskError;

impl Desk {
    /// Starts the engine (idempotent). `login` calls it; the first round runs at once.
    pub(crate) async fn start_sync(&self) -> Result<(), ApiError> {
        if self.sync.is_running() {
            self.sync.trigger();
            return Ok(());
        }
        let signer = self.signer().await?;
        let device_id = signer.device_id().ok_or(SyncSetupError::NotEnrolled)?;
        if !signer.has_session() {
            return Err(SyncSetupError::NotSignedIn.into());
        }
        let store = self.store().await?.clone();
        let client = ServerClient::new(&self.sync_server_url(), self.config().sync_timeout)
            .map_err(|e| e.to_api_error())?;
        let parts = RoundParts {
            client: client.clone(),
            outbox: Arc::new(LocalOutbox {
                store: store.clone(),
                device_id,
            }),
            changes: Arc::new(LocalChanges {
                store: store.clone(),
            }),
            signer: Arc::clone(&signer) as Arc<dyn RequestSigner>,
            uploads: Some(Arc::new(LocalUploads {
                store: store.clone(),
                data_dir: self.config().data_dir.clone(),
            })),
            catalogue: Some(Arc::new(LocalCatalogue {
                store: store.clone(),
            })),
        };
        let reauth = Arc::new(SessionReauth {
            link: Arc::downgrade(&self.sync),
            signer,
            client,
        });
        let config = EngineConfig {
            idle_poll: self.config().sync_idle_poll,
        };
        let engine = SyncEngine::spawn(parts, config, reauth);
        let forwarder = tokio::spawn(forward(engine.status(), self.sync.status.clone(), store));
        let mut slot = self.sync.engine.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(RunningEngine { engine, forwarder });
            tracing::info!("sync engine started");
        }
        Ok(())
    }

    /// The one sync status stream for the UI (online, queue, upload, errors, clock offset).
    pub fn subscribe_sync(&self) -> watch::Receiver<SyncStatus> {
        self.sync.status.subscribe()
    }

    pub fn sync_status(&self) -> SyncStatus {
        self.sync.status.borrow().clone()
    }

    /// "立即同步": runs a round now.
    pub fn sync_now(&self) -> Result<(), ApiError> {
        if !self.sync.is_running() {
            return Err(SyncSetupError::NotSignedIn.into());
        }
        self.sync.trigger();
        Ok(())
    }

    /// The clerk's "retry" on a case the server rejected: the rejected op stops holding the case
    /// back and the case's current snapshot is queued again as a new op (the server keeps its
    /// answer for the old seq, so resending that one would only repeat the refusal).
    pub async fn retry_case_sync(&self, case_id: String) -> Result<(), ApiError> {
        let now = self.config().clock.now();
        let retried = self
            .store()
            .await?
            .run(move |db, _| {
                db.write(|tx, device| {
                    if sync_state::mark_retried(tx, &case_id, now)? == 0 {
                        return Ok::<_, DeskError>(false);
                    }
                    let stored = case_repo::get(tx, &case_id)?;
                    let payload = serde_json::to_value(&stored.snapshot)
                        .map_err(onestop_local::LocalError::from)?;
                    let op = outbox::append(
                        tx,
                        device,
                        op_kind::CASE_SNAPSHOT,
                        Some(&case_id),
                        payload,
                        now,
                    )?;
                    tx.execute(
                        "UPDATE cases SET last_outbox_seq = ?2 WHERE case_id = ?1",
                        onestop_local::rusqlite::params![case_id, op.seq],
                    )
                    .map_err(onestop_local::LocalError::from)?;
                    Ok(true)
                })
            })
            .await?;
        if !retried {
            return Err(SyncSetupError::NothingToRetry.into());
        }
        self.sync.trigger();
        Ok(())
    }

    /// Called after every local write: the new op goes out at once when online.
    pub(crate) fn after_write(&self) {
        self.sync.trigger();
    }
}

/// Copies the engine's status into the desk's stream, adding the per-case errors from the outbox.
async fn forward(
    mut from: watch::Receiver<SyncStatus>,
    to: watch::Sender<SyncStatus>,
    store: LocalStore,
) {
    loop {
        let mut status = from.borrow_and_update().clone();
        let s = store.clone();
        let errors = tokio::task::spawn_blocking(move || case_errors(&s)).await;
        if let Ok(Ok(errors)) = errors {
            status.case_errors = errors;
        }
        to.send_replace(status);
        if from.changed().await.is_err() {
            return;
        }
    }
}

fn case_errors(store: &LocalStore) -> Result<Vec<CaseSyncError>, DeskError> {
    store.blocking(|db| {
        let mut out = Vec::new();
        for r in sync_state::open_rejections(db.conn())? {
            let number = match &r.case_id {
                Some(id) => case_repo::load(db.conn(), id)?.map(|c| c.snapshot.acceptance_number),
                None => None,
            };
            let error = r
                .error
                .and_then(|e| serde_json::from_value::<ApiError>(e).ok())
                .unwrap_or_else(|| ApiError::new("sync.rejected", "服务器退回了这条数据"));
            let grouped = number
                .as_deref()
                .map(onestop_domain::numbering::AcceptanceNumber::grouped_text);
            out.push(CaseSyncError {
                case_id: r.case_id,
                acceptance_number: number,
                acceptance_number_grouped: grouped,
                seq: r.seq,
                error,
            });
        }
        Ok(out)
    })
}

/// Signs the clerk in again after a 401, with the credentials of the current session.
struct SessionReauth {
    link: Weak<SyncLink>,
    signer: Arc<DeskSigner>,
    client: ServerClient,
}

impl Reauthenticate for SessionReauth {
    fn reauthenticate(&self) -> Pin<Box<dyn Future<Output = bool> + Send + '_>> {
        Box::pin(async move {
            let Some((username, password)) = self.link.upgrade().and_then(|l| l.credentials())
            else {
                return false;
            };
            let request = LoginRequest { username, password };
            match self.client.login(&request, &DeviceOnly(&self.signer)).await {
                Ok(answer) => {
                    self.signer.set_token(Some(answer.value.token));
                    tracing::info!("session renewed after 401");
                    true
                }
                Err(e) => {
                    tracing::warn!(code = e.code(), "re-authentication failed");
                    false
                }
            }
        })
    }
}
