//! A case and the actions on the whole case.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::parts::PartFlow;
use super::table::{can_take, is_allowed, role_permits};
use super::{ActionKind, Applied, CaseEvent, CaseStatus, Channel, Role, SpecialProcedure};
use super::{Transition, TransitionError};
use crate::catalogue::{CaseType, Item, ParallelPart};

/// What the machine needs to know about the item a case was filed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseTerms {
    pub case_type: CaseType,
    pub proxy_agent_permitted: bool,
    /// The most an extension may add (art. 42: 10; art. 26: 15 working days).
    pub max_extension_working_days: u32,
    /// The parts of a 一件事 bundle; empty for an ordinary item.
    pub parts: Vec<ParallelPart>,
}

impl CaseTerms {
    pub fn from_item(item: &Item) -> CaseTerms {
        CaseTerms {
            case_type: item.case_type,
            proxy_agent_permitted: item.proxy_agent_permitted(),
            max_extension_working_days: item.extension_working_days,
            parts: item.parallel_parts.clone(),
        }
    }
}

/// A special procedure (art. 45); `to` is `None` while it lasts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub procedure: SpecialProcedure,
    pub reason: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// The one extension art. 42 allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub working_days: u32,
    pub reason: String,
    pub on: NaiveDate,
}

/// A case as the machine sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFlow {
    pub terms: CaseTerms,
    pub status: CaseStatus,
    pub received_on: NaiveDate,
    /// The last day for the one-time supplement notice (5 working days, art. 32 (4), art. 82),
    /// computed with the working-day calendar when the case is received.
    pub supplement_notice_due: NaiveDate,
    pub supplement_requested_on: Option<NaiveDate>,
    pub supplemented_on: Option<NaiveDate>,
    /// The legal acceptance date: the clock of art. 42 runs from it.
    pub accepted_on: Option<NaiveDate>,
    /// Accepted by operation of law because the notice deadline was missed (art. 32).
    pub deemed_accepted: bool,
    pub decided_on: Option<NaiveDate>,
    pub extension: Option<Extension>,
    pub pauses: Vec<Pause>,
    /// The state to return to when the special procedure ends.
    pub suspended_from: Option<CaseStatus>,
    pub last_action_on: NaiveDate,
    pub parts: Vec<PartFlow>,
}

pub(super) fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

pub(super) fn check_common(
    role: &Role,
    action: ActionKind,
    on: NaiveDate,
    last: NaiveDate,
) -> Result<(), TransitionError> {
    if matches!(action, ActionKind::Receive | ActionKind::ConcludeParts) {
        return Err(TransitionError::AutomaticTransition { action });
    }
    if on < last {
        return Err(TransitionError::DateBeforePrevious { on, last });
    }
    if !role_permits(role, action) {
        return Err(TransitionError::RoleNotPermitted {
            role: role.label(),
            action,
        });
    }
    Ok(())
}

/// The steps shared by a case and a part: 承办, 审核, 批准 and the special-procedure clock.
pub(super) fn handling_step(
    status: CaseStatus,
    suspended_from: &mut Option<CaseStatus>,
    pauses: &mut Vec<Pause>,
    decided_on: &mut Option<NaiveDate>,
    t: &Transition,
    on: NaiveDate,
) -> Result<CaseStatus, TransitionError> {
    let action = t.kind();
    Ok(match t {
        Transition::Handle { opinion } | Transition::Review { opinion } => {
            if blank(opinion) {
                return Err(TransitionError::ReasonRequired { action });
            }
            if action == ActionKind::Handle {
                CaseStatus::Handled
            } else {
                CaseStatus::Reviewed
            }
        }
        Transition::Decide {
            approve,
            reason,
            legal_basis,
        } => {
            // Art. 38: a refusal states its reasons and the applicant's rights.
            if !approve && blank(reason) {
                return Err(TransitionError::ReasonRequired { action });
            }
            if !approve && blank(legal_basis) {
                return Err(TransitionError::BasisRequired { action });
            }
            *decided_on = Some(on);
            if *approve {
                CaseStatus::Approved
            } else {
                CaseStatus::Denied
            }
        }
        Transition::Suspend { procedure, reason } => {
            // Art. 45: the applicant is told in writing, so the reason must be there.
            if blank(reason) {
                return Err(TransitionError::ReasonRequired { action });
            }
            *suspended_from = Some(status);
            pauses.push(Pause {
                procedure: *procedure,
                reason: reason.clone(),
                from: on,
                to: None,
            });
            CaseStatus::Suspended
        }
        Transition::Resume => {
            if let Some(p) = pauses.iter_mut().rev().find(|p| p.to.is_none()) {
                p.to = Some(on);
            }
            suspended_from.take().unwrap_or(CaseStatus::Accepted)
        }
        _ => {
            return Err(TransitionError::TransitionNotAllowed {
                from: status,
                action,
            })
        }
    })
}

