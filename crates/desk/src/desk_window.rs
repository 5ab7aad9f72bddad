//! The screens' side of `Desk`: the item picker, applicant lookup, live checks, the acceptance
//! decisions, the case list and detail, and the home counts. Every method acts as the signed-in
//! clerk (`session.rs`) and answers with the flat views of `views/`.

use std::sync::Arc;

use onestop_domain::catalogue::search::{self, ItemKey};
use onestop_domain::catalogue::{validate_form_at, FieldError, SharedField};
use onestop_domain::ids::{ResidentId, Sex, Uscc};
use onestop_domain::lifecycle::{role_permits, ActionKind, Role};
use onestop_domain::Coded;
use onestop_local::case_repo::CaseQuery;
use onestop_local::{applicant_repo, catalogue_repo};
use onestop_protocol::{ApiError, ApplicantKind, MaterialReceipt};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::desk::Desk;
use crate::usecases::applicants::{ApplicantQuery, RegisterApplicantInput};
use crate::usecases::{AttachmentInput, DeskError, NewCaseInput};
use crate::views::{
    ApplicantLookup, ApplicantView, CaseRow, CaseView, HomeSummary, IdCheck, ItemHit, ItemView,
    ProxyPower,
};
use crate::window_queries;

/// The search keys of one catalogue edition: `(edition, keys)`.
pub(crate) type ItemIndexCache = std::sync::Mutex<Option<(String, Arc<Vec<ItemKey>>)>>;

/// Items the picker shows at most.
const ITEM_HITS: usize = 20;
/// Cases the list shows at most (filters narrow it).
const CASE_ROWS: u32 = 200;

/// A new applicant as typed at the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewApplicantForm {
    /// `person` or `organisation`.
    pub kind: String,
    pub id_number: String,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// One status of the case list's filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StatusChoice {
    pub value: String,
    pub label: String,
}

/// What arrived of one material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MaterialInput {
    pub material_id: String,
    pub originals: u32,
    pub copies: u32,
    pub electronic: bool,
    /// 容缺受理 with this reason.
    pub waived_reason: Option<String>,
}

impl From<MaterialInput> for MaterialReceipt {
    fn from(m: MaterialInput) -> Self {
        MaterialReceipt {
            material_id: m.material_id,
            originals: m.originals,
            copies: m.copies,
            electronic: m.electronic,
            waived_reason: m.waived_reason.filter(|r| !r.trim().is_empty()),
        }
    }
}

/// A scan chosen by the clerk for a material slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScanInput {
    pub slot: String,
    pub path: String,
}

/// The application as filled on the acceptance screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ApplicationForm {
    pub impl_code: String,
    pub applicant_id: String,
    #[ts(type = "Record<string, unknown>")]
    pub form: serde_json::Value,
    pub materials: Vec<MaterialInput>,
    #[serde(default)]
    pub scans: Vec<ScanInput>,
    /// 代办: the agent and the signed 委托书 (art. 29).
    #[serde(default)]
    pub proxy: Option<ProxyForm>,
}

/// The agent and the authorisation as typed on the 代办 screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProxyForm {
    pub name: String,
    pub id_number: String,
    pub phone: Option<String>,
    /// 递交材料, 签收文书, 领取结果 …
    pub powers: Vec<String>,
    /// `YYYY-MM-DD`.
    pub valid_from: String,
    pub valid_until: String,
    /// The scanned, signed 委托书.
    pub authorisation_scan: String,
}

impl ProxyForm {
    fn into_input(self) -> Result<crate::usecases::proxy::ProxyInput, DeskError> {
        let day = |label: &str, s: &str| {
            s.trim()
                .parse::<chrono::NaiveDate>()
                .map_err(|_| DeskError::ProxyInvalid {
                    reason: format!("{label}应为 YYYY-MM-DD 格式的日期"),
                })
        };
        if self.authorisation_scan.trim().is_empty() {
            return Err(DeskError::ProxyInvalid {
                reason: "须附委托书扫描件".into(),
            });
        }
        Ok(crate::usecases::proxy::ProxyInput {
            name: self.name,
            id_number: self.id_number,
            phone: self.phone.filter(|p| !p.trim().is_empty()),
            powers: self.powers,
            valid_from: day("委托起始日期", &self.valid_from)?,
            valid_until: day("委托截止日期", &self.valid_until)?,
            authorisation_scan: self.authorisation_scan.trim().into(),
        })
    }
}

/// One line of a 一次性告知: a material and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SupplementLine {
    pub material_id: Option<String>,
    pub problem: String,
}

