//! The sync engine's ports over the window database: the outbox (with the hold-back rule of
//! `onestop_local::sync_state`) and the change log, each page applied with its cursor in one
//! transaction.

use chrono::Utc;
use onestop_domain::lifecycle::Transition;
use onestop_local::sync_state::{self, ServerCaseState, ServerDecision};
use onestop_local::LocalError;
use onestop_protocol::{
    change_kind, CaseConfirmed, CaseStatusChanged, ChangesPage, OpOutcome, OpResult, RawOp,
};
use onestop_sync::ports::{ChangesPort, OutboxPort, PortError, QueueStats};

use crate::local_store::LocalStore;
use crate::usecases::DeskError;

fn port(e: DeskError) -> PortError {
    PortError(e.to_string())
}

/// The outbox, sent under the server's id for this device.
pub struct LocalOutbox {
    pub store: LocalStore,
    pub device_id: String,
}

impl OutboxPort for LocalOutbox {
    fn next_batch(&self, limit: usize) -> Result<Vec<RawOp>, PortError> {
        self.store
            .blocking(|db| Ok(sync_state::next_batch(db.conn(), &self.device_id, limit)?))
            .map_err(port)
    }

    fn record_results(&self, results: &[OpResult]) -> Result<(), PortError> {
        let now = Utc::now();
        self.store
            .blocking(|db| {
                db.write(|tx, _| {
                    for r in results {
                        let outcome = match r.outcome {
                            OpOutcome::Applied => "applied",
                            OpOutcome::Replayed => "replayed",
                            OpOutcome::Rejected => "rejected",
                        };
                        let error = r
                            .error
                            .as_ref()
                            .map(serde_json::to_value)
                            .transpose()
                            .map_err(LocalError::from)?;
                        onestop_local::outbox::mark_result(
                            tx,
                            r.seq,
                            outcome,
                            error.as_ref(),
                            now,
                        )?;
                        if r.outcome == OpOutcome::Rejected {
                            let code = r.error.as_ref().map(|e| e.code.as_str()).unwrap_or("");
                            tracing::warn!(seq = r.seq, code, "op rejected by the server");
                        }
                    }
                    Ok::<_, DeskError>(())
                })
            })
            .map_err(port)
    }

    fn stats(&self) -> Result<QueueStats, PortError> {
        let (ops, bytes) = self
            .store
            .blocking(|db| Ok(sync_state::queue_stats(db.conn())?))
            .map_err(port)?;
        Ok(QueueStats { ops, bytes })
    }
}

/// The change log's cursor and the server-owned state of the window's cases.
pub struct LocalChanges {
    pub store: LocalStore,
}

impl ChangesPort for LocalChanges {
    fn cursor(&self) -> Result<u64, PortError> {
        self.store
            .blocking(|db| Ok(sync_state::cursor(db.conn())?))
            .map_err(port)
    }

    fn apply_page(&self, page: &ChangesPage) -> Result<Vec<String>, PortError> {
        let now = Utc::now();
        self.store
            .blocking(|db| {
                db.write(|tx, _| {
                    let mut notices = Vec::new();
                    for change in &page.changes {
                        if let Some(text) = apply_change(tx, change, now)? {
                            if sync_state::add_notice(
                                tx,
                                change.seq,
                                &change.case_id,
                                &change.kind,
                                &text,
                                now,
                            )? {
                                notices.push(text);
                            }
                        }
                    }
                    sync_state::set_cursor(tx, page.next_cursor)?;
                    Ok::<_, DeskError>(notices)
                })
            })
            .map_err(port)
    }

    fn reset_cursor(&self) -> Result<(), PortError> {
        self.store
            .blocking(|db| Ok(sync_state::set_cursor(db.conn(), 0)?))
            .map_err(port)
    }
}

/// What one change from the server says about a case of this window.
struct ServerUpdate {
    status: onestop_domain::lifecycle::CaseStatus,
    due_on: Option<chrono::NaiveDate>,
    due_provisional: bool,
    version: u64,
    /// A status change the clerk is told about (a confirmation is not).
    announce: bool,
    /// The 受理/不予受理 a parent window made on a forwarded case.
    decision: Option<ServerDecision>,
    flow: Option<onestop_domain::lifecycle::CaseFlow>,
}

impl ServerUpdate {
    fn confirmed(c: CaseConfirmed) -> Self {
        Self {
            status: c.status,
            due_on: c.due_on,
            due_provisional: c.due_provisional,
            version: c.version,
            announce: false,
            decision: None,
            flow: None,
        }
    }

    fn status_changed(c: CaseStatusChanged) -> Self {
        Self {
            decision: forwarded_decision(&c),
            status: c.status,
            due_on: c.due_on,
            due_provisional: c.due_provisional,
            version: c.version,
            announce: true,
            flow: Some(c.flow),
        }
    }
}

