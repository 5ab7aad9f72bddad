//! The parts of a 一件事 case (并联审批, 行政许可法 art. 26): one window receives and delivers, each
//! department handles its own part independently, and the case is concluded when every part is
//! decided.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::flow::{check_common, handling_step, Pause};
use super::table::{can_take, is_allowed, is_part_action};
use super::{Applied, CaseEvent, CaseFlow, CaseStatus, Role, Transition, TransitionError};
use crate::catalogue::ParallelPart;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartFlow {
    pub impl_code: String,
    pub department: String,
    pub status: CaseStatus,
    pub suspended_from: Option<CaseStatus>,
    /// The part's own special procedures; the bundle's joint limit (art. 26) is not paused by them.
    pub pauses: Vec<Pause>,
    pub decided_on: Option<NaiveDate>,
}

impl PartFlow {
    /// A part starts accepted: the bundle's window accepted for every department (统一受理).
    pub(super) fn new(part: &ParallelPart) -> PartFlow {
        PartFlow {
            impl_code: part.impl_code.clone(),
            department: part.department.clone(),
            status: CaseStatus::Accepted,
            suspended_from: None,
            pauses: Vec::new(),
            decided_on: None,
        }
    }
}

impl CaseFlow {
    /// Take an action (承办, 审核, 批准, special procedure) on one part of a dispatched 一件事 case.
    /// When this decides the last open part, the whole case is concluded as well, and a second
    /// event (`ConcludeParts`) is returned.
    pub fn apply_to_part(
        &self,
        impl_code: &str,
        role: &Role,
        t: &Transition,
        on: NaiveDate,
    ) -> Result<Applied, TransitionError> {
        let action = t.kind();
        check_common(role, action, on, self.last_action_on)?;
        if !is_part_action(action) {
            return Err(TransitionError::NotAPartAction { action });
        }
        if self.status != CaseStatus::Dispatched {
            return Err(TransitionError::PartsNotDispatched);
        }
        let index = self
            .parts
            .iter()
            .position(|p| p.impl_code == impl_code)
            .ok_or_else(|| TransitionError::PartNotFound {
                impl_code: impl_code.to_owned(),
            })?;
        let from = self.parts[index].status;
        if !can_take(from, action) {
            return Err(TransitionError::TransitionNotAllowed { from, action });
        }
        let mut next = self.clone();
        next.last_action_on = on;
        let part = &mut next.parts[index];
        let to = handling_step(
            from,
            &mut part.suspended_from,
            &mut part.pauses,
            &mut part.decided_on,
            t,
            on,
        )?;
        if !is_allowed(from, action, to) {
            return Err(TransitionError::TransitionNotAllowed { from, action });
        }
        part.status = to;
        let mut events = vec![CaseEvent {
            on,
            role: role.clone(),
            part: Some(impl_code.to_owned()),
            transition: t.clone(),
            from: Some(from),
            to,
        }];
        if next.parts.iter().all(|p| p.status.is_decided()) {
            let conclude = super::ActionKind::ConcludeParts;
            if is_allowed(next.status, conclude, CaseStatus::Concluded) {
                events.push(CaseEvent {
                    on,
                    role: role.clone(),
                    part: None,
                    transition: Transition::ConcludeParts,
                    from: Some(next.status),
                    to: CaseStatus::Concluded,
                });
                next.status = CaseStatus::Concluded;
                next.decided_on = Some(on);
            }
        }
        Ok(Applied { flow: next, events })
    }
}
