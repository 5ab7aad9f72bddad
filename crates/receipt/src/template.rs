//! Layout templates, one JSON file per voucher kind, so an administrator can change the wording
//! without a new release. The built-in ones are embedded (`assets/vouchers/*.json`); a folder
//! given to [`Templates::load_overrides`] replaces any of them with `<kind>.json`.
//!
//! Text may name printed fields as `{field}` (see `fields.rs`); a field that does not exist is a
//! template error, reported when the template is loaded.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use crate::error::ReceiptError;
use crate::model::VoucherKind;

/// A whole voucher layout.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub kind: VoucherKind,
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    /// The line under the title, e.g. "编号：{number}".
    pub number_line: String,
    pub sections: Vec<Section>,
}

/// One block of the page, top to bottom.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Section {
    /// Label/value rows in a ruled table; `columns` pairs per row (1 or 2).
    Fields {
        #[serde(default = "one")]
        columns: usize,
        rows: Vec<FieldRow>,
    },
    /// A bold heading line.
    Heading { text: String },
    /// A paragraph, first line indented; skipped when `optional` and a field in it is empty.
    Paragraph {
        text: String,
        #[serde(default)]
        optional: bool,
        /// Indent the first line by two characters (default true).
        #[serde(default = "yes")]
        indent: bool,
    },
    /// A ruled table over a list of the voucher (`materials`, `corrections`, `items`).
    Table {
        source: String,
        columns: Vec<Column>,
        /// Printed instead of the table when the list is empty.
        #[serde(default)]
        empty: Option<String>,
    },
    /// Signature boxes side by side.
    Signatures { boxes: Vec<SignatureBox> },
    /// The seal area (bottom right) with the agency and date.
    Seal {
        #[serde(default = "seal_label")]
        label: String,
        lines: Vec<String>,
    },
    /// Vertical space in points.
    Spacer { height: f32 },
}

fn one() -> usize {
    1
}

fn seal_label() -> String {
    "（盖章）".to_owned()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldRow {
    pub label: String,
    pub value: String,
    /// Skip the row when its value comes out empty.
    #[serde(default)]
    pub optional: bool,
    /// Take the whole width in a two-column table.
    #[serde(default)]
    pub wide: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub title: String,
    pub value: String,
    /// Relative width.
    pub width: f32,
    #[serde(default)]
    pub align: Align,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    #[default]
    Left,
    Center,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureBox {
    pub label: String,
    /// Pre-printed content (e.g. the clerk's name); empty for a hand signature.
    #[serde(default)]
    pub value: String,
    /// Print a "年 月 日" date line under the signature.
    #[serde(default = "yes")]
    pub date_line: bool,
}

fn yes() -> bool {
    true
}

const BUILTIN: [(VoucherKind, &str); 5] = [
    (
        VoucherKind::Acceptance,
        include_str!("../../../assets/vouchers/acceptance.json"),
    ),
    (
        VoucherKind::Correction,
        include_str!("../../../assets/vouchers/correction.json"),
    ),
    (
        VoucherKind::Refusal,
        include_str!("../../../assets/vouchers/refusal.json"),
    ),
    (
        VoucherKind::MaterialReceipt,
        include_str!("../../../assets/vouchers/material_receipt.json"),
    ),
    (
        VoucherKind::ProxyAuthorisation,
        include_str!("../../../assets/vouchers/proxy_authorisation.json"),
    ),
];

/// The template of every kind.
#[derive(Debug, Clone)]
pub struct Templates {
    by_kind: BTreeMap<VoucherKind, Template>,
}

impl Templates {
    /// The templates built into the binary.
    pub fn builtin() -> Result<Templates, ReceiptError> {
        let mut by_kind = BTreeMap::new();
        for (kind, text) in BUILTIN {
            by_kind.insert(kind, Template::parse(kind, text)?);
        }
        Ok(Templates { by_kind })
    }

    /// Replace built-in templates with `<dir>/<kind>.json` where such a file exists.
    pub fn load_overrides(mut self, dir: &Path) -> Result<Templates, ReceiptError> {
        for kind in VoucherKind::ALL {
            let path = dir.join(format!("{}.json", kind.key()));
            if !path.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| ReceiptError::Template {
                kind: kind.key().to_owned(),
                reason: format!("{}：{e}", path.display()),
            })?;
            self.by_kind.insert(kind, Template::parse(kind, &text)?);
            tracing::info!(kind = kind.key(), path = %path.display(), "voucher template overridden");
        }
        Ok(self)
    }

    pub fn get(&self, kind: VoucherKind) -> Result<&Template, ReceiptError> {
        self.by_kind
            .get(&kind)
            .ok_or_else(|| ReceiptError::Template {
                kind: kind.key().to_owned(),
                reason: "缺少模板".to_owned(),
            })
    }
}

impl Template {
    /// Parse and check a template: right kind, known fields only.
    pub fn parse(kind: VoucherKind, text: &str) -> Result<Template, ReceiptError> {
        let err = |reason: String| ReceiptError::Template {
            kind: kind.key().to_owned(),
            reason,
        };
        let t: Template = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
        if t.kind != kind {
            return Err(err(format!("模板种类为 {}", t.kind.key())));
        }
        let known = known_fields(kind);
        for (text, list) in t.texts() {
            for name in placeholders(text).map_err(err)? {
                let in_list = list.is_some_and(|l| list_fields(l).contains(&name));
                if !in_list && !known.contains(name) {
                    return Err(err(format!("未知字段 {{{name}}}")));
                }
            }
        }
        for s in &t.sections {
            if let Section::Table { source, .. } = s {
                if !list_names(kind).contains(&source.as_str()) {
                    return Err(err(format!("未知列表 {source}")));
                }
            }
        }
        Ok(t)
    }

    /// Every text of the template, with the list it is evaluated against (for table cells).
    fn texts(&self) -> Vec<(&str, Option<&str>)> {
        let mut out = vec![
            (self.title.as_str(), None),
            (self.number_line.as_str(), None),
        ];
        if let Some(s) = &self.subtitle {
            out.push((s, None));
        }
        for s in &self.sections {
            match s {
                Section::Fields { rows, .. } => {
                    for r in rows {
                        out.push((&r.label, None));
                        out.push((&r.value, None));
                    }
                }
                Section::Heading { text } | Section::Paragraph { text, .. } => {
                    out.push((text, None))
                }
                Section::Table {
                    source,
                    columns,
                    empty,
                } => {
                    for c in columns {
                        out.push((&c.title, None));
                        out.push((&c.value, Some(source.as_str())));
                    }
                    if let Some(e) = empty {
                        out.push((e, None));
                    }
                }
                Section::Signatures { boxes } => {
                    for b in boxes {
                        out.push((&b.label, None));
                        out.push((&b.value, None));
                    }
                }
                Section::Seal { label, lines } => {
                    out.push((label, None));
                    out.extend(lines.iter().map(|l| (l.as_str(), None)));
                }
                Section::Spacer { .. } => {}
            }
        }
        out
    }
}

/// The `{name}`s in `text`; `{{` and `}}` are literal braces.
pub fn placeholders(text: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('}') {
            return Err(format!("多余的 }} ：{text}"));
        }
        let end = tail.find('}').ok_or_else(|| format!("缺少 }} ：{text}"))?;
        out.push(&tail[1..end]);
        rest = &tail[end + 1..];
    }
    Ok(out)
}

