//! The licensing or service item (事项) with the elements of GB/T 39046-2020 Table 4.

use serde::{Deserialize, Serialize};

use super::form::FormSchema;
use crate::supervision::WarningThresholds;

/// GB/T 39046 Annex A.1 事项类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    /// 00 行政权力
    Power,
    /// 01 行政许可
    Licensing,
    /// 02 行政处罚
    Penalty,
    /// 03 行政强制
    Enforcement,
    /// 04 行政征收
    Levy,
    /// 05 行政给付
    Benefit,
    /// 06 行政检查
    Inspection,
    /// 07 行政确认
    Confirmation,
    /// 08 行政奖励
    Reward,
    /// 09 行政裁决
    Adjudication,
    /// 10 其他行政权力
    OtherPower,
    /// 20 公共服务
    PublicService,
}

const ITEM_TYPES: [(ItemType, &str, &str); 12] = [
    (ItemType::Power, "00", "行政权力"),
    (ItemType::Licensing, "01", "行政许可"),
    (ItemType::Penalty, "02", "行政处罚"),
    (ItemType::Enforcement, "03", "行政强制"),
    (ItemType::Levy, "04", "行政征收"),
    (ItemType::Benefit, "05", "行政给付"),
    (ItemType::Inspection, "06", "行政检查"),
    (ItemType::Confirmation, "07", "行政确认"),
    (ItemType::Reward, "08", "行政奖励"),
    (ItemType::Adjudication, "09", "行政裁决"),
    (ItemType::OtherPower, "10", "其他行政权力"),
    (ItemType::PublicService, "20", "公共服务"),
];

impl ItemType {
    pub fn from_gb_code(code: &str) -> Option<ItemType> {
        ITEM_TYPES.iter().find(|t| t.1 == code).map(|t| t.0)
    }

    pub fn gb_code(self) -> &'static str {
        ITEM_TYPES
            .iter()
            .find(|t| t.0 == self)
            .map_or("10", |t| t.1)
    }

    pub fn label(self) -> &'static str {
        ITEM_TYPES.iter().find(|t| t.0 == self).map_or("", |t| t.2)
    }
}

/// GB/T 39046 Annex A.6 办件类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseType {
    /// 1 即办件: decided on the spot by the window.
    Instant,
    /// 2 承诺件: decided within the promised number of working days.
    Promised,
    /// 9 其他.
    Other,
}

impl CaseType {
    pub fn from_gb_code(code: u8) -> Option<CaseType> {
        match code {
            1 => Some(CaseType::Instant),
            2 => Some(CaseType::Promised),
            9 => Some(CaseType::Other),
            _ => None,
        }
    }

    pub fn gb_code(self) -> u8 {
        match self {
            CaseType::Instant => 1,
            CaseType::Promised => 2,
            CaseType::Other => 9,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseType::Instant => "即办件",
            CaseType::Promised => "承诺件",
            CaseType::Other => "其他",
        }
    }
}

/// The three levels of windows in the plan: county centre, township centre, village window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowLevel {
    County,
    Township,
    Village,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub charged: bool,
    /// 收费依据; required when `charged`.
    pub basis: Option<String>,
}

/// One material of the item (GB/T 39046: name, source, 原件份数, 复印件份数, 是否必备).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    /// Stable within the item; cases record received materials by this id.
    pub id: String,
    pub name: String,
    pub originals: u32,
    pub copies: u32,
    pub required: bool,
    /// An electronic document (电子证照, scan) is accepted instead of paper.
    pub electronic_allowed: bool,
    /// Who issues it (申请人自备, 政府部门核发 …).
    pub source: String,
    pub note: String,
}

/// The kind of a step of the item's published flow (办理流程).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Accept,
    Review,
    SiteCheck,
    Investigate,
    Assess,
    Publicize,
    Dispatch,
    MakeCard,
    Decide,
    Deliver,
}

impl StepKind {
    pub fn label(self) -> &'static str {
        match self {
            StepKind::Accept => "受理",
            StepKind::Review => "审查",
            StepKind::SiteCheck => "现场核查",
            StepKind::Investigate => "入户调查",
            StepKind::Assess => "评定",
            StepKind::Publicize => "公示",
            StepKind::Dispatch => "分送并联部门",
            StepKind::MakeCard => "制卡",
            StepKind::Decide => "决定",
            StepKind::Deliver => "送达",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowStep {
    pub step: StepKind,
    /// The item's own name for the step, as published in its service guide.
    pub name: String,
}

/// One part of a 一件事 bundle: another item of the catalogue, handled by its own department in
/// parallel (行政许可法 art. 26 并联审批).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParallelPart {
    pub impl_code: String,
    pub department: String,
}

/// One item of the catalogue. The codes are opaque strings (DOMAIN.md §3: their internal structure
/// differs by province), compared only for equality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// 基本编码.
    pub basic_code: String,
    /// 实施编码: the item's identity in the catalogue and in cases.
    pub impl_code: String,
    pub name: String,
    pub item_type: ItemType,
    /// 实施主体.
    pub department: String,
    /// 实施主体统一社会信用代码, when known.
    pub department_uscc: Option<String>,
    /// Window levels that may receive the item.
    pub accept_levels: Vec<WindowLevel>,
    pub case_type: CaseType,
    /// 法定办结时限, working days (art. 42: 20 unless a law says otherwise; art. 82).
    pub legal_limit_working_days: u32,
    /// 承诺办结时限, working days; 0 for 即办件.
    pub promised_limit_working_days: u32,
    /// The most an extension may add (art. 42: 10 working days; art. 26 joint handling: 15).
    pub extension_working_days: u32,
    /// When the supervision card turns yellow (local rule, DOMAIN.md §6).
    #[serde(default)]
    pub warning: WarningThresholds,
    pub fee: Fee,
    /// 设定依据: the laws and articles.
    pub basis: Vec<String>,
    /// 受理条件.
    pub conditions: String,
    pub materials: Vec<Material>,
    pub form: FormSchema,
    pub flow: Vec<FlowStep>,
    /// A proxy (代理人 / 代办员) may file (art. 29).
    pub proxy_allowed: bool,
    /// The applicant must appear in person for some step.
    pub in_person_required: bool,
    /// 容缺受理: the window may accept while a required material is still missing, with the
    /// reason recorded, to be supplied later. A local policy set per item by the administrator;
    /// never for a 即办件, which is decided on the spot.
    #[serde(default)]
    pub waiver_allowed: bool,
    /// Non-empty for a 一件事 bundle.
    pub parallel_parts: Vec<ParallelPart>,
    pub consult_phone: String,
    pub supervise_phone: String,
}

impl Item {
    pub fn is_bundle(&self) -> bool {
        !self.parallel_parts.is_empty()
    }

    /// Whether a village proxy agent may carry the case: the item allows a proxy (art. 29) and
    /// does not require the applicant in person (DOMAIN.md §7: in-person items are excluded).
    pub fn proxy_agent_permitted(&self) -> bool {
        self.proxy_allowed && !self.in_person_required
    }

    /// sha256 (hex) of the item's canonical JSON. A case pins the item version by this hash.
    pub fn content_hash(&self) -> String {
        crate::canonical::hash_of(self)
    }
}