impl CaseFlow {
    /// 收件: start a case. `supplement_notice_due` is
    /// `calendar.supplement_notice_due(received_on).date`.
    pub fn receive(
        terms: CaseTerms,
        role: &Role,
        channel: Channel,
        received_on: NaiveDate,
        supplement_notice_due: NaiveDate,
    ) -> Result<Applied, TransitionError> {
        if !role_permits(role, ActionKind::Receive) {
            return Err(TransitionError::RoleNotPermitted {
                role: role.label(),
                action: ActionKind::Receive,
            });
        }
        // Art. 29 allows a proxy, DOMAIN.md §7 excludes in-person items from village agents.
        if *role == Role::ProxyAgent && !terms.proxy_agent_permitted {
            return Err(TransitionError::ProxyNotPermitted);
        }
        let flow = CaseFlow {
            terms,
            status: CaseStatus::Received,
            received_on,
            supplement_notice_due,
            supplement_requested_on: None,
            supplemented_on: None,
            accepted_on: None,
            deemed_accepted: false,
            decided_on: None,
            extension: None,
            pauses: Vec::new(),
            suspended_from: None,
            last_action_on: received_on,
            parts: Vec::new(),
        };
        let event = CaseEvent {
            on: received_on,
            role: role.clone(),
            part: None,
            transition: Transition::Receive { channel },
            from: None,
            to: CaseStatus::Received,
        };
        Ok(Applied {
            flow,
            events: vec![event],
        })
    }

    /// Whether the notice deadline of art. 32 (4) had passed on `on` without a notice.
    fn notice_missed(&self, on: NaiveDate) -> bool {
        self.status == CaseStatus::Received && on > self.supplement_notice_due
    }

    /// Take an action on the whole case.
    pub fn apply(
        &self,
        role: &Role,
        t: &Transition,
        on: NaiveDate,
    ) -> Result<Applied, TransitionError> {
        let action = t.kind();
        check_common(role, action, on, self.last_action_on)?;
        if action == ActionKind::RequestSupplement && self.supplement_requested_on.is_some() {
            return Err(TransitionError::SupplementOnce);
        }
        if !can_take(self.status, action) {
            return Err(TransitionError::TransitionNotAllowed {
                from: self.status,
                action,
            });
        }
        let mut next = self.clone();
        next.last_action_on = on;
        let to = self.target(&mut next, t, on)?;
        // The table is the authority: a move it does not list is refused, whatever the code above
        // computed.
        if !is_allowed(self.status, action, to) {
            return Err(TransitionError::TransitionNotAllowed {
                from: self.status,
                action,
            });
        }
        next.status = to;
        let event = CaseEvent {
            on,
            role: role.clone(),
            part: None,
            transition: t.clone(),
            from: Some(self.status),
            to,
        };
        Ok(Applied {
            flow: next,
            events: vec![event],
        })
    }

