//! The scheduler: runs sync rounds for as long as the app runs, never waiting on a clerk action
//! to recover (ARCHITECTURE.md §5.2). After every round the timer is re-armed: soon after a failure
//! (exponential backoff with full jitter), at the idle poll interval after success. A trigger —
//! a new local write, the network coming back, or "sync now" — runs a round at once.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::Utc;
use onestop_protocol::ApiError;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::backoff::retry_delay;
use crate::clock::is_skewed;
use crate::reconnect::{server_back, DEFAULT_RECONNECT_PROBE};
use crate::round::{run_round_remembering, RoundEnd, RoundMemory, RoundParts};
use crate::status::SyncStatus;

/// Re-authenticates after a 401 (a new session for the clerk); true when it worked.
pub trait Reauthenticate: Send + Sync + 'static {
    fn reauthenticate(&self) -> Pin<Box<dyn Future<Output = bool> + Send + '_>>;
}

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// With nothing to push, poll the change log this often.
    pub idle_poll: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            idle_poll: Duration::from_secs(30),
        }
    }
}

/// Knobs beyond [`EngineConfig`], kept apart so `EngineConfig { idle_poll }` literals still
/// compile.
#[derive(Debug, Clone, Default)]
pub struct EngineTuning {
    /// While the server is unreachable, probe `/healthz` this often (±50 %) and run a round as
    /// soon as it answers, instead of waiting out the backoff. `None`: the idle poll interval,
    /// at most 5 s.
    pub reconnect_probe: Option<Duration>,
    /// A fixed draw in `[0, 1)` for the backoff's jitter instead of a random one, so a test can
    /// know how long the engine will wait.
    pub backoff_jitter: Option<f64>,
}

/// A running engine. Dropping it stops the background task.
pub struct SyncEngine {
    trigger: Arc<Notify>,
    status: watch::Receiver<SyncStatus>,
    task: JoinHandle<()>,
}

impl SyncEngine {
    /// Starts the engine on the current tokio runtime; the first round runs at once.
    pub fn spawn(parts: RoundParts, config: EngineConfig, reauth: Arc<dyn Reauthenticate>) -> Self {
        Self::spawn_tuned(parts, config, EngineTuning::default(), reauth)
    }

    /// Like [`SyncEngine::spawn`], with [`EngineTuning`].
    pub fn spawn_tuned(
        parts: RoundParts,
        config: EngineConfig,
        tuning: EngineTuning,
        reauth: Arc<dyn Reauthenticate>,
    ) -> Self {
        let trigger = Arc::new(Notify::new());
        let (tx, status) = watch::channel(SyncStatus::default());
        let task = tokio::spawn(run(parts, config, tuning, reauth, Arc::clone(&trigger), tx));
        Self {
            trigger,
            status,
            task,
        }
    }

    /// Run a round now (or right after the one in progress).
    pub fn trigger(&self) {
        self.trigger.notify_one();
    }

    pub fn status(&self) -> watch::Receiver<SyncStatus> {
        self.status.clone()
    }
}

