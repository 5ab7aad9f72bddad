//! One sync round: drain the outbox, then pull the change log. The scheduler (engine.rs) decides
//! when rounds run; this file decides what a round does with each answer.

use std::sync::Arc;
use std::time::Duration;

use onestop_protocol::{OpOutcome, OpResult, MAX_OPS_PER_PUSH};

use crate::catalogue::{refresh, CatalogueDone, CatalogueStop, RefusedEdition};
use crate::ports::{CataloguePort, ChangesPort, OutboxPort, PortError, UploadPort};
use crate::round_uploads::{send_uploads, ProgressSink, UploadsDone, UploadsStop};
use crate::transport::{PullAnswer, PushAnswer, RequestSigner};
use crate::{ServerClient, SyncError};

/// How a round ended.
#[derive(Debug)]
pub enum RoundEnd {
    /// Outbox drained (or held back only by rejected ops) and change log read to its end.
    Complete(RoundReport),
    /// The server could not be used this time; the scheduler backs off.
    Failed {
        error: SyncError,
        retry_after: Option<Duration>,
        report: RoundReport,
    },
    /// 401 even after re-authenticating: the clerk must log in again.
    Unauthorized(RoundReport),
    /// The local database failed; nothing was lost, the round stops.
    Local(PortError),
}

/// What happened in a round, for the status line and the clerk's messages.
#[derive(Debug, Default, Clone)]
pub struct RoundReport {
    pub ops_acknowledged: u64,
    pub ops_rejected: u64,
    pub changes_applied: u64,
    pub notices: Vec<String>,
    pub clock_offset_secs: Option<i64>,
    /// Attachments whose whole-file sha256 the server confirmed in this round.
    pub uploads_confirmed: u64,
    /// Bytes sent again after a cut or a damaged chunk.
    pub upload_resent_bytes: u64,
    /// Attachments the server refused on their merits (they stay unconfirmed).
    pub upload_refusals: Vec<onestop_protocol::ApiError>,
    /// The catalogue edition installed or refused in this round.
    pub catalogue: CatalogueDone,
}

/// Pages of the change log are read this many at a time.
pub const PULL_PAGE: u32 = 200;

/// Everything a round needs.
pub struct RoundParts {
    pub client: ServerClient,
    pub outbox: Arc<dyn OutboxPort>,
    pub changes: Arc<dyn ChangesPort>,
    pub signer: Arc<dyn RequestSigner>,
    /// Attachments to send after the push and the pull; `None` sends none.
    pub uploads: Option<Arc<dyn UploadPort>>,
    /// The catalogue cache, refreshed after the pull; `None` leaves it alone.
    pub catalogue: Option<Arc<dyn CataloguePort>>,
}

/// What one round leaves for the next (the engine keeps one for as long as it runs).
#[derive(Debug, Default)]
pub struct RoundMemory {
    /// The server's catalogue edition this window refused, so it is not downloaded every round.
    refused_catalogue: Option<RefusedEdition>,
}

pub(crate) async fn blocking<T, F>(f: F) -> Result<T, PortError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, PortError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| PortError(format!("blocking task failed: {e}")))?
}

/// Runs one round. `reauth` is called once on a 401 before giving up.
pub async fn run_round<F, Fut>(parts: &RoundParts, reauth: F) -> RoundEnd
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    run_round_with(parts, reauth, &|_| {}).await
}

/// Like [`run_round`], telling `on_progress` about the file on its way up.
pub async fn run_round_with<F, Fut>(
    parts: &RoundParts,
    reauth: F,
    on_progress: &ProgressSink<'_>,
) -> RoundEnd
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    run_round_remembering(parts, &mut RoundMemory::default(), reauth, on_progress).await
}

