//! What every new application goes through (收件): the window identity, the item version, the
//! form, the materials, the proxy and the scans are checked, the acceptance number is allocated,
//! and the case is stored with its first events in one transaction. The caller's `then` takes the
//! next step (受理, 当场办结) inside the same transaction, so a crash never leaves half of it.

use std::path::Path;

use onestop_domain::catalogue::{validate_form_at, FormSchema, Item, SharedField};
use onestop_domain::ids::{DivisionCode, Phone};
use onestop_domain::lifecycle::{Applied, CaseFlow, CaseTerms, Channel, Role, Transition};
use onestop_domain::numbering::TerminalCode;
use onestop_local::applicant_repo::{self, Applicant, ApplicantChanges};
use onestop_local::case_repo::{self, StoredCase};
use onestop_local::catalogue_repo;
use onestop_local::numbers::allocate_acceptance;
use onestop_local::rusqlite::Connection;
use onestop_local::timeline::NewEntry;
use onestop_local::{attachments, settings, Db, LocalError};
use onestop_protocol::{AttachmentRef, CaseSnapshot};
use serde_json::{json, Value};

use super::proxy::{self, AUTHORISATION_SLOT};
use super::{materials, Actor, AttachmentInput, Ctx, DeskError, NewCaseInput};

/// The timeline kind of an entry made by `t`.
pub(super) fn entry_kind(t: &Transition) -> &'static str {
    match t {
        Transition::Receive { .. } => "case.received",
        Transition::RequestSupplement { .. } => "case.supplement_requested",
        Transition::Supplement => "case.supplemented",
        Transition::Accept => "case.accepted",
        Transition::Reject { .. } => "case.rejected",
        Transition::CompleteOnSpot => "case.completed_on_spot",
        Transition::Withdraw { .. } => "case.withdrawn",
        _ => "case.changed",
    }
}

/// Applies `applied` to the snapshot and turns its events into timeline entries.
pub(super) fn record(
    snapshot: &mut CaseSnapshot,
    applied: Applied,
    actor: &Actor,
    ctx: &Ctx,
    data: Value,
    entries: &mut Vec<NewEntry>,
) {
    snapshot.flow = applied.flow;
    for event in applied.events {
        entries.push(NewEntry {
            at: ctx.now,
            actor: actor.account.clone(),
            kind: entry_kind(&event.transition).to_owned(),
            event: Some(event),
            data: data.clone(),
        });
    }
}

fn text(form: &Value, key: &str) -> Option<String> {
    form.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The form's shared fields filled from the applicant record (一表式: never typed twice).
pub fn prefill(schema: &FormSchema, applicant: &Applicant) -> Value {
    let mut out = serde_json::Map::new();
    for f in &schema.fields {
        let value = match f.shared {
            Some(SharedField::Name) => Some(applicant.name.clone()),
            Some(SharedField::IdNumber) => Some(applicant.id_number.clone()),
            Some(SharedField::Phone) => applicant.phone.clone(),
            Some(SharedField::Address) => applicant.address.clone(),
            None => None,
        };
        if let Some(v) = value {
            out.insert(f.key.clone(), Value::String(v));
        }
    }
    Value::Object(out)
}

/// What the form's shared fields change on the applicant record. The ID number is the applicant's
/// identity: a different one in the form means the wrong applicant, not an edit.
pub fn shared_changes(
    schema: &FormSchema,
    form: &Value,
    applicant: &Applicant,
) -> Result<ApplicantChanges, DeskError> {
    let mut changes = ApplicantChanges::default();
    for f in &schema.fields {
        let (Some(shared), Some(value)) = (f.shared, text(form, &f.key)) else {
            continue;
        };
        match shared {
            SharedField::Name if value != applicant.name => changes.name = Some(value),
            SharedField::Phone => {
                let phone = Phone::parse(&value)?.as_str().to_owned();
                if applicant.phone.as_deref() != Some(phone.as_str()) {
                    changes.phone = Some(phone);
                }
            }
            SharedField::Address if applicant.address.as_deref() != Some(value.as_str()) => {
                changes.address = Some(value)
            }
            SharedField::IdNumber if !value.eq_ignore_ascii_case(&applicant.id_number) => {
                return Err(DeskError::ApplicantMismatch)
            }
            _ => {}
        }
    }
    Ok(changes)
}

/// Copies the scans into the data folder (before the transaction: files are content-addressed,
/// so a file left behind by a failed save is harmless and reused next time).
pub(super) fn import_all(
    data_dir: &Path,
    inputs: &[AttachmentInput],
) -> Result<Vec<AttachmentRef>, DeskError> {
    inputs
        .iter()
        .map(|a| {
            let (sha256, size) = attachments::import_file(data_dir, &a.path)?;
            let file_name = a
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| sha256.clone());
            Ok(AttachmentRef {
                slot: a.slot.clone(),
                sha256,
                size,
                media_type: attachments::media_type(&file_name).to_owned(),
                file_name,
            })
        })
        .collect()
}

type Then<'a> = dyn FnOnce(&Connection, &mut CaseSnapshot, &Item, &mut Vec<NewEntry>) -> Result<(), DeskError>
    + 'a;