impl Drop for SyncEngine {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn run(
    parts: RoundParts,
    config: EngineConfig,
    tuning: EngineTuning,
    reauth: Arc<dyn Reauthenticate>,
    trigger: Arc<Notify>,
    tx: watch::Sender<SyncStatus>,
) {
    let mut failures: u32 = 0;
    let mut jitter = Jitter {
        rng: SplitMix::seeded(),
        fixed: tuning.backoff_jitter,
    };
    let probe_every = tuning
        .reconnect_probe
        .unwrap_or_else(|| config.idle_poll.min(DEFAULT_RECONNECT_PROBE));
    // Whether the last wait was cut short by the reconnect probe (see below).
    let mut woken_by_probe = false;
    let mut memory = RoundMemory::default();
    loop {
        refresh_queue(&parts, &tx).await;
        tx.send_modify(|s| s.running = true);
        let progress = |p| tx.send_modify(|s| s.upload = p);
        let end =
            run_round_remembering(&parts, &mut memory, || reauth.reauthenticate(), &progress).await;
        let after = settle(end, &mut failures, &mut jitter, &config);
        let next = Utc::now() + chrono::Duration::from_std(after.wait).unwrap_or_default();
        tx.send_modify(|s| {
            if let Some(online) = after.online {
                s.online = online;
            }
            if after.success {
                s.last_success_at = Some(Utc::now());
            }
            s.last_error = after.error;
            if let Some(fresh) = after.notices {
                s.notices = merge_notices(&s.notices, fresh);
            }
            if let Some(off) = after.clock_offset_secs {
                s.clock_offset_secs = Some(off);
                s.clock_skewed = is_skewed(off);
            }
            s.running = false;
            s.failures = failures;
            s.next_attempt_at = Some(next);
        });
        refresh_queue(&parts, &tx).await;
        // The server could not be reached: the backoff may be long, and a short outage can end
        // without the window's connection monitor ever noticing it, so nothing would fire "on
        // reconnect". Watch for the server's return here. When a round the probe started fails
        // the same way (health answers, sync requests do not get through), the probe must see
        // the server gone before it may cut a wait short again, so the backoff still holds.
        let unreachable = after.online == Some(false);
        let must_see_down_first = woken_by_probe;
        woken_by_probe = false;
        let probe_pause = probe_every.mul_f64(0.5 + jitter.rng.unit());
        tokio::select! {
            _ = tokio::time::sleep(after.wait) => {}
            _ = trigger.notified() => {}
            _ = server_back(&parts.client, probe_pause, must_see_down_first), if unreachable => {
                tracing::info!("server answers again; syncing without waiting out the backoff");
                woken_by_probe = true;
            }
        }
    }
}

/// What a finished round changes in the status, and how long until the next one.
struct After {
    wait: Duration,
    online: Option<bool>,
    success: bool,
    error: Option<ApiError>,
    notices: Option<Vec<String>>,
    clock_offset_secs: Option<i64>,
}

fn settle(end: RoundEnd, failures: &mut u32, jitter: &mut Jitter, config: &EngineConfig) -> After {
    let mut backoff = |retry_after| {
        *failures = failures.saturating_add(1);
        retry_delay(*failures, retry_after, jitter.unit())
    };
    match end {
        RoundEnd::Complete(report) => {
            *failures = 0;
            After {
                wait: config.idle_poll,
                online: Some(true),
                success: true,
                // A scan refused on its merits stays unsent: the clerk must hear why.
                error: report
                    .catalogue
                    .refused
                    .clone()
                    .or_else(|| report.upload_refusals.first().cloned()),
                clock_offset_secs: report.clock_offset_secs,
                notices: Some(notices(report)),
            }
        }
        RoundEnd::Failed {
            error,
            retry_after,
            report,
        } => After {
            wait: backoff(retry_after),
            // Reaching the server and being told "later" still means online.
            online: Some(report.clock_offset_secs.is_some()),
            success: false,
            error: Some(error.to_api_error()),
            notices: None,
            clock_offset_secs: report.clock_offset_secs,
        },
        RoundEnd::Unauthorized(report) => After {
            wait: backoff(None),
            online: Some(true),
            success: false,
            error: Some(ApiError::new(
                "sync.unauthorized",
                "服务器不再接受本机的登录，请重新登录后继续同步",
            )),
            notices: None,
            clock_offset_secs: report.clock_offset_secs,
        },
        RoundEnd::Local(e) => After {
            wait: backoff(None),
            online: None,
            success: false,
            error: Some(ApiError::new("sync.local", e.to_string())),
            notices: None,
            clock_offset_secs: None,
        },
    }
}

/// How many recent lines the status keeps for the clerk.
const NOTICES_KEPT: usize = 20;
const CATALOGUE_REFUSED_NOTICE: &str = "服务器下发的事项目录未通过校验，继续使用当前版本";

/// The clerk's lines from a round: changes to cases, then a new catalogue edition.
fn notices(report: crate::round::RoundReport) -> Vec<String> {
    let mut out = report.notices;
    if let Some(edition) = report.catalogue.installed {
        out.push(format!("事项目录已更新为 {edition} 版"));
    }
    if report.catalogue.refused.is_some() {
        out.push(CATALOGUE_REFUSED_NOTICE.to_owned());
    }
    out
}

/// A round's lines go in front of the earlier ones instead of replacing them: "result ready for
/// collection" must not vanish because the next round, a second later, had nothing to say. The
/// refused-catalogue line is a state, not an event, so only the latest round may carry it.
fn merge_notices(earlier: &[String], fresh: Vec<String>) -> Vec<String> {
    let mut out = fresh;
    for line in earlier {
        if line != CATALOGUE_REFUSED_NOTICE && !out.contains(line) {
            out.push(line.clone());
        }
    }
    out.truncate(NOTICES_KEPT);
    out
}

async fn refresh_queue(parts: &RoundParts, tx: &watch::Sender<SyncStatus>) {
    let outbox = Arc::clone(&parts.outbox);
    if let Ok(Ok(stats)) = tokio::task::spawn_blocking(move || outbox.stats()).await {
        tx.send_modify(|s| {
            s.queued_ops = stats.ops;
            s.queued_bytes = stats.bytes;
        });
    }
}

/// The backoff's draw: random, or pinned by [`EngineTuning::backoff_jitter`].
struct Jitter {
    rng: SplitMix,
    fixed: Option<f64>,
}

impl Jitter {
    fn unit(&mut self) -> f64 {
        self.fixed.unwrap_or_else(|| self.rng.unit())
    }
}

/// A tiny PRNG for jitter: the spread only has to differ between windows, not be secret.
struct SplitMix(u64);

impl SplitMix {
    fn seeded() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Self(nanos ^ u64::from(std::process::id()).rotate_left(32))
    }

    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_accumulate_newest_first_and_the_refusal_is_only_current() {
        let first = merge_notices(
            &[],
            vec!["A 结果可领取".into(), CATALOGUE_REFUSED_NOTICE.into()],
        );
        let quiet = merge_notices(&first, Vec::new());
        assert_eq!(quiet, vec!["A 结果可领取".to_owned()]);
        let next = merge_notices(&quiet, vec!["B 已办结".into(), "A 结果可领取".into()]);
        assert_eq!(next, vec!["B 已办结".to_owned(), "A 结果可领取".to_owned()]);
        let many: Vec<String> = (0..30).map(|i| format!("{i}")).collect();
        let kept = merge_notices(&next, many);
        assert_eq!(kept.len(), NOTICES_KEPT);
        assert_eq!(kept[0], "0");
    }
}
