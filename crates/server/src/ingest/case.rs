//! `case.snapshot`: the whole window-owned case is re-validated: the acceptance number and the
//! window that issued it, the pinned item, the form, the proxy, the life cycle (replayed event by
//! event through the domain state machine from the receipt on) and the promised date.

use onestop_domain::catalogue::Item;
use onestop_domain::ids::ResidentId;
use onestop_domain::lifecycle::{CaseFlow, CaseTerms, Role, Transition};
use onestop_domain::numbering::AcceptanceNumber;
use onestop_domain::supervision::case_deadline;
use onestop_protocol::{ApiError, CaseSnapshot, TimelineEntry};
use serde::Deserialize;

use super::{coded, status_str, Context};
use crate::store::{CaseRow, PartRow};

fn reject(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(code, message)
}

/// Validates a `case.snapshot` payload into the row to store.
pub fn validate_case(payload: &serde_json::Value, cx: &Context<'_>) -> Result<CaseRow, ApiError> {
    let snap = CaseSnapshot::deserialize(payload).map_err(|e| {
        ApiError::new("op.bad_payload", "办件数据格式不正确")
            .with_details(serde_json::json!({ "reason": e.to_string() }))
    })?;
    validate(snap, payload.to_string(), cx)
}

/// [`validate_case`] of a snapshot already read, with the payload's JSON text (canonical, as the
/// op hash took it): that text is what the row keeps as the snapshot.
pub(super) fn validate(
    snap: CaseSnapshot,
    payload_json: String,
    cx: &Context<'_>,
) -> Result<CaseRow, ApiError> {
    if uuid::Uuid::parse_str(&snap.case_id).is_err() {
        return Err(reject("case.bad_id", "办件编号不是有效的 UUID"));
    }
    let device = cx.device;
    let terminal = format!("{:04}", device.terminal_code);
    if snap.county_code != device.county_code || snap.terminal_code != terminal {
        return Err(reject(
            "case.wrong_window",
            "办件登记的区划或终端码与提交的终端不一致",
        ));
    }
    let number = AcceptanceNumber::parse(&snap.acceptance_number).map_err(|e| coded(&e))?;
    if number.county() != device.county_code || number.terminal().value() != device.terminal_code {
        return Err(reject(
            "case.number_not_yours",
            "受理号不是本终端签发的（区划或终端码不符）",
        ));
    }
    if number.to_string() != snap.acceptance_number {
        return Err(reject(
            "case.number_not_normalised",
            "受理号须以 21 位规范形式提交",
        ));
    }
    if number.date() != snap.flow.received_on {
        return Err(reject(
            "case.number_date_mismatch",
            "受理号中的日期与收件日期不一致",
        ));
    }
    let edition = cx.catalogue.as_ref().ok_or_else(|| {
        reject(
            "case.catalogue_unknown",
            format!("服务器上没有事项目录版本“{}”", snap.catalogue_edition),
        )
    })?;
    let item = edition
        .catalogue
        .item(&snap.item_impl_code)
        .ok_or_else(|| {
            reject(
                "case.item_unknown",
                format!("事项目录中没有实施编码为 {} 的事项", snap.item_impl_code),
            )
        })?;
    if edition.item_hash(item) != snap.item_hash {
        return Err(reject(
            "case.item_changed",
            "办件所依据的事项版本与服务器上的目录不一致",
        ));
    }
    let problems = onestop_domain::catalogue::validate_form_at(&item.form, &snap.form, cx.today);
    if !problems.is_empty() {
        let list: Vec<_> = problems
            .iter()
            .map(|p| serde_json::json!({ "key": p.key, "code": p.code, "message": p.message }))
            .collect();
        return Err(ApiError::new(
            "form.invalid",
            format!("表单有 {} 处错误：{}", list.len(), problems[0]),
        )
        .with_details(serde_json::json!({ "errors": list })));
    }
    if let Some(proxy) = &snap.proxy {
        if !item.proxy_allowed {
            return Err(reject(
                "case.proxy_not_allowed",
                "本事项不允许委托代理人办理",
            ));
        }
        ResidentId::parse(&proxy.id_number, cx.today).map_err(|e| coded(&e))?;
    }
    check_timeline(&snap.case_id, &snap.timeline)?;
    let replayed = replay(item, &snap, cx)?;
    if replayed != snap.flow {
        return Err(reject(
            "case.flow_mismatch",
            "办件状态与其办理记录不符（按办理记录重算的结果不同）",
        ));
    }
    let deadline = case_deadline(
        &replayed,
        item.promised_limit_working_days,
        cx.calendar,
        cx.today,
        item.warning,
    );
    let (due_on, due_provisional) = match deadline {
        Some(d) => (Some(d.due), d.provisional),
        None => (None, false),
    };
    if let (Some(theirs), Some(ours)) = (snap.due_on, due_on) {
        if theirs != ours && !snap.due_provisional && !due_provisional {
            return Err(ApiError::new(
                "case.due_mismatch",
                format!("承诺办结日期应为 {ours}，办件中为 {theirs}"),
            )
            .with_details(serde_json::json!({ "expected": ours, "actual": theirs })));
        }
    }
    Ok(CaseRow {
        case_id: snap.case_id,
        acceptance_number: snap.acceptance_number,
        applicant_id: snap.applicant_id,
        item_impl_code: snap.item_impl_code,
        department: item.department.clone(),
        county_code: snap.county_code,
        status: status_str(replayed.status),
        flow_json: serde_json::to_string(&replayed).unwrap_or_default(),
        snapshot_json: payload_json,
        received_on: replayed.received_on,
        due_on,
        due_provisional,
        parts: replayed
            .parts
            .iter()
            .map(|p| PartRow {
                impl_code: p.impl_code.clone(),
                department: p.department.clone(),
                status: status_str(p.status),
            })
            .collect(),
    })
}