/// The decision on the acceptance screen (F-keys: 受理, 补正, 不予受理, 即办).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    Accept,
    Supplement {
        lines: Vec<SupplementLine>,
    },
    Reject {
        reason: String,
        legal_basis: String,
        competent_agency: Option<String>,
    },
    Instant,
    /// 收件并转交: a village agent's case (or one carried in) received here and sent on to the
    /// township or county window that accepts it.
    Forward,
}

/// The 办件 list's filters, as the UI sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaseFilter {
    #[serde(default)]
    pub statuses: Vec<String>,
    pub impl_code: Option<String>,
    pub received_from: Option<String>,
    pub received_to: Option<String>,
    pub synced: Option<bool>,
    /// `yellow` or `red`: only cases with that card.
    pub due_state: Option<String>,
    pub text: Option<String>,
    /// A home tile's list (`received_today`, `accepted_today`, `completed_today`, `due_soon`,
    /// `overdue`, `ready_for_collection`, `unsynced`): the query that counts the tile, narrowed by
    /// whatever else is set.
    #[serde(default)]
    #[ts(optional)]
    pub preset: Option<String>,
}

/// The decisions the acceptance screen offers `role` on an application for `item`, as the
/// domain's roles permit: a village agent receives and forwards (the window it reports to
/// decides); a clerk accepts, sends back for supplement or refuses, and decides a 即办件 on the
/// spot. Nobody signed in: none.
fn decisions(role: Option<&Role>, item: &onestop_domain::catalogue::Item) -> Vec<String> {
    let Some(role) = role else {
        return Vec::new();
    };
    let may = |a| role_permits(role, a);
    let mut out = Vec::new();
    if may(ActionKind::Accept) {
        out.push("accept");
    } else if may(ActionKind::Receive) {
        out.push("forward");
    }
    if may(ActionKind::RequestSupplement) {
        out.push("supplement");
    }
    if may(ActionKind::Reject) {
        out.push("reject");
    }
    if item.case_type == onestop_domain::catalogue::CaseType::Instant
        && may(ActionKind::CompleteOnSpot)
    {
        out.push("instant");
    }
    out.into_iter().map(str::to_owned).collect()
}

fn parse_day(s: &Option<String>) -> Result<Option<chrono::NaiveDate>, DeskError> {
    s.as_deref()
        .filter(|d| !d.is_empty())
        .map(|d| {
            d.parse()
                .map_err(|_| DeskError::Internal(format!("日期格式不正确：{d}")))
        })
        .transpose()
}

impl Desk {
    pub(crate) fn actor(&self) -> Result<crate::usecases::Actor, DeskError> {
        self.session.actor(self.config().clock.now())
    }

    /// The search keys of the active catalogue edition, built once per edition.
    async fn item_keys(&self) -> Result<Arc<Vec<ItemKey>>, ApiError> {
        let store = self.store().await?;
        let edition = store
            .run(|db, _| Ok(catalogue_repo::active_edition(db.conn())?))
            .await?;
        {
            let cached = self.item_index.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((e, keys)) = cached.as_ref() {
                if Some(e) == edition.as_ref() {
                    return Ok(Arc::clone(keys));
                }
            }
        }
        let items = store
            .run(|db, _| Ok(catalogue_repo::active_item_list(db.conn())?))
            .await?;
        let keys = Arc::new(items.iter().map(ItemKey::new).collect::<Vec<_>>());
        if let Some(e) = edition {
            *self.item_index.lock().unwrap_or_else(|p| p.into_inner()) =
                Some((e, Arc::clone(&keys)));
        }
        Ok(keys)
    }

    /// The statuses the case list can filter by, in the order of the life cycle, with labels.
    pub fn status_choices(&self) -> Vec<StatusChoice> {
        onestop_domain::lifecycle::ALL_STATUSES
            .iter()
            .map(|s| StatusChoice {
                value: s.name().to_owned(),
                label: s.label().to_owned(),
            })
            .collect()
    }

    /// The item picker: by name, code or pinyin initials; an empty query lists every item.
    pub async fn search_items(&self, query: String) -> Result<Vec<ItemHit>, ApiError> {
        let keys = self.item_keys().await?;
        let codes: Vec<String> = if query.trim().is_empty() {
            keys.iter().map(|k| k.impl_code.clone()).collect()
        } else {
            search::search(&keys, &query, ITEM_HITS)
                .into_iter()
                .map(|k| k.impl_code.clone())
                .collect()
        };
        let out = self
            .store()
            .await?
            .run(move |db, _| {
                codes
                    .iter()
                    .map(|c| {
                        Ok(ItemHit::from(
                            &catalogue_repo::current_item(db.conn(), c)?.item,
                        ))
                    })
                    .collect::<Result<Vec<_>, DeskError>>()
            })
            .await?;
        Ok(out)
    }

