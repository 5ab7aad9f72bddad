//! A voucher flattened to the strings printed on it: named scalars (`applicant_name`, …) and
//! named lists (`materials`, …). Templates refer to these names, and the signature hashes
//! exactly these values, so what is signed is what the citizen holds. ID numbers and phones
//! are masked here, the only place they are turned into text.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use onestop_domain::ids::{mask_phone, mask_resident_id};
use serde::Serialize;

use crate::model::{Material, Party, Voucher, VoucherBody};

/// The printed values of one voucher. `BTreeMap`s keep a canonical order for hashing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedFields {
    pub kind: &'static str,
    pub scalars: BTreeMap<String, String>,
    pub lists: BTreeMap<String, Vec<BTreeMap<String, String>>>,
}

/// `2026年11月28日`.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

/// `2026年11月28日 09:30`.
pub fn format_datetime(t: NaiveDateTime) -> String {
    t.format("%Y年%m月%d日 %H:%M").to_string()
}

impl PrintedFields {
    pub fn of(v: &Voucher) -> PrintedFields {
        let mut f = PrintedFields {
            kind: v.body.kind().key(),
            scalars: BTreeMap::new(),
            lists: BTreeMap::new(),
        };
        f.set("number", v.number.grouped());
        f.set("agency", &v.agency);
        f.set("issued_date", format_date(v.issued_at.date()));
        f.set("issued_time", format_datetime(v.issued_at));
        f.set("window", &v.window);
        f.set("clerk", &v.clerk);
        f.set("contact_phone", &v.contact_phone);
        f.set("terminal", &v.terminal);
        f.set("status_url", v.status_url());
        match &v.body {
            VoucherBody::Acceptance(b) => {
                f.party("applicant", &b.applicant);
                f.set("item", &b.item);
                f.set("accepted_date", format_date(b.accepted_on));
                f.set("legal_limit", &b.legal_limit);
                f.set("promised_limit", &b.promised_limit);
                f.set("promised_date", format_date(b.promised_date));
                f.set(
                    "special_procedure",
                    b.special_procedure.as_deref().unwrap_or(""),
                );
                f.set("complaint_phone", &b.complaint_phone);
                f.set("delivery", b.delivery.as_deref().unwrap_or(""));
                f.materials(&b.materials);
            }
            VoucherBody::Correction(b) => {
                f.party("applicant", &b.applicant);
                f.set("item", &b.item);
                f.set("received_date", format_date(b.received_on));
                f.set("legal_basis", &b.legal_basis);
                f.set("correction_count", b.corrections.len().to_string());
                let rows = b
                    .corrections
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        row(&[
                            ("index", (i + 1).to_string()),
                            ("material", c.material.clone()),
                            ("problem", c.problem.clone()),
                            ("requirement", c.requirement.clone()),
                        ])
                    })
                    .collect();
                f.lists.insert("corrections".into(), rows);
            }
            VoucherBody::Refusal(b) => {
                f.party("applicant", &b.applicant);
                f.set("item", &b.item);
                f.set("received_date", format_date(b.received_on));
                f.set("reason", &b.reason);
                f.set("legal_basis", &b.legal_basis);
                f.set(
                    "competent_agency",
                    b.competent_agency.as_deref().unwrap_or(""),
                );
                f.set("review_body", &b.review_body);
                f.set("court", &b.court);
            }
            VoucherBody::MaterialReceipt(b) => {
                f.party("applicant", &b.applicant);
                f.set("item", &b.item);
                f.set("received_time", format_datetime(b.received_at));
                f.set("material_count", b.materials.len().to_string());
                f.materials(&b.materials);
            }
            VoucherBody::ProxyAuthorisation(b) => {
                f.party("principal", &b.principal);
                f.party("agent", &b.agent);
                f.set("agent_post", b.agent_post.as_deref().unwrap_or(""));
                f.set("valid_from", format_date(b.valid_from));
                f.set("valid_until", format_date(b.valid_until));
                f.set("powers", b.powers.join("；"));
                let items = b
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, s)| row(&[("index", (i + 1).to_string()), ("name", s.clone())]))
                    .collect();
                f.lists.insert("items".into(), items);
            }
        }
        f
    }

    fn set(&mut self, key: &str, value: impl Into<String>) {
        self.scalars.insert(key.to_owned(), clean(&value.into()));
    }

    fn party(&mut self, prefix: &str, p: &Party) {
        self.set(&format!("{prefix}_name"), &p.name);
        self.set(&format!("{prefix}_id"), mask_resident_id(&p.id_number));
        self.set(
            &format!("{prefix}_phone"),
            p.phone.as_deref().map(mask_phone).unwrap_or_default(),
        );
        self.set(
            &format!("{prefix}_address"),
            p.address.as_deref().unwrap_or(""),
        );
    }

    fn materials(&mut self, materials: &[Material]) {
        let rows = materials
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mut form = Vec::new();
                if m.originals > 0 {
                    form.push("原件");
                }
                if m.copies > 0 {
                    form.push("复印件");
                }
                if m.electronic {
                    form.push("电子件");
                }
                row(&[
                    ("index", (i + 1).to_string()),
                    ("name", m.name.clone()),
                    ("form", form.join("、")),
                    ("originals", m.originals.to_string()),
                    ("copies", m.copies.to_string()),
                    ("note", m.note.clone().unwrap_or_default()),
                ])
            })
            .collect();
        self.lists.insert("materials".into(), rows);
    }

    /// The value of `{key}` inside a list row (row fields first) or among the scalars.
    pub fn lookup<'a>(
        &'a self,
        key: &str,
        row: Option<&'a BTreeMap<String, String>>,
    ) -> Option<&'a str> {
        row.and_then(|r| r.get(key))
            .or_else(|| self.scalars.get(key))
            .map(String::as_str)
    }
}

fn row(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), clean(v)))
        .collect()
}

/// Control characters never reach the page: tabs become spaces, CR is dropped, newlines stay
/// (paragraph breaks).
fn clean(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect::<String>()
        .trim()
        .to_owned()
}
