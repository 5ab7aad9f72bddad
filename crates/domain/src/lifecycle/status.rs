//! The states of a case and the roles that act on it.

use serde::{Deserialize, Serialize};

/// Where a case (or one part of a 一件事 case) stands. The order follows the GB/T 39046 data sets:
/// 收件 → 补正 → 受理/不予受理 → 办理 (承办 → 审核 → 批准) → 特别程序 → 办结 → 送达.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// 收件: materials received, the 5-working-day notice clock of art. 32 (4) runs.
    Received,
    /// 补正告知: the one-time notice listing everything missing has been given.
    SupplementRequested,
    /// 补正: the complete supplement has arrived.
    Supplemented,
    /// 受理: accepted; the decision limit (art. 42) runs. Awaiting 承办.
    Accepted,
    /// 不予受理 (art. 32 (1), (2)), with reason and legal basis. Final.
    Rejected,
    /// 承办 done, awaiting 审核.
    Handled,
    /// 审核 done, awaiting 批准.
    Reviewed,
    /// 特别程序 (art. 45): the clock is paused.
    Suspended,
    /// A 一件事 case sent to its departments (art. 26); its parts move on their own.
    Dispatched,
    /// 准予许可 / 办结通过.
    Approved,
    /// 不予许可 / 办结不通过.
    Denied,
    /// Every part of a 一件事 case is decided.
    Concluded,
    /// 送达: the result was handed over. Final.
    Delivered,
    /// 撤回 by the applicant. Final.
    Withdrawn,
}

pub const ALL_STATUSES: [CaseStatus; 14] = [
    CaseStatus::Received,
    CaseStatus::SupplementRequested,
    CaseStatus::Supplemented,
    CaseStatus::Accepted,
    CaseStatus::Rejected,
    CaseStatus::Handled,
    CaseStatus::Reviewed,
    CaseStatus::Suspended,
    CaseStatus::Dispatched,
    CaseStatus::Approved,
    CaseStatus::Denied,
    CaseStatus::Concluded,
    CaseStatus::Delivered,
    CaseStatus::Withdrawn,
];

impl CaseStatus {
    /// The wire and storage name (`accepted`, `supplement_requested`, …), as serde writes it.
    pub fn name(self) -> &'static str {
        match self {
            CaseStatus::Received => "received",
            CaseStatus::SupplementRequested => "supplement_requested",
            CaseStatus::Supplemented => "supplemented",
            CaseStatus::Accepted => "accepted",
            CaseStatus::Rejected => "rejected",
            CaseStatus::Handled => "handled",
            CaseStatus::Reviewed => "reviewed",
            CaseStatus::Suspended => "suspended",
            CaseStatus::Dispatched => "dispatched",
            CaseStatus::Approved => "approved",
            CaseStatus::Denied => "denied",
            CaseStatus::Concluded => "concluded",
            CaseStatus::Delivered => "delivered",
            CaseStatus::Withdrawn => "withdrawn",
        }
    }

    /// The status a stored or received name stands for.
    pub fn from_name(name: &str) -> Option<CaseStatus> {
        ALL_STATUSES.into_iter().find(|s| s.name() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Received => "已收件",
            CaseStatus::SupplementRequested => "待补正",
            CaseStatus::Supplemented => "已补正",
            CaseStatus::Accepted => "已受理（待承办）",
            CaseStatus::Rejected => "不予受理",
            CaseStatus::Handled => "已承办（待审核）",
            CaseStatus::Reviewed => "已审核（待批准）",
            CaseStatus::Suspended => "特别程序中",
            CaseStatus::Dispatched => "并联办理中",
            CaseStatus::Approved => "准予许可",
            CaseStatus::Denied => "不予许可",
            CaseStatus::Concluded => "并联办结",
            CaseStatus::Delivered => "已送达",
            CaseStatus::Withdrawn => "已撤回",
        }
    }

    /// No transition leaves a final state.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CaseStatus::Rejected | CaseStatus::Delivered | CaseStatus::Withdrawn
        )
    }

    /// A decision has been made (a part counts as done for its bundle).
    pub fn is_decided(self) -> bool {
        matches!(self, CaseStatus::Approved | CaseStatus::Denied)
    }

    /// The status a window shows for its own case, given the server's: the window's, until the
    /// server reports that it moved the case on. That is any state of the approval work, and
    /// also the decision on a case a village agent received and forwarded, which the window it
    /// reports to accepts or refuses on the server (DOMAIN.md §7: the agent never decides).
    pub fn shown(local: CaseStatus, server: Option<CaseStatus>) -> CaseStatus {
        match server {
            Some(s) if s.overrides_window() || Self::decided_after_forwarding(local, s) => s,
            _ => local,
        }
    }

    /// A status the server reports that stands whatever the window's copy says: the approval
    /// work's, and 撤回 (final; the server reaches it only by this window's own step, taken
    /// there once the case was accepted or forwarded).
    pub fn overrides_window(self) -> bool {
        self.is_server_owned() || self == CaseStatus::Withdrawn
    }

    /// The window left the case waiting for a decision, and the server holds one.
    fn decided_after_forwarding(local: CaseStatus, server: CaseStatus) -> bool {
        Self::FORWARDED_WAITING.contains(&local) && Self::FORWARDED_DECISIONS.contains(&server)
    }

    /// Where a forwarded case waits for the parent window's decision.
    pub const FORWARDED_WAITING: [CaseStatus; 2] = [CaseStatus::Received, CaseStatus::Supplemented];
    /// What the parent window may decide on the server.
    pub const FORWARDED_DECISIONS: [CaseStatus; 2] = [CaseStatus::Accepted, CaseStatus::Rejected];

    /// The states the approval work moves an accepted case into (everything reachable from 受理
    /// except 受理 itself and 撤回, which a window also reaches). The server owns a case after
    /// acceptance (ARCHITECTURE.md §5), so when it reports one of these, that is the case's status
    /// whatever the window's own copy says.
    pub fn is_server_owned(self) -> bool {
        matches!(
            self,
            CaseStatus::Handled
                | CaseStatus::Reviewed
                | CaseStatus::Suspended
                | CaseStatus::Dispatched
                | CaseStatus::Approved
                | CaseStatus::Denied
                | CaseStatus::Concluded
                | CaseStatus::Delivered
        )
    }

    /// The decision clock runs (or is paused) in these states.
    pub fn is_in_handling(self) -> bool {
        matches!(
            self,
            CaseStatus::Accepted
                | CaseStatus::Handled
                | CaseStatus::Reviewed
                | CaseStatus::Suspended
                | CaseStatus::Dispatched
        )
    }
}

