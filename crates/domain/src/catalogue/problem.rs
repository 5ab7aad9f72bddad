//! The reasons an edition is refused.

use serde::{Deserialize, Serialize};

use crate::error::Coded;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    MissingEdition,
    BadCountyCode,
    NoItems,
    BadCode,
    DuplicateImplCode,
    MissingText,
    NoAcceptLevel,
    DuplicateAcceptLevel,
    PromisedExceedsLegal,
    BadPromisedLimit,
    FeeWithoutBasis,
    MissingBasis,
    DuplicateMaterialId,
    MaterialWithoutForm,
    BadFlow,
    DispatchMismatch,
    PartNotFound,
    PartIsSelf,
    DuplicatePart,
    NestedBundle,
    PartDepartmentMismatch,
    BadFormKey,
    DuplicateFormKey,
    SelectWithoutOptions,
    DuplicateOption,
    OptionsOnNonSelect,
    BadMaxLen,
    SharedTypeMismatch,
    DuplicateShared,
    BadPhone,
    BadUscc,
    BadWarningThreshold,
    WaiverOnInstant,
}

/// One reason to refuse an edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueProblem {
    /// The `impl_code` of the item concerned, when the problem is inside an item.
    pub item: Option<String>,
    /// Where in the document, e.g. `items[3].form[2].options`.
    pub path: String,
    pub kind: ProblemKind,
    /// Chinese text for the administrator.
    pub message: String,
}

impl Coded for CatalogueProblem {
    fn code(&self) -> &'static str {
        use ProblemKind as K;
        match self.kind {
            K::MissingEdition => "catalogue.missing_edition",
            K::BadCountyCode => "catalogue.bad_county_code",
            K::NoItems => "catalogue.no_items",
            K::BadCode => "catalogue.bad_code",
            K::DuplicateImplCode => "catalogue.duplicate_impl_code",
            K::MissingText => "catalogue.missing_text",
            K::NoAcceptLevel => "catalogue.no_accept_level",
            K::DuplicateAcceptLevel => "catalogue.duplicate_accept_level",
            K::PromisedExceedsLegal => "catalogue.promised_exceeds_legal",
            K::BadPromisedLimit => "catalogue.bad_promised_limit",
            K::FeeWithoutBasis => "catalogue.fee_without_basis",
            K::MissingBasis => "catalogue.missing_basis",
            K::DuplicateMaterialId => "catalogue.duplicate_material_id",
            K::MaterialWithoutForm => "catalogue.material_without_form",
            K::BadFlow => "catalogue.bad_flow",
            K::DispatchMismatch => "catalogue.dispatch_mismatch",
            K::PartNotFound => "catalogue.part_not_found",
            K::PartIsSelf => "catalogue.part_is_self",
            K::DuplicatePart => "catalogue.duplicate_part",
            K::NestedBundle => "catalogue.nested_bundle",
            K::WaiverOnInstant => "catalogue.waiver_on_instant",
            K::PartDepartmentMismatch => "catalogue.part_department_mismatch",
            K::BadFormKey => "catalogue.bad_form_key",
            K::DuplicateFormKey => "catalogue.duplicate_form_key",
            K::SelectWithoutOptions => "catalogue.select_without_options",
            K::DuplicateOption => "catalogue.duplicate_option",
            K::OptionsOnNonSelect => "catalogue.options_on_non_select",
            K::BadMaxLen => "catalogue.bad_max_len",
            K::SharedTypeMismatch => "catalogue.shared_type_mismatch",
            K::DuplicateShared => "catalogue.duplicate_shared",
            K::BadPhone => "catalogue.bad_phone",
            K::BadUscc => "catalogue.bad_uscc",
            K::BadWarningThreshold => "catalogue.bad_warning_threshold",
        }
    }
}