    pub async fn item_view(&self, impl_code: String) -> Result<ItemView, ApiError> {
        let role = self.actor().ok().map(|a| a.role);
        let out = self
            .store()
            .await?
            .run(move |db, _| {
                let item = catalogue_repo::current_item(db.conn(), &impl_code)?.item;
                let mut view = ItemView::from(&item);
                view.decisions = decisions(role.as_ref(), &item);
                Ok(view)
            })
            .await?;
        Ok(out)
    }

    /// The live ID check as the clerk types: a citizen ID, else a USCC, with the domain's message.
    pub fn check_id(&self, input: String) -> IdCheck {
        let today = self.config().clock.today();
        let trimmed = input.trim();
        match ResidentId::parse(trimmed, today) {
            Ok(id) => IdCheck {
                valid: true,
                code: None,
                message: None,
                birth_date: Some(id.birth_date().to_string()),
                sex: Some(
                    match id.sex() {
                        Sex::Male => "男",
                        Sex::Female => "女",
                    }
                    .to_owned(),
                ),
            },
            // Digits still being typed towards 18 (a 15-digit old-style number that parses is
            // valid above): not wrong yet, so no message, and the clerk is not shouted at from
            // the first keystroke.
            Err(_)
                if trimmed.chars().count() < 18 && trimmed.chars().all(|c| c.is_ascii_digit()) =>
            {
                IdCheck {
                    valid: false,
                    code: Some("id.incomplete".to_owned()),
                    message: None,
                    birth_date: None,
                    sex: None,
                }
            }
            Err(person_err) => {
                // An 18-character code with a letter outside the ID's X is an organisation.
                let looks_org = trimmed
                    .chars()
                    .any(|c| c.is_ascii_alphabetic() && !c.eq_ignore_ascii_case(&'x'));
                let err = match (looks_org, Uscc::parse(trimmed)) {
                    (_, Ok(_)) => {
                        return IdCheck {
                            valid: true,
                            code: None,
                            message: None,
                            birth_date: None,
                            sex: None,
                        }
                    }
                    (true, Err(e)) => e,
                    (false, Err(_)) => person_err,
                };
                IdCheck {
                    valid: false,
                    code: Some(err.code().to_owned()),
                    message: Some(err.to_string()),
                    birth_date: None,
                    sex: None,
                }
            }
        }
    }

    /// The powers the 代办 form offers to tick (what is stored and printed is the Chinese text).
    pub fn proxy_powers(&self) -> Vec<ProxyPower> {
        crate::usecases::proxy::PROXY_POWERS
            .iter()
            .map(|(key, text)| ProxyPower {
                key: (*key).to_owned(),
                text: (*text).to_owned(),
            })
            .collect()
    }

    /// Finds applicants by ID number, phone or name — whichever the text looks like.
    pub async fn lookup_applicants(&self, text: String) -> Result<ApplicantLookup, ApiError> {
        self.actor()?;
        let t = text.trim().to_owned();
        if t.is_empty() {
            return Ok(ApplicantLookup {
                hits: Vec::new(),
                read_as: "name".to_owned(),
                text: t,
            });
        }
        let digits = t.chars().filter(char::is_ascii_digit).count();
        let query = if t.chars().count() >= 15 && digits >= 14 {
            ApplicantQuery::IdNumber(t)
        } else if digits >= 7
            && digits
                == t.chars()
                    .filter(|c| !c.is_whitespace() && *c != '-')
                    .count()
        {
            ApplicantQuery::Phone(t)
        } else {
            ApplicantQuery::Name(t)
        };
        let typed = match &query {
            ApplicantQuery::IdNumber(t) | ApplicantQuery::Phone(t) | ApplicantQuery::Name(t) => {
                t.clone()
            }
        };
        let read_as = match &query {
            ApplicantQuery::IdNumber(_) => "id_number",
            ApplicantQuery::Phone(_) => "phone",
            ApplicantQuery::Name(_) => "name",
        };
        let found = self.find_applicants(query).await?;
        Ok(ApplicantLookup {
            hits: found.iter().map(ApplicantView::from).collect(),
            read_as: read_as.to_owned(),
            text: typed,
        })
    }

    pub async fn register_applicant_form(
        &self,
        input: NewApplicantForm,
    ) -> Result<ApplicantView, ApiError> {
        let kind = match input.kind.as_str() {
            "organisation" => ApplicantKind::Organisation,
            _ => ApplicantKind::Person,
        };
        let applicant = self
            .register_applicant(RegisterApplicantInput {
                actor: self.actor()?,
                kind,
                id_number: input.id_number,
                name: input.name,
                phone: input.phone.filter(|p| !p.trim().is_empty()),
                address: input.address.filter(|a| !a.trim().is_empty()),
            })
            .await?;
        Ok(ApplicantView::from(&applicant))
    }

