use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// 今日概况 of this window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HomeSummary {
    pub today: String,
    pub received_today: u32,
    pub accepted_today: u32,
    pub completed_today: u32,
    /// 黄牌.
    pub due_soon: u32,
    /// 红牌.
    pub overdue: u32,
    /// Decided on the server, waiting to be handed over (待领取).
    pub ready_for_collection: u32,
    pub unsynced: u32,
}
