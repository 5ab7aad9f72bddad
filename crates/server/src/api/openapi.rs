use axum::Json;
use onestop_protocol::{ApiError, Health, Meta};
use utoipa::OpenApi;

/// The OpenAPI document, generated from the handlers' annotations so it cannot drift from them.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Onestop approval server",
        description = "一站通 政务服务审批服务器 API"
    ),
    paths(
        super::health::healthz,
        super::meta::meta,
        super::catalogue::current,
        document
    ),
    components(schemas(ApiError, Health, Meta))
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