/// Like [`run_round_with`], carrying `memory` from one round to the next.
pub async fn run_round_remembering<F, Fut>(
    parts: &RoundParts,
    memory: &mut RoundMemory,
    mut reauth: F,
    on_progress: &ProgressSink<'_>,
) -> RoundEnd
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let mut report = RoundReport::default();
    let mut limit = MAX_OPS_PER_PUSH;
    let mut reauthenticated = false;
    // Push until nothing is left to send.
    loop {
        let outbox = Arc::clone(&parts.outbox);
        let batch = match blocking(move || outbox.next_batch(limit)).await {
            Ok(b) => b,
            Err(e) => return RoundEnd::Local(e),
        };
        if batch.is_empty() {
            break;
        }
        let (answer, seen) = parts.client.push_ops(&batch, parts.signer.as_ref()).await;
        if seen.clock_offset_secs.is_some() {
            report.clock_offset_secs = seen.clock_offset_secs;
        }
        match answer {
            PushAnswer::Done(response) => {
                report.ops_acknowledged += response
                    .results
                    .iter()
                    .filter(|r| r.outcome != OpOutcome::Rejected)
                    .count() as u64;
                report.ops_rejected += response
                    .results
                    .iter()
                    .filter(|r| r.outcome == OpOutcome::Rejected)
                    .count() as u64;
                let answered = response.results.len();
                let outbox = Arc::clone(&parts.outbox);
                let results = response.results;
                if let Err(e) = blocking(move || outbox.record_results(&results)).await {
                    return RoundEnd::Local(e);
                }
                if answered == 0 {
                    // A server that answers for none of the ops it was sent would loop forever.
                    return RoundEnd::Failed {
                        error: SyncError::BadResponse { status: 200 },
                        retry_after: None,
                        report,
                    };
                }
                // After narrowing down a bad op, widen again.
                limit = (limit * 2).min(MAX_OPS_PER_PUSH);
            }
            PushAnswer::Unauthorized => {
                if reauthenticated || !reauth().await {
                    return RoundEnd::Unauthorized(report);
                }
                reauthenticated = true;
            }
            PushAnswer::Later { error, retry_after } => {
                return RoundEnd::Failed {
                    error,
                    retry_after,
                    report,
                };
            }
            PushAnswer::Refused { status, error } => {
                if batch.len() > 1 {
                    // Halve until the op at fault is alone, so the others still go through.
                    limit = (batch.len() / 2).max(1);
                    tracing::warn!(status, code = %error.code, size = batch.len(), "batch refused; narrowing");
                    continue;
                }
                let op = &batch[0];
                tracing::warn!(seq = op.seq, code = %error.code, "op rejected by the server");
                let result = OpResult {
                    seq: op.seq,
                    op_id: op.op_id.clone(),
                    outcome: OpOutcome::Rejected,
                    error: Some(error),
                };
                report.ops_rejected += 1;
                let outbox = Arc::clone(&parts.outbox);
                if let Err(e) = blocking(move || outbox.record_results(&[result])).await {
                    return RoundEnd::Local(e);
                }
            }
        }
    }
    // Then pull until the change log has nothing more.
    let mut resynced = false;
    loop {
        let changes = Arc::clone(&parts.changes);
        let cursor = match blocking(move || changes.cursor()).await {
            Ok(c) => c,
            Err(e) => return RoundEnd::Local(e),
        };
        let (answer, seen) = parts
            .client
            .pull_changes(cursor, PULL_PAGE, parts.signer.as_ref())
            .await;
        if seen.clock_offset_secs.is_some() {
            report.clock_offset_secs = seen.clock_offset_secs;
        }
        match answer {
            PullAnswer::Page(page) => {
                let has_more = page.has_more;
                let count = page.changes.len() as u64;
                let changes = Arc::clone(&parts.changes);
                match blocking(move || changes.apply_page(&page)).await {
                    Ok(notices) => report.notices.extend(notices),
                    Err(e) => return RoundEnd::Local(e),
                }
                report.changes_applied += count;
                if !has_more {
                    break;
                }
            }
            PullAnswer::Gone if !resynced => {
                resynced = true;
                tracing::warn!(cursor, "change log cursor gone; resyncing from zero");
                let changes = Arc::clone(&parts.changes);
                if let Err(e) = blocking(move || changes.reset_cursor()).await {
                    return RoundEnd::Local(e);
                }
            }
            PullAnswer::Gone => {
                return RoundEnd::Failed {
                    error: SyncError::BadResponse { status: 410 },
                    retry_after: None,
                    report,
                }
            }
            PullAnswer::Unauthorized => {
                if reauthenticated || !reauth().await {
                    return RoundEnd::Unauthorized(report);
                }
                reauthenticated = true;
            }
            PullAnswer::Later { error, retry_after } => {
                return RoundEnd::Failed {
                    error,
                    retry_after,
                    report,
                }
            }
            PullAnswer::Refused { error, .. } => {
                return RoundEnd::Failed {
                    error: SyncError::Server(error),
                    retry_after: None,
                    report,
                }
            }
        }
    }
    // Then the catalogue: 304 when the window's edition is current.
    if let Some(port) = &parts.catalogue {
        match refresh(&parts.client, port, &mut memory.refused_catalogue).await {
            Ok(done) => report.catalogue = done,
            Err(CatalogueStop::Later { error, retry_after }) => {
                return RoundEnd::Failed {
                    error,
                    retry_after,
                    report,
                }
            }
            Err(CatalogueStop::Local(e)) => return RoundEnd::Local(e),
        }
    }
    // Last, the scans: their cases have just been pushed.
    if let Some(port) = &parts.uploads {
        let mut done = UploadsDone::default();
        let stop = send_uploads(
            parts,
            port,
            &mut reauth,
            &mut reauthenticated,
            on_progress,
            &mut done,
        )
        .await;
        report.uploads_confirmed = done.confirmed;
        report.upload_resent_bytes = done.resent_bytes;
        report.upload_refusals = done.refused;
        match stop {
            Ok(()) => {}
            Err(UploadsStop::Later { error, retry_after }) => {
                return RoundEnd::Failed {
                    error,
                    retry_after,
                    report,
                }
            }
            Err(UploadsStop::Unauthorized) => return RoundEnd::Unauthorized(report),
            Err(UploadsStop::Local(e)) => return RoundEnd::Local(e),
        }
    }
    RoundEnd::Complete(report)
}
