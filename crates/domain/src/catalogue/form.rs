//! The form schema of an item (一表式: the fields marked `shared` come from the applicant library
//! and are never typed twice).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Textarea,
    Number,
    Money,
    Date,
    Select,
    ResidentId,
    Uscc,
    Phone,
    Address,
}

/// The applicant-library field a form field is filled from and written back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SharedField {
    #[serde(rename = "applicant.name")]
    Name,
    #[serde(rename = "applicant.id_number")]
    IdNumber,
    #[serde(rename = "applicant.phone")]
    Phone,
    #[serde(rename = "applicant.address")]
    Address,
}

impl SharedField {
    /// The field types that can carry this applicant field.
    pub fn fits(self, t: FieldType) -> bool {
        match self {
            SharedField::Name => t == FieldType::Text,
            SharedField::IdNumber => matches!(t, FieldType::ResidentId | FieldType::Uscc),
            SharedField::Phone => t == FieldType::Phone,
            SharedField::Address => matches!(t, FieldType::Address | FieldType::Text),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// Stable key of the value in the form data (`[a-z][a-z0-9_]*`).
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    pub required: bool,
    /// Maximum length in characters, for the string-valued types.
    pub max_len: Option<u32>,
    /// The choices of a `select`; empty for every other type.
    pub options: Vec<String>,
    pub shared: Option<SharedField>,
}

/// The fields of one item's form, in display order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FormSchema {
    pub fields: Vec<FormField>,
}

impl FormSchema {
    pub fn field(&self, key: &str) -> Option<&FormField> {
        self.fields.iter().find(|f| f.key == key)
    }
}
