use onestop_domain::catalogue::{CaseType, FormField, Item, Material};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One line of the item picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ItemHit {
    pub impl_code: String,
    pub name: String,
    pub department: String,
    /// 即办件 / 承诺件.
    pub case_type_label: String,
    pub promised_limit_working_days: u32,
}

impl From<&Item> for ItemHit {
    fn from(i: &Item) -> Self {
        ItemHit {
            impl_code: i.impl_code.clone(),
            name: i.name.clone(),
            department: i.department.clone(),
            case_type_label: i.case_type.label().to_owned(),
            promised_limit_working_days: i.promised_limit_working_days,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MaterialView {
    pub id: String,
    pub name: String,
    pub originals: u32,
    pub copies: u32,
    pub required: bool,
    pub electronic_allowed: bool,
    pub source: String,
    pub note: String,
}

impl From<&Material> for MaterialView {
    fn from(m: &Material) -> Self {
        MaterialView {
            id: m.id.clone(),
            name: m.name.clone(),
            originals: m.originals,
            copies: m.copies,
            required: m.required,
            electronic_allowed: m.electronic_allowed,
            source: m.source.clone(),
            note: m.note.clone(),
        }
    }
}

/// One field of the item's form, in display order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldView {
    pub key: String,
    pub label: String,
    /// `text`, `textarea`, `number`, `money`, `date`, `select`, `resident_id`, `uscc`, `phone`,
    /// `address`.
    pub field_type: String,
    pub required: bool,
    pub max_len: Option<u32>,
    pub options: Vec<String>,
    /// Filled from the applicant library (一表式).
    pub shared: bool,
}

impl From<&FormField> for FieldView {
    fn from(f: &FormField) -> Self {
        let field_type = match serde_json::to_value(f.field_type) {
            Ok(serde_json::Value::String(s)) => s,
            _ => "text".to_owned(),
        };
        FieldView {
            key: f.key.clone(),
            label: f.label.clone(),
            field_type,
            required: f.required,
            max_len: f.max_len,
            options: f.options.clone(),
            shared: f.shared.is_some(),
        }
    }
}

/// The item as the acceptance screen shows it: conditions, materials, limits and its form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ItemView {
    pub impl_code: String,
    pub name: String,
    pub department: String,
    pub item_type_label: String,
    pub case_type_label: String,
    /// 即办件: decided on the spot (the 即办 decision applies).
    pub instant: bool,
    pub conditions: String,
    pub legal_limit_working_days: u32,
    pub promised_limit_working_days: u32,
    /// 不收费, or 收费 and its basis.
    pub fee_label: String,
    pub basis: Vec<String>,
    pub materials: Vec<MaterialView>,
    pub form: Vec<FieldView>,
    pub proxy_agent_permitted: bool,
    pub waiver_allowed: bool,
    pub consult_phone: String,
    /// The decisions the signed-in clerk may take on an application for this item, in the order
    /// of their keys: `accept` or `forward` (F2), `supplement` (F3), `reject` (F4), `instant` (F6).
    pub decisions: Vec<String>,
}

impl From<&Item> for ItemView {
    fn from(i: &Item) -> Self {
        let fee_label = if i.fee.charged {
            format!("收费（{}）", i.fee.basis.clone().unwrap_or_default())
        } else {
            "不收费".to_owned()
        };
        ItemView {
            impl_code: i.impl_code.clone(),
            name: i.name.clone(),
            department: i.department.clone(),
            item_type_label: i.item_type.label().to_owned(),
            case_type_label: i.case_type.label().to_owned(),
            instant: i.case_type == CaseType::Instant,
            conditions: i.conditions.clone(),
            legal_limit_working_days: i.legal_limit_working_days,
            promised_limit_working_days: i.promised_limit_working_days,
            fee_label,
            basis: i.basis.clone(),
            materials: i.materials.iter().map(MaterialView::from).collect(),
            form: i.form.fields.iter().map(FieldView::from).collect(),
            proxy_agent_permitted: i.proxy_agent_permitted(),
            waiver_allowed: i.waiver_allowed,
            consult_phone: i.consult_phone.clone(),
            decisions: Vec::new(),
        }
    }
}
