use onestop_domain::supervision::{DeadlineState, DeadlineStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ApplicantView;

/// One line of the 办件 list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaseRow {
    pub case_id: String,
    pub acceptance_number: String,
    pub acceptance_number_grouped: String,
    pub item_name: String,
    pub applicant_name: String,
    pub status: String,
    pub status_label: String,
    pub received_on: String,
    pub due_on: Option<String>,
    /// `normal`, `yellow` or `red` while the decision clock runs.
    pub due_state: Option<String>,
    pub synced: bool,
}

/// The deadline card: working days left, counted by the domain calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeadlineView {
    pub state: String,
    pub due: String,
    pub days_left: i32,
    pub percent_used: u32,
    /// Computed on this window; the server has not confirmed it yet.
    pub provisional: bool,
}

pub fn state_name(s: DeadlineState) -> &'static str {
    match s {
        DeadlineState::Normal => "normal",
        DeadlineState::Yellow => "yellow",
        DeadlineState::Red => "red",
    }
}

impl DeadlineView {
    pub fn new(d: &DeadlineStatus, confirmed: bool) -> Self {
        DeadlineView {
            state: state_name(d.state).to_owned(),
            due: d.due.to_string(),
            days_left: i32::try_from(d.days_left).unwrap_or(i32::MIN),
            percent_used: d.percent_used,
            provisional: d.provisional || !confirmed,
        }
    }
}

/// A material as received on the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MaterialLine {
    pub material_id: String,
    pub name: String,
    pub originals: u32,
    pub copies: u32,
    pub electronic: bool,
    pub waived_reason: Option<String>,
    /// What the item's guide asks for (原件/复印件份数), so a supplement can be checked against it.
    pub required_originals: u32,
    pub required_copies: u32,
    /// Scans linked to this material, with how far their upload has come.
    pub scans: Vec<ScanLine>,
}

/// One scan of a material and its upload: `confirmed` once the server has checked the whole
/// file's sha256 (until then the bytes sent so far, which the live sync progress overtakes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScanLine {
    pub file_name: String,
    #[ts(type = "number")]
    pub size: u64,
    #[ts(type = "number")]
    pub uploaded_bytes: u64,
    pub confirmed: bool,
}

/// One line of the case's history: the window's own entries and the server's status changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TimelineLine {
    pub at: String,
    pub label: String,
    pub actor: String,
    pub detail: String,
    /// Came from the server's change log (审批进度), not from this window.
    pub from_server: bool,
}

/// The case detail screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaseView {
    pub case_id: String,
    pub acceptance_number: String,
    pub acceptance_number_grouped: String,
    pub item_impl_code: String,
    pub item_name: String,
    pub applicant: ApplicantView,
    /// The agent acting for the applicant, if any.
    pub proxy_name: Option<String>,
    pub status: String,
    pub status_label: String,
    pub received_on: String,
    pub accepted_on: Option<String>,
    pub deadline: Option<DeadlineView>,
    /// Last day for the one-time supplement notice while it matters.
    pub supplement_notice_due: Option<String>,
    pub materials: Vec<MaterialLine>,
    pub timeline: Vec<TimelineLine>,
    /// Voucher kinds printed, with how many times each (`acceptance` → 2 means one 补打).
    pub prints: Vec<(String, u32)>,
    pub synced: bool,
    pub server_status_label: Option<String>,
    /// What the window can do next: `accept`, `supplement_notice`, `record_supplement`,
    /// `reject`, `withdraw`, `deliver`; and which vouchers it can print.
    pub actions: Vec<String>,
    pub vouchers: Vec<String>,
    /// The notice the case's latest decision calls for (受理通知书 after 受理, 补正材料通知书 after
    /// 补正, 不予受理通知书, the 代办委托书 of a forwarded case), else the first voucher: what the
    /// acceptance screen opens once the decision is taken.
    pub notice: Option<String>,
}
