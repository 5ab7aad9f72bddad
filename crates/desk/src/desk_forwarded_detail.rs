//! What a village filed on a forwarded case, read from the server for the clerk of the window it
//! reports to, who decides on it (受理 or 不予受理). Nothing is stored here: the case stays the
//! village's (see `desk_forwarded`).

use onestop_domain::catalogue::{FieldType, Item};
use onestop_domain::ids::{mask_phone, mask_resident_id};
use onestop_domain::lifecycle::{role_permits, ActionKind};
use onestop_local::catalogue_repo;
use onestop_protocol::{ApiError, FiledApplication, MaterialReceipt};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::desk::Desk;
use crate::desk_forwarded::{online_error, ForwardedError};

/// One field of the filed form, in the item's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FiledField {
    pub label: String,
    /// As filed; ID and phone numbers masked, as on every other screen.
    pub value: String,
}

/// One material of the item and what the village received of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FiledMaterial {
    pub name: String,
    pub required: bool,
    pub originals: u32,
    pub copies: u32,
    pub electronic: bool,
    pub waived_reason: Option<String>,
    /// Something of it arrived: an original, a copy or the electronic document.
    pub received: bool,
    /// Scans of it that have fully reached the server.
    pub scans: u32,
}

/// The forwarded case as the village filed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ForwardedCaseDetail {
    pub case_id: String,
    pub fields: Vec<FiledField>,
    pub materials: Vec<FiledMaterial>,
    /// A scan the case names has not fully reached the server yet.
    pub scans_incomplete: bool,
}

impl Desk {
    /// Reads one forwarded case's form and materials from the server (online only).
    pub async fn forwarded_case_detail(
        &self,
        case_id: String,
    ) -> Result<ForwardedCaseDetail, ApiError> {
        let actor = self.actor()?;
        if !role_permits(&actor.role, ActionKind::Accept) {
            return Err(ForwardedError::NotPermitted.into());
        }
        let (client, signer) = self.forwarded_client().await?;
        let detail = client
            .case_detail(&case_id, signer.as_ref())
            .await
            .map_err(online_error)?
            .value;
        let complete: Vec<String> = detail
            .attachments
            .iter()
            .filter(|a| a.complete)
            .map(|a| a.slot.clone())
            .collect();
        let Some(filed) = detail.application else {
            return Err(ApiError::new(
                "forwarded.no_application",
                "服务器未返回该办件的申请表和材料，请升级服务器后再试",
            ));
        };
        let impl_code = detail.case.item_impl_code.clone();
        let item = self
            .store()
            .await?
            .run(move |db, _| {
                Ok(
                    catalogue_repo::item_version(db.conn(), &impl_code, &filed.item_hash)
                        .or_else(|_| {
                            catalogue_repo::current_item(db.conn(), &impl_code).map(|v| v.item)
                        })
                        .map(|item| (item, filed)),
                )
            })
            .await?;
        let (item, filed) = item.map_err(|e| {
            tracing::warn!(error = %e, "forwarded case's item is not in the local catalogue");
            ApiError::new(
                "forwarded.item_missing",
                "本机事项目录中没有该办件的事项，请先同步事项目录再查看",
            )
        })?;
        Ok(ForwardedCaseDetail {
            case_id,
            fields: filed_fields(&item, &filed),
            materials: filed_materials(&item, &filed.materials, &complete),
            scans_incomplete: detail.attachments_incomplete,
        })
    }
}

/// The form's values under the item's labels, in its order; keys the item no longer has last.
fn filed_fields(item: &Item, filed: &FiledApplication) -> Vec<FiledField> {
    let Some(values) = filed.form.as_object() else {
        return Vec::new();
    };
    let mut out: Vec<FiledField> = item
        .form
        .fields
        .iter()
        .filter_map(|f| {
            let value = values.get(&f.key)?;
            Some(FiledField {
                label: f.label.clone(),
                value: shown(value, f.field_type),
            })
        })
        .collect();
    out.extend(
        values
            .iter()
            .filter(|(k, _)| item.form.field(k).is_none())
            .map(|(k, v)| FiledField {
                label: k.clone(),
                value: shown(v, FieldType::Text),
            }),
    );
    out
}

fn shown(value: &serde_json::Value, field_type: FieldType) -> String {
    let text = match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(true) => "是".to_owned(),
        serde_json::Value::Bool(false) => "否".to_owned(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    match field_type {
        FieldType::ResidentId => mask_resident_id(&text),
        FieldType::Phone => mask_phone(&text),
        _ => text,
    }
}

/// Every material of the item, with what was received of it (nothing, for one not received).
fn filed_materials(
    item: &Item,
    received: &[MaterialReceipt],
    complete_slots: &[String],
) -> Vec<FiledMaterial> {
    item.materials
        .iter()
        .map(|m| {
            let r = received.iter().find(|r| r.material_id == m.id);
            FiledMaterial {
                received: r.is_some_and(|r| r.originals + r.copies > 0 || r.electronic),
                name: m.name.clone(),
                required: m.required,
                originals: r.map_or(0, |r| r.originals),
                copies: r.map_or(0, |r| r.copies),
                electronic: r.is_some_and(|r| r.electronic),
                waived_reason: r.and_then(|r| r.waived_reason.clone()),
                scans: complete_slots.iter().filter(|s| **s == m.id).count() as u32,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use onestop_domain::catalogue::Catalogue;
    use serde_json::json;

    use super::*;

    fn relief() -> Item {
        let demo = include_str!("../../../assets/catalogue/demo.json");
        let catalogue = Catalogue::from_json(demo).expect("demo catalogue");
        catalogue
            .items
            .into_iter()
            .find(|i| i.name == "临时救助申请")
            .expect("临时救助申请")
    }

    #[test]
    fn the_filed_form_reads_in_the_items_order_with_ids_and_phones_masked() {
        let item = relief();
        let filed = FiledApplication {
            item_hash: item.content_hash(),
            form: json!({
                "description": "家中失火",
                "applicant_phone": "13600136000",
                "applicant_id_number": "110101196006060069",
                "applicant_name": "钱村民",
                "retired_field": 3,
            }),
            materials: vec![MaterialReceipt {
                material_id: "m1".into(),
                originals: 1,
                copies: 0,
                electronic: false,
                waived_reason: None,
            }],
        };
        let fields = filed_fields(&item, &filed);
        let shown: Vec<(&str, &str)> = fields
            .iter()
            .map(|f| (f.label.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("申请人姓名", "钱村民"),
                ("申请人公民身份号码", "110***********0069"),
                ("联系电话", "136****6000"),
                ("困难情况说明", "家中失火"),
                ("retired_field", "3"),
            ]
        );

        let materials = filed_materials(&item, &filed.materials, &["m1".to_owned()]);
        assert_eq!(materials.len(), item.materials.len());
        assert_eq!(
            (materials[0].originals, materials[0].scans),
            (1, 1),
            "{materials:?}"
        );
        assert!(materials[0].received && !materials[1].received);
        assert_eq!(
            (
                materials[1].originals,
                materials[1].copies,
                materials[1].scans
            ),
            (0, 0, 0)
        );
    }
}
