//! The catalogue of items (事项目录) a window offers, in the project's own format, with its form
//! schemas, validation of a whole edition, content hashes and the converter from the demo source.
//!
//! Format decisions:
//! - One JSON document per edition: `{format, edition, county_code, note, items}`; `format` is the
//!   version of this shape (now 1) so an old client refuses a shape it does not know.
//! - Codes are opaque strings; the item's identity is its 实施编码 (`impl_code`).
//! - Limits are in working days (art. 82); the legal extension is stored per item (art. 42: 10,
//!   art. 26 joint handling: 15), as are the yellow-card thresholds.
//! - Enumerations are snake_case names (`licensing`, `instant`); the GB/T 39046 codes are
//!   available through `gb_code()`.
//! - Content hashes are sha256 over canonical JSON (sorted keys, no whitespace), per item and per
//!   edition; the edition hash is what the server serves as the ETag.

mod demo_convert;
mod form;
mod form_validate;
mod item;
mod problem;
mod schema_check;
pub mod search;
mod validate;

use serde::{Deserialize, Serialize};

use crate::error::Coded;

pub use demo_convert::convert_demo_source;
pub use form::{FieldType, FormField, FormSchema, SharedField};
pub use form_validate::{validate_form, validate_form_at, FieldError};
pub use item::{
    CaseType, Fee, FlowStep, Item, ItemType, Material, ParallelPart, StepKind, WindowLevel,
};
pub use problem::{CatalogueProblem, ProblemKind};

/// The version of the catalogue JSON shape this build reads and writes.
pub const CATALOGUE_FORMAT: u32 = 1;

/// One edition of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    pub format: u32,
    /// e.g. `2026-11`.
    pub edition: String,
    /// The county (GB/T 2260) the edition is published for.
    pub county_code: String,
    #[serde(default)]
    pub note: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("事项目录不是有效的 JSON：{detail}")]
    BadJson { detail: String },
    #[error(
        "事项目录格式版本 {found} 不受支持（本程序支持版本 {CATALOGUE_FORMAT}），请升级客户端"
    )]
    UnsupportedFormat { found: u32 },
    #[error("事项目录有 {} 处问题，已拒绝使用：{}", .problems.len(), first_message(.problems))]
    Invalid { problems: Vec<CatalogueProblem> },
    #[error("演示事项目录转换失败（{item}）：{detail}")]
    Convert { item: String, detail: String },
}

fn first_message(problems: &[CatalogueProblem]) -> String {
    problems
        .first()
        .map(|p| p.message.clone())
        .unwrap_or_default()
}

impl Coded for CatalogueError {
    fn code(&self) -> &'static str {
        match self {
            CatalogueError::BadJson { .. } => "catalogue.bad_json",
            CatalogueError::UnsupportedFormat { .. } => "catalogue.unsupported_format",
            CatalogueError::Invalid { .. } => "catalogue.invalid",
            CatalogueError::Convert { .. } => "catalogue.convert_failed",
        }
    }
}

impl Catalogue {
    /// Read an edition in the project's format and refuse it, with every reason, if it is
    /// malformed (ARCHITECTURE.md §5.4: the last good catalogue then stays in use).
    pub fn from_json(json: &str) -> Result<Catalogue, CatalogueError> {
        let catalogue = Catalogue::from_json_unchecked(json)?;
        let problems = catalogue.validate();
        if problems.is_empty() {
            Ok(catalogue)
        } else {
            Err(CatalogueError::Invalid { problems })
        }
    }

    /// Parse without the edition checks (for tools that want to show the problems themselves).
    pub fn from_json_unchecked(json: &str) -> Result<Catalogue, CatalogueError> {
        // Read the format first, so a newer shape gets "upgrade" rather than a confusing parse error.
        #[derive(Deserialize)]
        struct Head {
            format: u32,
        }
        let head: Head = serde_json::from_str(json).map_err(|e| CatalogueError::BadJson {
            detail: e.to_string(),
        })?;
        if head.format != CATALOGUE_FORMAT {
            return Err(CatalogueError::UnsupportedFormat { found: head.format });
        }
        serde_json::from_str(json).map_err(|e| CatalogueError::BadJson {
            detail: e.to_string(),
        })
    }

    /// Pretty JSON with a final newline: the form of `assets/catalogue/demo.json`.
    pub fn to_json_pretty(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Every problem of the edition, so a malformed catalogue can be refused with all reasons.
    pub fn validate(&self) -> Vec<CatalogueProblem> {
        validate::validate_catalogue(self)
    }

    pub fn item(&self, impl_code: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.impl_code == impl_code)
    }

    /// sha256 (hex) of the canonical JSON of the whole edition (the ETag of §5.4).
    pub fn content_hash(&self) -> String {
        crate::canonical::hash_of(self)
    }
}
