//! Process rules (流程监察) checked on a case's own timeline, with no data from outside it. The
//! state machine never produces these faults itself; the rules catch them in timelines that came
//! from elsewhere (provincial systems, imports) or were tampered with.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::error::Coded;
use crate::lifecycle::{CaseEvent, Transition};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessRule {
    /// A decision (or a handling step) before the case was accepted.
    DecisionBeforeAcceptance,
    /// 承办 or 审核 missing before the step that follows it, or delivery before any decision.
    StepSkipped,
    /// Art. 42: the extension must state its reason.
    ExtensionWithoutReason,
    /// Art. 42: only one extension.
    ExtensionRepeated,
    /// Arts. 32 and 38: a refusal states its reasons.
    RefusalWithoutReason,
}

impl ProcessRule {
    pub fn label(self) -> &'static str {
        match self {
            ProcessRule::DecisionBeforeAcceptance => "未受理先办理或先决定",
            ProcessRule::StepSkipped => "跳过办理环节",
            ProcessRule::ExtensionWithoutReason => "延期未说明理由",
            ProcessRule::ExtensionRepeated => "重复延期",
            ProcessRule::RefusalWithoutReason => "不予受理或不予许可未说明理由",
        }
    }
}

/// One breach, pointing at the event where it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub rule: ProcessRule,
    pub event_index: usize,
    pub message: String,
}

impl Coded for Violation {
    fn code(&self) -> &'static str {
        match self.rule {
            ProcessRule::DecisionBeforeAcceptance => "supervision.decision_before_acceptance",
            ProcessRule::StepSkipped => "supervision.step_skipped",
            ProcessRule::ExtensionWithoutReason => "supervision.extension_without_reason",
            ProcessRule::ExtensionRepeated => "supervision.extension_repeated",
            ProcessRule::RefusalWithoutReason => "supervision.refusal_without_reason",
        }
    }
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// Check a timeline, in order, against the process rules.
pub fn check_events(events: &[CaseEvent]) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut accepted = false;
    let mut decided = false;
    let mut extensions = 0;
    // Steps done, per part (`None` = the whole case).
    let mut handled: HashSet<Option<&str>> = HashSet::new();
    let mut reviewed: HashSet<Option<&str>> = HashSet::new();
    for (i, e) in events.iter().enumerate() {
        let part = e.part.as_deref();
        let mut flag = |rule: ProcessRule, detail: String| {
            out.push(Violation {
                rule,
                event_index: i,
                message: format!("{}：{detail}", rule.label()),
            });
        };
        match &e.transition {
            Transition::Accept | Transition::CompleteOnSpot => {
                accepted = true;
                decided |= matches!(e.transition, Transition::CompleteOnSpot);
            }
            Transition::Handle { .. } | Transition::Review { .. } | Transition::Decide { .. }
                if !accepted =>
            {
                flag(
                    ProcessRule::DecisionBeforeAcceptance,
                    format!("{} 在受理之前就已办理", e.on),
                );
            }
            _ => {}
        }
        match &e.transition {
            Transition::Handle { .. } => {
                handled.insert(part);
            }
            Transition::Review { .. } => {
                if !handled.contains(&part) {
                    flag(ProcessRule::StepSkipped, "未经承办即审核".into());
                }
                reviewed.insert(part);
            }
            Transition::Decide {
                approve, reason, ..
            } => {
                if !handled.contains(&part) || !reviewed.contains(&part) {
                    flag(ProcessRule::StepSkipped, "未经承办、审核即作出决定".into());
                }
                if !approve && blank(reason) {
                    flag(
                        ProcessRule::RefusalWithoutReason,
                        "不予许可决定没有理由".into(),
                    );
                }
                decided = true;
            }
            Transition::ConcludeParts => decided = true,
            Transition::Deliver if !decided => {
                flag(ProcessRule::StepSkipped, "尚未作出决定即送达".into());
            }
            Transition::Reject { reason, .. } if blank(reason) => {
                flag(
                    ProcessRule::RefusalWithoutReason,
                    "不予受理决定没有理由".into(),
                );
            }
            Transition::Extend { reason, .. } => {
                extensions += 1;
                if blank(reason) {
                    flag(
                        ProcessRule::ExtensionWithoutReason,
                        format!("{} 的延期", e.on),
                    );
                }
                if extensions > 1 {
                    flag(
                        ProcessRule::ExtensionRepeated,
                        format!("第 {extensions} 次延期"),
                    );
                }
            }
            _ => {}
        }
    }
    out
}
