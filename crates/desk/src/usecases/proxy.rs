//! Proxy cases (代办 / 代理, 行政许可法 art. 29): the agent, the scope and validity of the
//! 委托书 and its scan. The applicant stays the principal; the case records who acted for whom.

use chrono::NaiveDate;
use onestop_domain::catalogue::Item;
use onestop_domain::ids::{Phone, ResidentId};
use onestop_domain::lifecycle::Role;
use onestop_protocol::ProxyRecord;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use super::DeskError;

/// The slot the scanned 委托书 is linked to.
pub const AUTHORISATION_SLOT: &str = "authorisation";

/// The powers a 委托书 grants, by key, in the words printed on it (DOMAIN.md §7).
pub const PROXY_POWERS: [(&str, &str); 3] = [
    ("submit", "递交材料"),
    ("sign", "签收文书"),
    ("collect", "领取结果"),
];

/// The agent and the authorisation, as typed at the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyInput {
    pub name: String,
    pub id_number: String,
    pub phone: Option<String>,
    /// What the agent may do: 递交, 签收, 领取 …
    pub powers: Vec<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// The scanned 委托书.
    pub authorisation_scan: PathBuf,
}

/// Checks the authorisation on `today` and returns the record to store (scan hash filled later).
pub fn check(
    input: Option<&ProxyInput>,
    item: &Item,
    role: &Role,
    today: NaiveDate,
) -> Result<Option<ProxyRecord>, DeskError> {
    let Some(p) = input else {
        // A village agent always acts for someone, so the authorisation must be on file.
        if *role == Role::ProxyAgent {
            return Err(DeskError::ProxyRequired);
        }
        return Ok(None);
    };
    if !item.proxy_allowed {
        return Err(DeskError::ProxyNotAllowed);
    }
    let invalid = |reason: &str| DeskError::ProxyInvalid {
        reason: reason.to_owned(),
    };
    if p.name.trim().is_empty() {
        return Err(invalid("缺少代理人姓名"));
    }
    let id = ResidentId::parse(&p.id_number, today)?;
    let phone = p
        .phone
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(Phone::parse)
        .transpose()?;
    let powers: Vec<String> = p
        .powers
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if powers.is_empty() {
        return Err(invalid("委托书未写明委托事项和权限"));
    }
    if p.valid_until < p.valid_from {
        return Err(invalid("委托期限的截止日期早于起始日期"));
    }
    if today < p.valid_from || today > p.valid_until {
        return Err(invalid(&format!(
            "委托期限为 {} 至 {}，今天不在期限内",
            p.valid_from, p.valid_until
        )));
    }
    Ok(Some(ProxyRecord {
        name: p.name.trim().to_owned(),
        id_number: id.as_str().to_owned(),
        phone: phone.map(|p| p.as_str().to_owned()),
        powers,
        valid_from: p.valid_from,
        valid_until: p.valid_until,
        authorisation_scan_sha256: None,
    }))
}
