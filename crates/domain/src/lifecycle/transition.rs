//! The actions that move a case, with the data each records.

use serde::{Deserialize, Serialize};

/// How the application arrived (art. 29, art. 33; the plan's three routes in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Window,
    Online,
    ProxyAgent,
}

/// The procedures whose time is excluded from the limits (行政许可法 art. 45).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialProcedure {
    /// 听证
    Hearing,
    /// 招标
    Tender,
    /// 拍卖
    Auction,
    /// 检验
    Inspection,
    /// 检测
    Testing,
    /// 检疫
    Quarantine,
    /// 鉴定
    Appraisal,
    /// 专家评审
    ExpertReview,
}

/// One action on a case. `Receive` starts a case and `ConcludeParts` is taken by the machine
/// itself when the last part of a 一件事 case is decided; neither can be applied by a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Transition {
    Receive {
        channel: Channel,
    },
    /// 补正告知 (art. 32 (4)): everything missing, listed once.
    RequestSupplement {
        missing: Vec<String>,
    },
    /// The complete supplement arrived.
    Supplement,
    /// 受理 (art. 32 (5)).
    Accept,
    /// 不予受理 (art. 32 (1), (2)): reason, legal basis, and the competent agency where the
    /// matter belongs to another one.
    Reject {
        reason: String,
        legal_basis: String,
        competent_agency: Option<String>,
    },
    /// 即办件: accepted and decided on the spot by the window.
    CompleteOnSpot,
    /// 承办 opinion.
    Handle {
        opinion: String,
    },
    /// 审核 opinion.
    Review {
        opinion: String,
    },
    /// 批准: the decision. A denial needs a reason and its legal basis (art. 38).
    Decide {
        approve: bool,
        reason: String,
        legal_basis: String,
    },
    /// 特别程序 starts (art. 45): the clock pauses.
    Suspend {
        procedure: SpecialProcedure,
        reason: String,
    },
    /// 特别程序 ends: the clock runs again from where it stopped.
    Resume,
    /// Extension (art. 42): once, approved by the agency head, with the reason told.
    Extend {
        working_days: u32,
        reason: String,
    },
    /// A 一件事 case is sent to its departments (art. 26).
    Dispatch,
    ConcludeParts,
    /// 送达.
    Deliver,
    /// 撤回 at the applicant's request.
    Withdraw {
        reason: String,
    },
}

/// The kind of a [`Transition`], without its data: the key of the transition table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Receive,
    RequestSupplement,
    Supplement,
    Accept,
    Reject,
    CompleteOnSpot,
    Handle,
    Review,
    Decide,
    Suspend,
    Resume,
    Extend,
    Dispatch,
    ConcludeParts,
    Deliver,
    Withdraw,
}

impl ActionKind {
    pub fn label(self) -> &'static str {
        match self {
            ActionKind::Receive => "收件",
            ActionKind::RequestSupplement => "补正告知",
            ActionKind::Supplement => "补正",
            ActionKind::Accept => "受理",
            ActionKind::Reject => "不予受理",
            ActionKind::CompleteOnSpot => "即办办结",
            ActionKind::Handle => "承办",
            ActionKind::Review => "审核",
            ActionKind::Decide => "批准",
            ActionKind::Suspend => "启动特别程序",
            ActionKind::Resume => "结束特别程序",
            ActionKind::Extend => "延长期限",
            ActionKind::Dispatch => "分送并联部门",
            ActionKind::ConcludeParts => "并联办结",
            ActionKind::Deliver => "送达",
            ActionKind::Withdraw => "撤回",
        }
    }
}

impl Transition {
    pub fn kind(&self) -> ActionKind {
        match self {
            Transition::Receive { .. } => ActionKind::Receive,
            Transition::RequestSupplement { .. } => ActionKind::RequestSupplement,
            Transition::Supplement => ActionKind::Supplement,
            Transition::Accept => ActionKind::Accept,
            Transition::Reject { .. } => ActionKind::Reject,
            Transition::CompleteOnSpot => ActionKind::CompleteOnSpot,
            Transition::Handle { .. } => ActionKind::Handle,
            Transition::Review { .. } => ActionKind::Review,
            Transition::Decide { .. } => ActionKind::Decide,
            Transition::Suspend { .. } => ActionKind::Suspend,
            Transition::Resume => ActionKind::Resume,
            Transition::Extend { .. } => ActionKind::Extend,
            Transition::Dispatch => ActionKind::Dispatch,
            Transition::ConcludeParts => ActionKind::ConcludeParts,
            Transition::Deliver => ActionKind::Deliver,
            Transition::Withdraw { .. } => ActionKind::Withdraw,
        }
    }
}
