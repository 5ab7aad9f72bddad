use axum::Json;
use onestop_protocol::{
    ApiError, AttachmentState, CaseActionRequest, CaseDetail, CaseView, Change, ChangesPage,
    CreateUserRequest, EnrollRequest, EnrollResponse, EnrolmentCode, EnrolmentCodeRequest,
    FiledApplication, FlaggedCase, Health, Inbox, InboxEntry, LoginRequest, LoginResponse, Meta,
    Op, OpOutcome, OpResult, PasswordVerifier, PushRequest, PushResponse, SupervisionCounts,
    SupervisionGroup, SupervisionOverview, UserInfo, ViolationEntry,
};
use utoipa::OpenApi;

use super::openapi_fixups::Fixups;

/// The OpenAPI document, generated from the handlers' annotations so it cannot drift from them.
#[derive(OpenApi)]
#[openapi(
    modifiers(&Fixups),
    info(
        title = "Onestop approval server",
        description = "一站通 政务服务审批服务器 API。终端请求的签名方式见 docs/protocol.md。"
    ),
    paths(
        super::health::healthz,
        super::meta::meta,
        super::catalogue::current,
        super::holidays::holidays,
        document,
        super::metrics::metrics,
        super::enrol::create_code,
        super::enrol::enroll,
        super::users::create_user,
        super::users::login,
        super::users::logout,
        super::users::me,
        super::users::list,
        super::admin_catalogue::publish,
        super::admin_catalogue::windows,
        super::ops::push,
        super::changes::changes,
        super::cases::inbox,
        super::cases::get,
        super::cases::act,
        super::uploads::create,
        super::uploads::offset,
        super::uploads::patch,
        super::supervision::overview,
        super::citizen::lookup,
    ),
    components(schemas(
        ApiError,
        Health,
        Meta,
        EnrolmentCodeRequest,
        EnrolmentCode,
        EnrollRequest,
        EnrollResponse,
        CreateUserRequest,
        UserInfo,
        LoginRequest,
        LoginResponse,
        PasswordVerifier,
        PushRequest,
        PushResponse,
        Op,
        OpResult,
        OpOutcome,
        Change,
        ChangesPage,
        CaseActionRequest,
        CaseView,
        CaseDetail,
        FiledApplication,
        AttachmentState,
        SupervisionOverview,
        SupervisionCounts,
        SupervisionGroup,
        FlaggedCase,
        ViolationEntry,
        Inbox,
        InboxEntry
    ))
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