/// The timeline is the window's hash chain: seq 1, 2, 3 …, each entry hashed over its content
/// and bound to the case, each pointing at the previous hash. An edited, dropped or reordered
/// entry is refused (the same check the window runs, from `onestop_protocol::timeline`).
fn check_timeline(case_id: &str, timeline: &[TimelineEntry]) -> Result<(), ApiError> {
    onestop_protocol::timeline::verify_entries(case_id, timeline, None).map_err(|e| {
        reject("case.timeline_broken", format!("办理记录校验未通过：{e}"))
            .with_details(serde_json::to_value(&e).unwrap_or_default())
    })
}

/// Rebuilds the flow from the receipt through every recorded event, with the domain machine.
/// Only window roles may appear: the server's own steps come from the approval API.
fn replay(item: &Item, snap: &CaseSnapshot, cx: &Context<'_>) -> Result<CaseFlow, ApiError> {
    let mut events = snap.timeline.iter().filter_map(|t| t.event.as_ref());
    let first = events
        .next()
        .ok_or_else(|| reject("case.timeline_empty", "办件没有收件记录"))?;
    let Transition::Receive { channel } = &first.transition else {
        return Err(reject("case.timeline_empty", "办件的第一条记录必须是收件"));
    };
    let window_role = |r: &Role| matches!(r, Role::WindowClerk | Role::ProxyAgent);
    if !window_role(&first.role) {
        return Err(reject(
            "case.window_role_only",
            "窗口只能提交窗口人员或代办员的操作",
        ));
    }
    let notice_due = cx.calendar.supplement_notice_due(first.on).date;
    let mut flow = CaseFlow::receive(
        CaseTerms::from_item(item),
        &first.role,
        *channel,
        first.on,
        notice_due,
    )
    .map_err(|e| coded(&e))?
    .flow;
    for e in events {
        if !window_role(&e.role) {
            return Err(reject(
                "case.window_role_only",
                "窗口只能提交窗口人员或代办员的操作",
            ));
        }
        let applied = match &e.part {
            Some(part) => flow.apply_to_part(part, &e.role, &e.transition, e.on),
            None => flow.apply(&e.role, &e.transition, e.on),
        }
        .map_err(|err| coded(&err))?;
        flow = applied.flow;
    }
    Ok(flow)
}
