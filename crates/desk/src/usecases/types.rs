//! Inputs and results shared by the use cases.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use onestop_domain::calendar::WorkCalendar;
use onestop_domain::lifecycle::Role;
use onestop_domain::supervision::DeadlineStatus;
use onestop_protocol::{CaseSnapshot, MaterialReceipt};
use serde::{Deserialize, Serialize};

use super::proxy::ProxyInput;

/// Who acts: the account, and the role it acts in (a township clerk or a village agent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub account: String,
    pub role: Role,
}

impl Actor {
    pub fn clerk(account: impl Into<String>) -> Actor {
        Actor {
            account: account.into(),
            role: Role::WindowClerk,
        }
    }

    pub fn village_agent(account: impl Into<String>) -> Actor {
        Actor {
            account: account.into(),
            role: Role::ProxyAgent,
        }
    }
}

/// A scan or photo to import and link to a material slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentInput {
    /// The material id (`m1` …) or another slot name such as `authorisation`.
    pub slot: String,
    pub path: PathBuf,
}

/// A new application at the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCaseInput {
    pub actor: Actor,
    pub impl_code: String,
    pub applicant_id: String,
    /// The form data keyed by field key (shared fields pre-filled by `prefill_form`).
    pub form: serde_json::Value,
    /// What arrived, per material; `waived_reason` records 容缺受理.
    pub materials: Vec<MaterialReceipt>,
    #[serde(default)]
    pub attachments: Vec<AttachmentInput>,
    /// 代理人 / 代办员 and the 委托书, when someone acts for the applicant (art. 29).
    #[serde(default)]
    pub proxy: Option<ProxyInput>,
}

/// What the detail view shows: the case as sent, with its deadline and sync state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub snapshot: CaseSnapshot,
    pub item_name: String,
    pub status_label: String,
    /// The printed, grouped acceptance number.
    pub acceptance_number_grouped: String,
    /// The yellow/red card once the decision clock runs.
    pub deadline: Option<DeadlineStatus>,
    /// Last day for the one-time supplement notice (art. 32 (4)) while it matters.
    pub supplement_notice_due: Option<NaiveDate>,
    pub synced: bool,
    pub server_status: Option<String>,
}

/// The time and calendar of one use-case call.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub calendar: Arc<WorkCalendar>,
}
