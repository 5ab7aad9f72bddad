//! The data a voucher is made from (serde, so desk can hand it over as JSON). It holds what the
//! clerk entered; masking and wording happen at render time.

use chrono::{NaiveDate, NaiveDateTime};
use onestop_domain::numbering::AcceptanceNumber;
use serde::{Deserialize, Serialize};

/// One voucher to render. `reprint_count` is 0 for the first print; a reprint (补打) carries
/// the number of earlier prints, and desk records the reprint as a case event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Voucher {
    /// The case's acceptance number (受理编号); the QR code and signature are bound to it.
    pub number: AcceptanceNumber,
    /// The issuing agency, printed with the seal (出具机关).
    pub agency: String,
    /// When the voucher is issued (the date next to the seal).
    pub issued_at: NaiveDateTime,
    /// The window (窗口), e.g. "综合受理3号窗口".
    pub window: String,
    /// The clerk's name (经办人).
    pub clerk: String,
    /// The clerk's or window's contact phone.
    pub contact_phone: String,
    /// The terminal that printed it, for the footer.
    pub terminal: String,
    /// The base URL of the status server; the QR code holds `{server}/q/{number}`.
    pub status_server: String,
    /// 0 for the original; n ≥ 1 for the n-th reprint (补打).
    #[serde(default)]
    pub reprint_count: u32,
    pub body: VoucherBody,
}

/// The five kinds, each with its own fields (DOMAIN.md §2 and §7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VoucherBody {
    Acceptance(AcceptanceNotice),
    Correction(CorrectionNotice),
    Refusal(RefusalNotice),
    MaterialReceipt(MaterialReceipt),
    ProxyAuthorisation(ProxyAuthorisation),
}

/// The voucher kind, also the key of its template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoucherKind {
    Acceptance,
    Correction,
    Refusal,
    MaterialReceipt,
    ProxyAuthorisation,
}

impl VoucherKind {
    pub const ALL: [VoucherKind; 5] = [
        VoucherKind::Acceptance,
        VoucherKind::Correction,
        VoucherKind::Refusal,
        VoucherKind::MaterialReceipt,
        VoucherKind::ProxyAuthorisation,
    ];

    /// The stable key used in template files and file names.
    pub fn key(self) -> &'static str {
        match self {
            VoucherKind::Acceptance => "acceptance",
            VoucherKind::Correction => "correction",
            VoucherKind::Refusal => "refusal",
            VoucherKind::MaterialReceipt => "material_receipt",
            VoucherKind::ProxyAuthorisation => "proxy_authorisation",
        }
    }
}

impl VoucherBody {
    pub fn kind(&self) -> VoucherKind {
        match self {
            VoucherBody::Acceptance(_) => VoucherKind::Acceptance,
            VoucherBody::Correction(_) => VoucherKind::Correction,
            VoucherBody::Refusal(_) => VoucherKind::Refusal,
            VoucherBody::MaterialReceipt(_) => VoucherKind::MaterialReceipt,
            VoucherBody::ProxyAuthorisation(_) => VoucherKind::ProxyAuthorisation,
        }
    }
}

/// A person or organisation named on a voucher. `id_number` is the full resident ID or USCC as
/// entered; only its masked form is ever printed or logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    pub name: String,
    pub id_number: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

/// One material handed over, with its form and counts (原件/复印件 份数).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Material {
    pub name: String,
    #[serde(default)]
    pub originals: u32,
    #[serde(default)]
    pub copies: u32,
    #[serde(default)]
    pub electronic: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// 受理通知书.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceptanceNotice {
    pub applicant: Party,
    pub item: String,
    pub accepted_on: NaiveDate,
    pub materials: Vec<Material>,
    /// e.g. "20个工作日".
    pub legal_limit: String,
    /// e.g. "10个工作日".
    pub promised_limit: String,
    pub promised_date: NaiveDate,
    /// Time excluded from the limits (行政许可法 art. 45), e.g. "现场核查、专家评审所需时间不计算在办理时限内".
    #[serde(default)]
    pub special_procedure: Option<String>,
    /// 监督投诉电话.
    pub complaint_phone: String,
    /// 领取方式 (pick-up or post).
    #[serde(default)]
    pub delivery: Option<String>,
}

/// One missing or defective material and what the supplement must contain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    pub material: String,
    /// 缺少 / 不符合法定形式, in words.
    pub problem: String,
    /// What it must contain.
    pub requirement: String,
}

/// 补正材料通知书 (一次性告知书), 行政许可法 art. 32(4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrectionNotice {
    pub applicant: Party,
    pub item: String,
    pub received_on: NaiveDate,
    pub corrections: Vec<Correction>,
    pub legal_basis: String,
}

/// 不予受理通知书, 行政许可法 art. 32(1)(2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefusalNotice {
    pub applicant: Party,
    pub item: String,
    pub received_on: NaiveDate,
    pub reason: String,
    pub legal_basis: String,
    /// The competent agency to apply to instead, when the matter is outside this agency's powers.
    #[serde(default)]
    pub competent_agency: Option<String>,
    /// Where 行政复议 is filed, e.g. "某某县人民政府".
    pub review_body: String,
    /// Where 行政诉讼 is filed, e.g. "某某县人民法院".
    pub court: String,
}

/// 材料接收凭证 (收件回执); its time starts the 5-working-day 补正 clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaterialReceipt {
    pub applicant: Party,
    pub item: String,
    pub received_at: NaiveDateTime,
    pub materials: Vec<Material>,
}

/// 代办委托书 (行政许可法 art. 29; DOMAIN.md §7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProxyAuthorisation {
    /// 委托人.
    pub principal: Party,
    /// 受托人 (代办员).
    pub agent: Party,
    /// The agent's post, e.g. "某某村便民服务站代办员".
    #[serde(default)]
    pub agent_post: Option<String>,
    pub items: Vec<String>,
    /// e.g. "递交申请材料", "代为签收文书", "领取办理结果".
    pub powers: Vec<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

impl Voucher {
    /// The citizen status URL the QR code carries: `{server}/q/{acceptance number}`.
    pub fn status_url(&self) -> String {
        format!(
            "{}/q/{}",
            self.status_server.trim_end_matches('/'),
            self.number
        )
    }
}