/// The three internal approval steps (承办 → 审核 → 批准).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStep {
    /// 承办
    Handle,
    /// 审核
    Review,
    /// 批准
    Approve,
}

/// Who acts. An approver holds the steps they may sign.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    /// 窗口人员 of a county or township centre.
    WindowClerk,
    /// 村级代办员: files and carries cases for villagers (art. 29), never decides.
    ProxyAgent,
    /// 审批人员 of a department, with the steps they may sign.
    Approver { steps: Vec<ReviewStep> },
    /// 本机关负责人: approves extensions (art. 42) and may sign a decision.
    Leader,
    /// 电子监察人员: reads and flags, never changes a case.
    Supervisor,
    /// 系统管理员: maintains the system, never changes a case.
    Administrator,
}

impl Role {
    pub fn label(&self) -> &'static str {
        match self {
            Role::WindowClerk => "窗口人员",
            Role::ProxyAgent => "村级代办员",
            Role::Approver { .. } => "审批人员",
            Role::Leader => "机关负责人",
            Role::Supervisor => "电子监察人员",
            Role::Administrator => "系统管理员",
        }
    }

    pub fn may_sign(&self, step: ReviewStep) -> bool {
        matches!(self, Role::Approver { steps } if steps.contains(&step))
    }
}

#[cfg(test)]
mod tests {
    use super::CaseStatus as S;

    #[test]
    fn a_window_shows_its_own_status_until_the_server_moves_the_case_on() {
        // Not confirmed yet, or confirmed as the window left it.
        assert_eq!(S::shown(S::Received, None), S::Received);
        assert_eq!(S::shown(S::Accepted, Some(S::Accepted)), S::Accepted);
        // A local step the server has not heard of yet is not undone by the older server state.
        assert_eq!(S::shown(S::Accepted, Some(S::Received)), S::Accepted);
        assert_eq!(
            S::shown(S::SupplementRequested, Some(S::Received)),
            S::SupplementRequested
        );
        // The approval work.
        assert_eq!(S::shown(S::Accepted, Some(S::Handled)), S::Handled);
        // The parent window's decision on a forwarded case.
        assert_eq!(S::shown(S::Received, Some(S::Accepted)), S::Accepted);
        assert_eq!(S::shown(S::Supplemented, Some(S::Rejected)), S::Rejected);
        assert!(!S::decided_after_forwarding(S::Accepted, S::Accepted));
    }
}
