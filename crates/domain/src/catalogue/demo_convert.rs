//! Conversion of the shared demo catalogue (`assets/catalogue/demo-source.json`) into the
//! project's format (`assets/catalogue/demo.json`). A test keeps the two in step.

use serde::Deserialize;

use super::form::{FieldType, FormField, FormSchema, SharedField};
use super::item::{
    CaseType, Fee, FlowStep, Item, ItemType, Material, ParallelPart, StepKind, WindowLevel,
};
use super::{Catalogue, CatalogueError, CATALOGUE_FORMAT};
use crate::ids::Uscc;
use crate::supervision::WarningThresholds;

/// 行政许可法 art. 42: an extension of at most 10 working days.
const EXTENSION_ART_42: u32 = 10;
/// 行政许可法 art. 26 with art. 42: joint handling, 45 days extendable by 15.
const EXTENSION_ART_26: u32 = 15;

#[derive(Deserialize)]
struct Source {
    edition: String,
    county_code: String,
    #[serde(default)]
    note: String,
    items: Vec<SourceItem>,
}

#[derive(Deserialize)]
struct SourceItem {
    basic_code: String,
    impl_code: String,
    name: String,
    item_type: String,
    department: String,
    accept_levels: Vec<WindowLevel>,
    case_type: u8,
    legal_limit_working_days: u32,
    promised_limit_working_days: u32,
    fee: Fee,
    basis: Vec<String>,
    conditions: String,
    materials: Vec<SourceMaterial>,
    form: Vec<SourceField>,
    flow: Vec<FlowStep>,
    proxy_allowed: bool,
    in_person_required: bool,
    parallel_parts: Vec<ParallelPart>,
    consult_phone: String,
    supervise_phone: String,
}

#[derive(Deserialize)]
struct SourceMaterial {
    id: String,
    name: String,
    originals: u32,
    copies: u32,
    required: bool,
    electronic_ok: bool,
    source: String,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
struct SourceField {
    key: String,
    label: String,
    #[serde(rename = "type")]
    field_type: FieldType,
    required: bool,
    options: Vec<String>,
    shared: Option<SharedField>,
    max_len: Option<u32>,
}

/// Convert the demo source JSON into a [`Catalogue`] in the project's format.
///
/// Decisions: the GB/T 39046 item-type and case-type codes become named enumerations; the legal
/// extension is 15 working days for 一件事 bundles (art. 26 joint handling) and 10 otherwise
/// (art. 42); the yellow-card thresholds take the defaults; the implementing body's USCC is
/// taken from the segment of the implementation code that is a valid USCC, when there is one.
/// The result is not validated here: call [`Catalogue::validate`].
pub fn convert_demo_source(json: &str) -> Result<Catalogue, CatalogueError> {
    let src: Source = serde_json::from_str(json).map_err(|e| CatalogueError::BadJson {
        detail: e.to_string(),
    })?;
    let items = src
        .items
        .into_iter()
        .map(convert_item)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Catalogue {
        format: CATALOGUE_FORMAT,
        edition: src.edition,
        county_code: src.county_code,
        note: src.note,
        items,
    })
}

fn convert_item(s: SourceItem) -> Result<Item, CatalogueError> {
    let fail = |detail: String| CatalogueError::Convert {
        item: s.impl_code.clone(),
        detail,
    };
    let item_type = ItemType::from_gb_code(&s.item_type)
        .ok_or_else(|| fail(format!("未知的事项类型代码 {}", s.item_type)))?;
    let case_type = CaseType::from_gb_code(s.case_type)
        .ok_or_else(|| fail(format!("未知的办件类型代码 {}", s.case_type)))?;
    let department_uscc = s
        .impl_code
        .split('-')
        .find_map(|seg| Uscc::parse(seg).ok())
        .map(|u| u.as_str().to_owned());
    let bundle =
        s.flow.iter().any(|f| f.step == StepKind::Dispatch) || !s.parallel_parts.is_empty();
    Ok(Item {
        basic_code: s.basic_code,
        impl_code: s.impl_code,
        name: s.name,
        item_type,
        department: s.department,
        department_uscc,
        accept_levels: s.accept_levels,
        case_type,
        legal_limit_working_days: s.legal_limit_working_days,
        promised_limit_working_days: s.promised_limit_working_days,
        extension_working_days: if bundle {
            EXTENSION_ART_26
        } else {
            EXTENSION_ART_42
        },
        warning: WarningThresholds::default(),
        fee: s.fee,
        basis: s.basis,
        conditions: s.conditions,
        materials: s
            .materials
            .into_iter()
            .map(|m| Material {
                id: m.id,
                name: m.name,
                originals: m.originals,
                copies: m.copies,
                required: m.required,
                electronic_allowed: m.electronic_ok,
                source: m.source,
                note: m.note,
            })
            .collect(),
        form: FormSchema {
            fields: s
                .form
                .into_iter()
                .map(|f| FormField {
                    key: f.key,
                    label: f.label,
                    field_type: f.field_type,
                    required: f.required,
                    max_len: f.max_len,
                    options: f.options,
                    shared: f.shared,
                })
                .collect(),
        },
        flow: s.flow,
        proxy_allowed: s.proxy_allowed,
        in_person_required: s.in_person_required,
        // The demo source has no 容缺 list; the demo county allows it for every 承诺件.
        waiver_allowed: case_type == CaseType::Promised,
        parallel_parts: s.parallel_parts,
        consult_phone: s.consult_phone,
        supervise_phone: s.supervise_phone,
    })
}