/// Stores one change; returns the line the clerk should read, if any. A payload this version
/// does not understand is skipped with a log line, never fatal: the cursor must move on.
fn apply_change(
    tx: &rusqlite_tx::Transaction<'_>,
    change: &onestop_protocol::Change,
    now: chrono::DateTime<Utc>,
) -> Result<Option<String>, DeskError> {
    let parsed = match change.kind.as_str() {
        change_kind::CASE_CONFIRMED => {
            serde_json::from_value::<CaseConfirmed>(change.payload.clone())
                .map(ServerUpdate::confirmed)
        }
        change_kind::CASE_STATUS => {
            serde_json::from_value::<CaseStatusChanged>(change.payload.clone())
                .map(ServerUpdate::status_changed)
        }
        _ => return skip(change, "unknown kind"),
    };
    let ServerUpdate {
        status,
        due_on,
        due_provisional,
        version,
        announce,
        decision,
        flow,
    } = match parsed {
        Ok(update) => update,
        Err(e) => return skip(change, &e.to_string()),
    };
    let state = ServerCaseState {
        status: status.name(),
        due_on,
        due_provisional,
        version,
    };
    if !sync_state::apply_server_state(tx, &change.case_id, &state, now)? {
        return Ok(None);
    }
    if let Some(flow) = &flow {
        sync_state::record_server_flow(tx, &change.case_id, flow)?;
    }
    if let Some(d) = &decision {
        sync_state::record_server_decision(tx, &change.case_id, d)?;
        tracing::info!(case = %change.case_id, action = ?d.transition.kind(), "the parent window's decision kept for its notice");
    }
    if !announce {
        return Ok(None);
    }
    let number: String = tx
        .query_row(
            "SELECT acceptance_number FROM cases WHERE case_id = ?1",
            [&change.case_id],
            |r| r.get(0),
        )
        .map_err(LocalError::from)?;
    Ok(Some(crate::sync::notices::status_notice(&number, status)))
}

/// The 受理 or 不予受理 of the whole case in a server action: only the window a village forwards
/// to takes those on the server (a window decides its own cases itself).
fn forwarded_decision(c: &CaseStatusChanged) -> Option<ServerDecision> {
    c.events
        .iter()
        .find(|e| {
            e.part.is_none()
                && matches!(e.transition, Transition::Accept | Transition::Reject { .. })
        })
        .map(|e| ServerDecision {
            on: e.on,
            transition: e.transition.clone(),
            actor: c.actor.clone(),
            actor_name: c.actor_name.clone(),
            actor_window: c.actor_window.clone(),
        })
}

fn skip(change: &onestop_protocol::Change, why: &str) -> Result<Option<String>, DeskError> {
    tracing::warn!(seq = change.seq, kind = %change.kind, why, "change skipped");
    Ok(None)
}

mod rusqlite_tx {
    pub use onestop_local::rusqlite::Transaction;
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use onestop_domain::catalogue::CaseType;
    use onestop_domain::lifecycle::{Applied, CaseFlow, CaseStatus, CaseTerms, Channel, Role};

    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    /// A case a village agent received, then `transition` by the township clerk.
    fn decided(transition: Transition) -> Applied {
        let terms = CaseTerms {
            case_type: CaseType::Promised,
            proxy_agent_permitted: true,
            max_extension_working_days: 0,
            parts: vec![],
        };
        CaseFlow::receive(
            terms,
            &Role::ProxyAgent,
            Channel::ProxyAgent,
            day(23),
            day(26),
        )
        .unwrap()
        .flow
        .apply(&Role::WindowClerk, &transition, day(25))
        .unwrap()
    }

    fn change(applied: Applied) -> CaseStatusChanged {
        CaseStatusChanged {
            status: applied.flow.status,
            flow: applied.flow,
            events: applied.events,
            actor: "township".into(),
            actor_name: Some("乡镇窗口人员".into()),
            actor_window: Some("青山镇便民服务中心".into()),
            due_on: Some(day(30)),
            due_provisional: false,
            version: 1,
        }
    }

    #[test]
    fn the_parent_windows_acceptance_or_refusal_is_kept_with_who_decided() {
        let accepted = forwarded_decision(&change(decided(Transition::Accept))).unwrap();
        assert_eq!(accepted.on, day(25));
        assert_eq!(accepted.transition, Transition::Accept);
        assert_eq!(accepted.actor_window.as_deref(), Some("青山镇便民服务中心"));
        assert_eq!(accepted.actor_name.as_deref(), Some("乡镇窗口人员"));
        let refusal = Transition::Reject {
            reason: "不属于本机关职权范围".into(),
            legal_basis: "《行政许可法》第三十二条".into(),
            competent_agency: None,
        };
        let refused = forwarded_decision(&change(decided(refusal.clone()))).unwrap();
        assert_eq!(refused.transition, refusal);
    }

    #[test]
    fn later_steps_of_the_approval_are_no_decision_to_print() {
        let accepted = decided(Transition::Accept);
        let handled = accepted
            .flow
            .apply(
                &Role::Approver {
                    steps: vec![onestop_domain::lifecycle::ReviewStep::Handle],
                },
                &Transition::Handle {
                    opinion: "情况属实".into(),
                },
                day(26),
            )
            .unwrap();
        assert_eq!(handled.flow.status, CaseStatus::Handled);
        assert_eq!(forwarded_decision(&change(handled)), None);
    }
}
