//! The upload part of a round (ARCHITECTURE.md §5.5): every attachment the server has not
//! confirmed is sent with the tus uploader, resuming at the server's offset. A case the server
//! does not know yet waits for a later round; "later" (network, 5xx, 429) fails the round so the
//! scheduler backs off; a refusal on the merits is logged and the other files still go.

use std::sync::{Arc, Mutex};

use onestop_protocol::ApiError;

use crate::ports::{PortError, UploadJob, UploadPort};
use crate::status::UploadProgress;
use crate::upload::{upload, UploadEnd};
use crate::SyncError;

use crate::round::{blocking, RoundParts};

/// Told the file in flight and its progress; `None` when no file is on its way.
pub type ProgressSink<'a> = dyn Fn(Option<UploadProgress>) + Send + Sync + 'a;

/// What the upload part did.
#[derive(Debug, Default)]
pub(crate) struct UploadsDone {
    pub confirmed: u64,
    pub resent_bytes: u64,
    pub refused: Vec<ApiError>,
}

/// How the upload part ended, when it did not simply finish.
pub(crate) enum UploadsStop {
    Later {
        error: SyncError,
        retry_after: Option<std::time::Duration>,
    },
    Unauthorized,
    Local(PortError),
}

pub(crate) async fn send_uploads<F, Fut>(
    parts: &RoundParts,
    port: &Arc<dyn UploadPort>,
    reauth: &mut F,
    reauthenticated: &mut bool,
    on_progress: &ProgressSink<'_>,
    done: &mut UploadsDone,
) -> Result<(), UploadsStop>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let p = Arc::clone(port);
    let jobs = blocking(move || p.pending())
        .await
        .map_err(UploadsStop::Local)?;
    for job in jobs {
        loop {
            let end = send_one(parts, &job, on_progress, port).await?;
            match end {
                UploadEnd::Complete { resent_bytes } => {
                    done.confirmed += 1;
                    done.resent_bytes += resent_bytes;
                    record(port, &job, job.size, true).await?;
                    break;
                }
                UploadEnd::CaseNotThere => {
                    tracing::info!(slot = %job.slot, "case not on the server yet; upload waits");
                    break;
                }
                UploadEnd::Refused(error) => {
                    tracing::warn!(slot = %job.slot, code = %error.code, "upload refused");
                    done.refused.push(error);
                    break;
                }
                UploadEnd::Later { error, retry_after } => {
                    on_progress(None);
                    return Err(UploadsStop::Later { error, retry_after });
                }
                UploadEnd::Unauthorized => {
                    if *reauthenticated || !reauth().await {
                        on_progress(None);
                        return Err(UploadsStop::Unauthorized);
                    }
                    *reauthenticated = true;
                }
            }
        }
    }
    on_progress(None);
    Ok(())
}

/// One attempt at one file; the bytes the server holds are recorded whatever the outcome.
async fn send_one(
    parts: &RoundParts,
    job: &UploadJob,
    on_progress: &ProgressSink<'_>,
    port: &Arc<dyn UploadPort>,
) -> Result<UploadEnd, UploadsStop> {
    let sent = Mutex::new(None::<u64>);
    let end = upload(&parts.client, parts.signer.as_ref(), job, |now, total| {
        *sent.lock().unwrap_or_else(|p| p.into_inner()) = Some(now);
        on_progress(Some(UploadProgress {
            case_id: job.case_id.clone(),
            slot: job.slot.clone(),
            file_name: job.file_name.clone(),
            sent_bytes: now,
            total_bytes: total,
        }));
    })
    .await;
    let sent = *sent.lock().unwrap_or_else(|p| p.into_inner());
    if let (Some(sent), false) = (sent, matches!(end, UploadEnd::Complete { .. })) {
        record(port, job, sent, false).await?;
    }
    Ok(end)
}

async fn record(
    port: &Arc<dyn UploadPort>,
    job: &UploadJob,
    sent: u64,
    confirmed: bool,
) -> Result<(), UploadsStop> {
    let p = Arc::clone(port);
    let job = job.clone();
    blocking(move || p.record(&job, sent, confirmed))
        .await
        .map_err(UploadsStop::Local)
}