const COMMON: &[&str] = &[
    "number",
    "agency",
    "issued_date",
    "issued_time",
    "window",
    "clerk",
    "contact_phone",
    "terminal",
    "status_url",
];
const PARTY: &[&str] = &["name", "id", "phone", "address"];

fn known_fields(kind: VoucherKind) -> BTreeSet<String> {
    let mut set: BTreeSet<String> = COMMON.iter().map(|s| (*s).to_owned()).collect();
    let (parties, own): (&[&str], &[&str]) = match kind {
        VoucherKind::Acceptance => (
            &["applicant"],
            &[
                "item",
                "accepted_date",
                "legal_limit",
                "promised_limit",
                "promised_date",
                "special_procedure",
                "complaint_phone",
                "delivery",
            ],
        ),
        VoucherKind::Correction => (
            &["applicant"],
            &["item", "received_date", "legal_basis", "correction_count"],
        ),
        VoucherKind::Refusal => (
            &["applicant"],
            &[
                "item",
                "received_date",
                "reason",
                "legal_basis",
                "competent_agency",
                "review_body",
                "court",
            ],
        ),
        VoucherKind::MaterialReceipt => {
            (&["applicant"], &["item", "received_time", "material_count"])
        }
        VoucherKind::ProxyAuthorisation => (
            &["principal", "agent"],
            &["agent_post", "valid_from", "valid_until", "powers"],
        ),
    };
    for p in parties {
        for f in PARTY {
            set.insert(format!("{p}_{f}"));
        }
    }
    set.extend(own.iter().map(|s| (*s).to_owned()));
    set
}

fn list_names(kind: VoucherKind) -> &'static [&'static str] {
    match kind {
        VoucherKind::Acceptance | VoucherKind::MaterialReceipt => &["materials"],
        VoucherKind::Correction => &["corrections"],
        VoucherKind::Refusal => &[],
        VoucherKind::ProxyAuthorisation => &["items"],
    }
}

fn list_fields(list: &str) -> &'static [&'static str] {
    match list {
        "materials" => &["index", "name", "form", "originals", "copies", "note"],
        "corrections" => &["index", "material", "problem", "requirement"],
        "items" => &["index", "name"],
        _ => &[],
    }
}