    fn target(
        &self,
        next: &mut CaseFlow,
        t: &Transition,
        on: NaiveDate,
    ) -> Result<CaseStatus, TransitionError> {
        let action = t.kind();
        Ok(match t {
            Transition::RequestSupplement { missing } => {
                if missing.iter().all(|m| blank(m)) {
                    return Err(TransitionError::SupplementListEmpty);
                }
                if self.notice_missed(on) {
                    return Err(TransitionError::SupplementNoticeOverdue {
                        due: self.supplement_notice_due,
                    });
                }
                next.supplement_requested_on = Some(on);
                CaseStatus::SupplementRequested
            }
            Transition::Supplement => {
                next.supplemented_on = Some(on);
                CaseStatus::Supplemented
            }
            Transition::Accept | Transition::CompleteOnSpot => {
                if action == ActionKind::CompleteOnSpot {
                    if self.terms.case_type != CaseType::Instant {
                        return Err(TransitionError::NotInstantItem);
                    }
                    next.decided_on = Some(on);
                }
                self.record_acceptance(next, on);
                if action == ActionKind::Accept {
                    CaseStatus::Accepted
                } else {
                    CaseStatus::Approved
                }
            }
            Transition::Reject {
                reason,
                legal_basis,
                ..
            } => {
                if blank(reason) {
                    return Err(TransitionError::ReasonRequired { action });
                }
                if blank(legal_basis) {
                    return Err(TransitionError::BasisRequired { action });
                }
                if self.notice_missed(on) {
                    return Err(TransitionError::DeemedAccepted);
                }
                CaseStatus::Rejected
            }
            Transition::Handle { .. } if !self.terms.parts.is_empty() => {
                return Err(TransitionError::BundleMustDispatch)
            }
            Transition::Extend {
                working_days,
                reason,
            } => {
                if self.extension.is_some() {
                    return Err(TransitionError::ExtensionAlreadyUsed);
                }
                if blank(reason) {
                    return Err(TransitionError::ReasonRequired { action });
                }
                let max = self.terms.max_extension_working_days;
                if *working_days == 0 || *working_days > max {
                    return Err(TransitionError::ExtensionTooLong {
                        requested: *working_days,
                        max,
                    });
                }
                next.extension = Some(Extension {
                    working_days: *working_days,
                    reason: reason.clone(),
                    on,
                });
                self.status
            }
            Transition::Dispatch => {
                if self.terms.parts.is_empty() {
                    return Err(TransitionError::NotABundle);
                }
                next.parts = self.terms.parts.iter().map(PartFlow::new).collect();
                CaseStatus::Dispatched
            }
            Transition::Deliver => CaseStatus::Delivered,
            Transition::Withdraw { reason } => {
                // The applicant's request is what makes the step lawful; the timeline keeps it.
                if blank(reason) {
                    return Err(TransitionError::ReasonRequired {
                        action: ActionKind::Withdraw,
                    });
                }
                for p in next.parts.iter_mut().filter(|p| !p.status.is_decided()) {
                    p.status = CaseStatus::Withdrawn;
                }
                if let Some(p) = next.pauses.iter_mut().find(|p| p.to.is_none()) {
                    p.to = Some(on);
                }
                CaseStatus::Withdrawn
            }
            _ => handling_step(
                self.status,
                &mut next.suspended_from,
                &mut next.pauses,
                &mut next.decided_on,
                t,
                on,
            )?,
        })
    }

    /// The acceptance date in law: the receipt day when the notice deadline was missed (art. 32,
    /// 逾期不告知的，自收到申请材料之日起即为受理), the day the complete supplement arrived after a
    /// notice, otherwise the day of acceptance.
    fn record_acceptance(&self, next: &mut CaseFlow, on: NaiveDate) {
        if self.notice_missed(on) {
            next.accepted_on = Some(self.received_on);
            next.deemed_accepted = true;
        } else if let (CaseStatus::Supplemented, Some(d)) = (self.status, self.supplemented_on) {
            next.accepted_on = Some(d);
        } else {
            next.accepted_on = Some(on);
        }
    }

    /// Whether the case is waiting in a special procedure.
    pub fn is_suspended(&self) -> bool {
        self.status == CaseStatus::Suspended
    }

    pub fn part(&self, impl_code: &str) -> Option<&PartFlow> {
        self.parts.iter().find(|p| p.impl_code == impl_code)
    }
}
