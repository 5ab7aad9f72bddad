//! The acceptance, case and voucher commands: one per `Desk` method, nothing more.

use std::sync::Arc;

use onestop_desk::views::{
    ApplicantLookup, ApplicantView, CaseRow, CaseView, HomeSummary, IdCheck, ItemHit, ItemView,
    ProxyPower,
};
use onestop_desk::{
    ApiError, ApplicationForm, CaseFilter, Decision, Desk, DeviceInfo, FieldError, ForwardedCase,
    ForwardedCaseDetail, ForwardedDecision, MaterialInput, NewApplicantForm, ScanInput,
    SessionInfo, StatusChoice, SupplementLine, VoucherOutcome,
};
use tauri::State;

type D<'a> = State<'a, Arc<Desk>>;

#[tauri::command]
pub fn logout(desk: D<'_>) {
    desk.logout()
}

#[tauri::command]
pub fn session_info(desk: D<'_>) -> Option<SessionInfo> {
    desk.session_info()
}

#[tauri::command]
pub async fn home_summary(desk: D<'_>) -> Result<HomeSummary, ApiError> {
    desk.home_summary().await
}

#[tauri::command]
pub async fn search_items(desk: D<'_>, query: String) -> Result<Vec<ItemHit>, ApiError> {
    desk.search_items(query).await
}

#[tauri::command]
pub async fn item_view(desk: D<'_>, impl_code: String) -> Result<ItemView, ApiError> {
    desk.item_view(impl_code).await
}

#[tauri::command]
pub fn check_id(desk: D<'_>, input: String) -> IdCheck {
    desk.check_id(input)
}

#[tauri::command]
pub async fn lookup_applicants(desk: D<'_>, text: String) -> Result<ApplicantLookup, ApiError> {
    desk.lookup_applicants(text).await
}

#[tauri::command]
pub async fn register_applicant(
    desk: D<'_>,
    input: NewApplicantForm,
) -> Result<ApplicantView, ApiError> {
    desk.register_applicant_form(input).await
}

#[tauri::command]
pub async fn prefilled_form(
    desk: D<'_>,
    applicant_id: String,
    impl_code: String,
) -> Result<serde_json::Value, ApiError> {
    desk.prefilled_form(applicant_id, impl_code).await
}

#[tauri::command]
pub async fn check_form(
    desk: D<'_>,
    applicant_id: String,
    impl_code: String,
    form: serde_json::Value,
) -> Result<Vec<FieldError>, ApiError> {
    desk.check_form(applicant_id, impl_code, form).await
}

#[tauri::command]
pub async fn submit_application(
    desk: D<'_>,
    application: ApplicationForm,
    decision: Decision,
) -> Result<CaseView, ApiError> {
    desk.submit_application(application, decision).await
}

#[tauri::command]
pub async fn supplement_and_accept(
    desk: D<'_>,
    case_id: String,
    materials: Vec<MaterialInput>,
    scans: Vec<ScanInput>,
) -> Result<CaseView, ApiError> {
    desk.supplement_and_accept(case_id, materials, scans).await
}

#[tauri::command]
pub async fn short_materials(
    desk: D<'_>,
    impl_code: String,
    materials: Vec<MaterialInput>,
) -> Result<Vec<SupplementLine>, ApiError> {
    desk.short_materials(impl_code, materials).await
}

#[tauri::command]
pub fn status_choices(desk: D<'_>) -> Vec<StatusChoice> {
    desk.status_choices()
}

#[tauri::command]
pub fn proxy_powers(desk: D<'_>) -> Vec<ProxyPower> {
    desk.proxy_powers()
}

#[tauri::command]
pub async fn deliver_result(desk: D<'_>, case_id: String) -> Result<CaseView, ApiError> {
    desk.deliver_result(case_id).await
}

#[tauri::command]
pub async fn withdraw_case(
    desk: D<'_>,
    case_id: String,
    reason: String,
) -> Result<CaseView, ApiError> {
    desk.withdraw_case(case_id, reason).await
}

#[tauri::command]
pub async fn forwarded_cases(desk: D<'_>) -> Result<Vec<ForwardedCase>, ApiError> {
    desk.forwarded_cases().await
}

#[tauri::command]
pub async fn forwarded_case_detail(
    desk: D<'_>,
    case_id: String,
) -> Result<ForwardedCaseDetail, ApiError> {
    desk.forwarded_case_detail(case_id).await
}

#[tauri::command]
pub async fn decide_forwarded(
    desk: D<'_>,
    decision: ForwardedDecision,
) -> Result<Vec<ForwardedCase>, ApiError> {
    desk.decide_forwarded(decision).await
}

#[tauri::command]
pub async fn case_view(desk: D<'_>, case_id: String) -> Result<CaseView, ApiError> {
    desk.case_view(case_id).await
}

#[tauri::command]
pub async fn list_cases(desk: D<'_>, filter: CaseFilter) -> Result<Vec<CaseRow>, ApiError> {
    desk.list_cases(filter).await
}

#[tauri::command]
pub async fn preview_voucher(
    desk: D<'_>,
    case_id: String,
    kind: String,
    substitute_missing: bool,
) -> Result<VoucherOutcome, ApiError> {
    let out = desk
        .preview_case_voucher(case_id, kind, substitute_missing)
        .await;
    crate::webview_memory::trim_heap_soon();
    out
}

#[tauri::command]
pub async fn print_voucher(
    desk: D<'_>,
    case_id: String,
    kind: String,
    substitute_missing: bool,
) -> Result<VoucherOutcome, ApiError> {
    let out = desk
        .print_case_voucher(case_id, kind, substitute_missing)
        .await;
    crate::webview_memory::trim_heap_soon();
    out
}

#[tauri::command]
pub async fn device_info(desk: D<'_>) -> Result<DeviceInfo, ApiError> {
    desk.device_info().await
}
