use onestop_domain::ids::{mask_phone, mask_resident_id};
use onestop_local::applicant_repo::Applicant;
use onestop_protocol::ApplicantKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An applicant as the screens show it: the ID and phone masked (the full number stays in Rust).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApplicantView {
    pub applicant_id: String,
    /// `person` or `organisation`.
    pub kind: String,
    pub name: String,
    pub id_masked: String,
    pub phone_masked: Option<String>,
    pub address: Option<String>,
    /// 登记号 in the applicant library.
    pub registration_number: String,
}

impl From<&Applicant> for ApplicantView {
    fn from(a: &Applicant) -> Self {
        let (kind, id_masked) = match a.kind {
            ApplicantKind::Person => ("person", mask_resident_id(&a.id_number)),
            // A USCC identifies an organisation and is public; it is shown whole.
            ApplicantKind::Organisation => ("organisation", a.id_number.clone()),
        };
        ApplicantView {
            applicant_id: a.applicant_id.clone(),
            kind: kind.to_owned(),
            name: a.name.clone(),
            id_masked,
            phone_masked: a.phone.as_deref().map(mask_phone),
            address: a.address.clone(),
            registration_number: a.registration_number.clone(),
        }
    }
}

/// What a lookup found, and how Rust read the text, so the screen knows what to do next without
/// guessing: one hit for an ID number is the person; no hit prefills that field of the new record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApplicantLookup {
    pub hits: Vec<ApplicantView>,
    /// `id_number`, `phone` or `name`.
    pub read_as: String,
    /// The text as the field of a new record takes it (trimmed).
    pub text: String,
}

/// The live check of an ID number as the clerk types it, with the domain's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IdCheck {
    pub valid: bool,
    pub code: Option<String>,
    pub message: Option<String>,
    /// For a valid citizen ID: the birth date and sex it encodes, for the clerk to compare.
    pub birth_date: Option<String>,
    pub sex: Option<String>,
}

/// One power an authorisation (委托书) may grant (DOMAIN.md §7: submit, sign, collect). `text`
/// is what is stored and printed on the 代办委托书, in Chinese whatever the screens' language;
/// `key` names it for the screens' label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProxyPower {
    pub key: String,
    pub text: String,
}
