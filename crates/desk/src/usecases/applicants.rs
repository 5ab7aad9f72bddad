//! The applicant library at the window (一表式, 一号制): register once with a validated ID or USCC
//! and get a registration number (登记号) offline; find by ID, phone or name; pre-fill a form.

use onestop_domain::ids::{mask_resident_id, DivisionCode, Phone, ResidentId, Uscc};
use onestop_domain::numbering::TerminalCode;
use onestop_local::applicant_repo::{self, Applicant, NewApplicant};
use onestop_local::numbers::allocate_registration;
use onestop_local::{catalogue_repo, settings, Db, LocalError};
use onestop_protocol::ApplicantKind;
use serde::{Deserialize, Serialize};

use super::{new_case, Actor, Ctx, DeskError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterApplicantInput {
    pub actor: Actor,
    pub kind: ApplicantKind,
    pub id_number: String,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// How the clerk looks someone up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "value", rename_all = "snake_case")]
pub enum ApplicantQuery {
    IdNumber(String),
    Phone(String),
    Name(String),
}

/// The normalised form of an ID number of `kind`, through `onestop_domain`.
fn normalise_id(kind: ApplicantKind, input: &str, ctx: &Ctx) -> Result<String, DeskError> {
    Ok(match kind {
        ApplicantKind::Person => ResidentId::parse(input, ctx.today)?.as_str().to_owned(),
        ApplicantKind::Organisation => Uscc::parse(input)?.as_str().to_owned(),
    })
}

fn non_blank(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

pub fn register(
    db: &mut Db,
    ctx: &Ctx,
    input: RegisterApplicantInput,
) -> Result<Applicant, DeskError> {
    let id_number = normalise_id(input.kind, &input.id_number, ctx)?;
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        return Err(DeskError::Form(vec![
            onestop_domain::catalogue::FieldError {
                key: "name".into(),
                code: "form.required",
                message: "请填写申请人姓名或名称".into(),
            },
        ]));
    }
    let phone = non_blank(input.phone)
        .map(|p| Phone::parse(&p).map(|p| p.as_str().to_owned()))
        .transpose()?;
    let new = NewApplicant {
        kind: input.kind,
        id_number,
        name,
        phone,
        address: non_blank(input.address),
    };
    let applicant = db.write(|tx, device| {
        let identity = settings::window_identity(tx)?.ok_or(LocalError::NotEnrolled)?;
        let county = DivisionCode::parse(&identity.county_code)?;
        let terminal = TerminalCode::parse(&identity.terminal_code).map_err(LocalError::from)?;
        // Checked before a number is drawn, so a duplicate does not burn a registration number
        // (the transaction would roll it back anyway).
        if let Some(existing) = applicant_repo::by_id_number(tx, new.kind, &new.id_number)? {
            return Err(DeskError::Local(LocalError::ApplicantExists {
                registration_number: existing.registration_number,
            }));
        }
        let number = allocate_registration(tx, &county, terminal)?;
        Ok::<_, DeskError>(applicant_repo::insert(
            tx,
            device,
            &new,
            &number.to_string(),
            ctx.now,
        )?)
    })?;
    tracing::info!(
        id = %mask_resident_id(&applicant.id_number),
        registration = %applicant.registration_number,
        "applicant registered"
    );
    Ok(applicant)
}

const FIND_LIMIT: usize = 50;

pub fn find(db: &Db, ctx: &Ctx, query: &ApplicantQuery) -> Result<Vec<Applicant>, DeskError> {
    let conn = db.conn();
    match query {
        ApplicantQuery::IdNumber(input) => {
            // Try both kinds: an 18-character ID and an 18-character USCC never collide in shape.
            if let Ok(id) = ResidentId::parse(input, ctx.today) {
                return Ok(
                    applicant_repo::by_id_number(conn, ApplicantKind::Person, id.as_str())?
                        .into_iter()
                        .collect(),
                );
            }
            let uscc = Uscc::parse(input)?;
            Ok(
                applicant_repo::by_id_number(conn, ApplicantKind::Organisation, uscc.as_str())?
                    .into_iter()
                    .collect(),
            )
        }
        ApplicantQuery::Phone(input) => {
            let phone = Phone::parse(input)?;
            Ok(applicant_repo::by_phone(conn, phone.as_str(), FIND_LIMIT)?)
        }
        ApplicantQuery::Name(q) => Ok(applicant_repo::by_name(conn, q, FIND_LIMIT)?),
    }
}

/// The form of the item's current version with the applicant's shared fields filled in.
pub fn prefill(
    db: &Db,
    applicant_id: &str,
    impl_code: &str,
) -> Result<serde_json::Value, DeskError> {
    let applicant = applicant_repo::get(db.conn(), applicant_id)?;
    let iv = catalogue_repo::current_item(db.conn(), impl_code)?;
    Ok(new_case::prefill(&iv.item.form, &applicant))
}