    /// The item's form with the applicant's shared fields filled; the ID number is masked (the
    /// real one is filled back in Rust when the application is submitted).
    pub async fn prefilled_form(
        &self,
        applicant_id: String,
        impl_code: String,
    ) -> Result<serde_json::Value, ApiError> {
        self.actor()?;
        let mut form = self.prefill_form(applicant_id, impl_code.clone()).await?;
        let id_keys = self.id_field_keys(&impl_code).await?;
        if let Some(obj) = form.as_object_mut() {
            for key in id_keys {
                if let Some(serde_json::Value::String(v)) = obj.get(&key) {
                    let masked = onestop_domain::ids::mask_resident_id(v);
                    obj.insert(key, serde_json::Value::String(masked));
                }
            }
        }
        Ok(form)
    }

    async fn id_field_keys(&self, impl_code: &str) -> Result<Vec<String>, ApiError> {
        let code = impl_code.to_owned();
        Ok(self
            .store()
            .await?
            .run(move |db, _| {
                let item = catalogue_repo::current_item(db.conn(), &code)?.item;
                Ok(item
                    .form
                    .fields
                    .iter()
                    .filter(|f| f.shared == Some(SharedField::IdNumber))
                    .map(|f| f.key.clone())
                    .collect::<Vec<_>>())
            })
            .await?)
    }

    /// Every error of the form at once, as the domain finds them (shown live).
    pub async fn check_form(
        &self,
        applicant_id: String,
        impl_code: String,
        form: serde_json::Value,
    ) -> Result<Vec<FieldError>, ApiError> {
        self.actor()?;
        let today = self.config().clock.today();
        let out = self
            .store()
            .await?
            .run(move |db, _| {
                let item = catalogue_repo::current_item(db.conn(), &impl_code)?.item;
                let form = with_real_ids(db, &applicant_id, &item, form)?;
                Ok(validate_form_at(&item.form, &form, today))
            })
            .await?;
        Ok(out)
    }

    /// The required materials that what the clerk has ticked does not yet satisfy, each with
    /// what is wrong in the notice's words: the lines a one-time notice (一次性告知) starts from.
    pub async fn short_materials(
        &self,
        impl_code: String,
        materials: Vec<MaterialInput>,
    ) -> Result<Vec<SupplementLine>, ApiError> {
        self.actor()?;
        let received: Vec<MaterialReceipt> =
            materials.into_iter().map(MaterialReceipt::from).collect();
        let out = self
            .store()
            .await?
            .run(move |db, _| {
                let item = catalogue_repo::current_item(db.conn(), &impl_code)?.item;
                Ok(crate::usecases::materials::not_satisfied(&item, &received)
                    .into_iter()
                    .map(|m| SupplementLine {
                        material_id: Some(m.id.clone()),
                        problem: crate::usecases::materials::shortfall(m, &received),
                    })
                    .collect())
            })
            .await?;
        Ok(out)
    }

    /// Submits the application with the clerk's decision: 受理, 一次性告知补正 (收件 + notice),
    /// 不予受理 (收件 + refusal) or 即办.
    pub async fn submit_application(
        &self,
        application: ApplicationForm,
        decision: Decision,
    ) -> Result<CaseView, ApiError> {
        let actor = self.actor()?;
        let ApplicationForm {
            impl_code,
            applicant_id,
            form,
            materials,
            scans,
            proxy,
        } = application;
        let proxy = proxy.map(ProxyForm::into_input).transpose()?;
        let form = {
            let (a, code) = (applicant_id.clone(), impl_code.clone());
            self.store()
                .await?
                .run(move |db, _| {
                    let item = catalogue_repo::current_item(db.conn(), &code)?.item;
                    with_real_ids(db, &a, &item, form)
                })
                .await?
        };
        let input = NewCaseInput {
            actor: actor.clone(),
            impl_code,
            applicant_id,
            form,
            materials: materials.into_iter().map(MaterialReceipt::from).collect(),
            attachments: scans
                .into_iter()
                .map(|s| AttachmentInput {
                    slot: s.slot,
                    path: s.path.into(),
                })
                .collect(),
            proxy,
        };
        let detail = match decision {
            Decision::Accept => self.accept(input).await?,
            Decision::Forward => self.receive(input).await?,
            Decision::Instant => self.complete_instantly(input).await?,
            Decision::Supplement { lines } => {
                let received = self.receive(input).await?;
                self.notice_supplement(received.snapshot.case_id, lines)
                    .await?
            }
            Decision::Reject {
                reason,
                legal_basis,
                competent_agency,
            } => {
                let received = self.receive(input).await?;
                self.reject(crate::usecases::reject::RejectInput {
                    actor,
                    case_id: received.snapshot.case_id,
                    reason,
                    legal_basis,
                    competent_agency: competent_agency.filter(|a| !a.trim().is_empty()),
                })
                .await?
            }
        };
        self.case_view(detail.snapshot.case_id).await
    }