/// 收件, then `then`, in one transaction. Returns the stored case.
pub(super) fn receive(
    db: &mut Db,
    data_dir: &Path,
    ctx: &Ctx,
    input: NewCaseInput,
    then: Box<Then<'_>>,
) -> Result<StoredCase, DeskError> {
    let mut files = import_all(data_dir, &input.attachments)?;
    let scan = match &input.proxy {
        Some(p) => Some(import_all(
            data_dir,
            &[AttachmentInput {
                slot: AUTHORISATION_SLOT.into(),
                path: p.authorisation_scan.clone(),
            }],
        )?),
        None => None,
    };
    let case_id = db.write(|tx, device| {
        let identity = settings::window_identity(tx)?.ok_or(LocalError::NotEnrolled)?;
        let county = DivisionCode::parse(&identity.county_code)?;
        let terminal = TerminalCode::parse(&identity.terminal_code).map_err(LocalError::from)?;
        let iv = catalogue_repo::current_item(tx, &input.impl_code)?;
        let item = &iv.item;
        if !item.accept_levels.contains(&identity.level) {
            return Err(DeskError::LevelNotAccepted);
        }
        let applicant = applicant_repo::get(tx, &input.applicant_id)?;
        let errors = validate_form_at(&item.form, &input.form, ctx.today);
        if !errors.is_empty() {
            return Err(DeskError::Form(errors));
        }
        let changes = shared_changes(&item.form, &input.form, &applicant)?;
        materials::check_known(item, &input.materials)?;
        let mut proxy = proxy::check(input.proxy.as_ref(), item, &input.actor.role, ctx.today)?;
        if let (Some(p), Some(scan)) = (proxy.as_mut(), scan.as_ref()) {
            p.authorisation_scan_sha256 = scan.first().map(|a| a.sha256.clone());
            files.extend(scan.iter().cloned());
        }
        let channel = if input.actor.role == Role::ProxyAgent {
            Channel::ProxyAgent
        } else {
            Channel::Window
        };
        let notice_due = ctx.calendar.supplement_notice_due(ctx.today);
        let applied = CaseFlow::receive(
            CaseTerms::from_item(item),
            &input.actor.role,
            channel,
            ctx.today,
            notice_due.date,
        )?;
        let number = allocate_acceptance(tx, &county, terminal, ctx.today)?;
        let case_id = uuid::Uuid::now_v7().to_string();
        let mut snapshot = CaseSnapshot {
            case_id: case_id.clone(),
            acceptance_number: number.to_string(),
            catalogue_edition: iv.edition.clone(),
            item_impl_code: item.impl_code.clone(),
            item_hash: iv.content_hash.clone(),
            applicant_id: applicant.applicant_id.clone(),
            proxy,
            form: input.form.clone(),
            materials: input.materials.clone(),
            attachments: files.clone(),
            flow: applied.flow.clone(),
            due_on: None,
            due_provisional: false,
            timeline: Vec::new(),
            county_code: identity.county_code.clone(),
            terminal_code: identity.terminal_code.clone(),
            updated_at: ctx.now,
        };
        let mut entries = Vec::new();
        let data = json!({
            "channel": channel,
            "materials": input.materials,
            "supplement_notice_due": notice_due.date,
        });
        record(
            &mut snapshot,
            applied,
            &input.actor,
            ctx,
            data,
            &mut entries,
        );
        then(tx, &mut snapshot, item, &mut entries)?;
        // The applicant op goes first: the server needs the applicant before the case.
        applicant_repo::update(
            tx,
            device,
            &applicant.applicant_id,
            &changes,
            Some(&case_id),
            &input.actor.account,
            ctx.now,
        )?;
        case_repo::save_change(tx, device, &snapshot, entries, ctx.now)?;
        for a in &files {
            attachments::link(tx, &case_id, a, ctx.now)?;
        }
        Ok::<_, DeskError>(case_id)
    })?;
    Ok(case_repo::get(db.conn(), &case_id)?)
}

type Change<'a> = dyn FnOnce(&Connection, &mut CaseSnapshot, &Item, &mut Vec<NewEntry>) -> Result<(), DeskError>
    + 'a;

/// Loads a stored case and the item version it was filled on, lets `f` change it, and saves the
/// change with its entries and outbox op, all in one transaction.
pub(super) fn change(
    db: &mut Db,
    ctx: &Ctx,
    case_id: &str,
    f: Box<Change<'_>>,
) -> Result<StoredCase, DeskError> {
    db.write(|tx, device| {
        let stored = case_repo::get(tx, case_id)?;
        let mut snapshot = stored.snapshot;
        let item = catalogue_repo::item_version(tx, &snapshot.item_impl_code, &snapshot.item_hash)?;
        let mut entries = Vec::new();
        f(tx, &mut snapshot, &item, &mut entries)?;
        case_repo::save_change(tx, device, &snapshot, entries, ctx.now)?;
        Ok::<_, DeskError>(())
    })?;
    Ok(case_repo::get(db.conn(), case_id)?)
}