    async fn notice_supplement(
        &self,
        case_id: String,
        lines: Vec<SupplementLine>,
    ) -> Result<crate::usecases::CaseDetail, ApiError> {
        self.request_supplement(crate::usecases::supplement::SupplementNoticeInput {
            actor: self.actor()?,
            case_id,
            items: lines
                .into_iter()
                .map(|l| crate::usecases::supplement::SupplementItem {
                    material_id: l.material_id,
                    problem: l.problem,
                })
                .collect(),
        })
        .await
    }

    /// Records the complete supplement and accepts the case (补正后受理).
    pub async fn supplement_and_accept(
        &self,
        case_id: String,
        materials: Vec<MaterialInput>,
        scans: Vec<ScanInput>,
    ) -> Result<CaseView, ApiError> {
        let actor = self.actor()?;
        self.record_supplement(crate::usecases::supplement::SupplementInput {
            actor: actor.clone(),
            case_id: case_id.clone(),
            materials: materials.into_iter().map(MaterialReceipt::from).collect(),
            attachments: scans
                .into_iter()
                .map(|s| AttachmentInput {
                    slot: s.slot,
                    path: s.path.into(),
                })
                .collect(),
        })
        .await?;
        self.accept_received(crate::usecases::accept::AcceptReceivedInput {
            actor,
            case_id: case_id.clone(),
            waivers: Vec::new(),
        })
        .await?;
        self.case_view(case_id).await
    }

    /// Applicant and case data are shown only to a signed-in clerk (the village PC is shared).
    pub async fn case_view(&self, case_id: String) -> Result<CaseView, ApiError> {
        let ctx = self.ctx();
        let role = self.actor()?.role;
        let out = self
            .store()
            .await?
            .run(move |db, _| window_queries::case_view(db, &ctx, &case_id, Some(&role)))
            .await?;
        Ok(out)
    }

    pub async fn list_cases(&self, filter: CaseFilter) -> Result<Vec<CaseRow>, ApiError> {
        self.actor()?;
        let ctx = self.ctx();
        let (mut query, preset_due) = match filter.preset.as_deref().filter(|p| !p.is_empty()) {
            Some(name) => window_queries::preset(name, ctx.today)?,
            None => (CaseQuery::default(), None),
        };
        if !filter.statuses.is_empty() {
            query.statuses = filter.statuses;
        }
        query.impl_code = filter
            .impl_code
            .filter(|c| !c.is_empty())
            .or(query.impl_code);
        query.received_from = parse_day(&filter.received_from)?.or(query.received_from);
        query.received_to = parse_day(&filter.received_to)?.or(query.received_to);
        query.synced = filter.synced.or(query.synced);
        query.text = filter.text;
        let due_state = filter
            .due_state
            .filter(|d| !d.is_empty())
            .or(preset_due.map(str::to_owned));
        let out = self
            .store()
            .await?
            .run(move |db, _| {
                window_queries::case_rows(db, &ctx, &query, due_state.as_deref(), CASE_ROWS)
            })
            .await?;
        Ok(out)
    }

    pub async fn home_summary(&self) -> Result<HomeSummary, ApiError> {
        self.actor()?;
        let ctx = self.ctx();
        Ok(self
            .store()
            .await?
            .run(move |db, _| window_queries::home(db, &ctx))
            .await?)
    }
}

/// The form with its ID-number fields taken from the applicant record: the screen only ever
/// holds the masked number.
fn with_real_ids(
    db: &onestop_local::Db,
    applicant_id: &str,
    item: &onestop_domain::catalogue::Item,
    mut form: serde_json::Value,
) -> Result<serde_json::Value, DeskError> {
    let applicant = applicant_repo::get(db.conn(), applicant_id)?;
    if let Some(obj) = form.as_object_mut() {
        for f in &item.form.fields {
            if f.shared == Some(SharedField::IdNumber) {
                obj.insert(
                    f.key.clone(),
                    serde_json::Value::String(applicant.id_number.clone()),
                );
            }
        }
    }
    Ok(form)
}
