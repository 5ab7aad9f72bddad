//! The HTTP API: routes, authentication, the error mapping and the OpenAPI document.

mod admin_catalogue;
pub mod auth;
mod cases;
mod catalogue;
mod changes;
mod citizen;
mod compression;
mod enrol;
mod error;
mod etag;
mod health;
mod holidays;
mod json;
mod meta;
mod metrics;
mod openapi;
mod openapi_fixups;
mod ops;
mod supervision;
mod uploads;
pub mod users;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, head, post, put};
use axum::{middleware, Router};
use onestop_domain::calendar::WorkCalendar;
use tower_http::trace::TraceLayer;

use crate::attachments::{UploadLimits, UploadLocks};
use crate::catalogue_cache::CatalogueCache;
use crate::store::Store;
use crate::ServerConfig;

pub use error::AppError;
pub use openapi::ApiDoc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<ServerConfig>,
    pub calendar: Arc<WorkCalendar>,
    pub catalogues: Arc<CatalogueCache>,
    pub uploads: Arc<UploadLimits>,
    pub upload_locks: Arc<UploadLocks>,
    pub citizen_limiter: Arc<crate::citizen::RateLimiter>,
    /// This server's own metrics recorder (never the process-global one).
    pub metrics: Arc<crate::telemetry::Metrics>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: ServerConfig) -> Self {
        let uploads = UploadLimits {
            dir: config.upload_dir.clone(),
            max_file_bytes: config.max_upload_bytes,
            max_chunk_bytes: config.upload_chunk_limit,
        };
        AppState {
            store,
            uploads: Arc::new(uploads),
            upload_locks: Arc::new(UploadLocks::default()),
            citizen_limiter: Arc::new(crate::citizen::RateLimiter::new(
                config.citizen_rate_per_minute,
                config.citizen_burst,
            )),
            config: Arc::new(config),
            calendar: Arc::new(WorkCalendar::default_cn()),
            catalogues: Arc::new(CatalogueCache::default()),
            metrics: Arc::new(crate::telemetry::Metrics::new()),
        }
    }
}

/// Builds the whole application. Tests call this with a store of their own on port 0.
pub fn router(state: AppState) -> Router {
    let body_limit = state.config.body_limit;
    let chunk_limit = state.config.upload_chunk_limit;
    let uploads = Router::new()
        .route("/v1/uploads", post(uploads::create))
        .route(
            "/v1/uploads/{upload_id}",
            head(uploads::offset).patch(uploads::patch),
        )
        .layer(DefaultBodyLimit::max(chunk_limit))
        .layer(middleware::from_fn(uploads::tus_header));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/v1/meta", get(meta::meta))
        .route("/v1/catalogue", get(catalogue::current))
        .route("/v1/holidays", get(holidays::holidays))
        .route("/openapi.json", get(openapi::document))
        .route("/metrics", get(metrics::metrics))
        .route("/v1/admin/enrolment-codes", post(enrol::create_code))
        .route("/v1/admin/users", post(users::create_user))
        .route("/v1/admin/catalogue", put(admin_catalogue::publish))
        .route("/v1/enroll", post(enrol::enroll))
        .route("/v1/auth/login", post(users::login))
        .route("/v1/auth/logout", post(users::logout))
        .route("/v1/auth/me", get(users::me))
        .route("/v1/users", get(users::list))
        .route("/v1/windows", get(admin_catalogue::windows))
        .route("/v1/ops", post(ops::push))
        .route("/v1/changes", get(changes::changes))
        .route("/v1/inbox", get(cases::inbox))
        .route("/v1/cases/{case_id}", get(cases::get))
        .route("/v1/cases/{case_id}/actions", post(cases::act))
        .route("/v1/supervision/overview", get(supervision::overview))
        .route("/q/{number}", get(citizen::lookup))
        // Inside authentication (added later = outer), so signatures cover the wire bytes; not
        // on the tus routes, whose chunks and checksums are raw bytes by definition.
        .layer(compression::request_decompression())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            compression::mark_compressed,
        ))
        .merge(uploads)
        .fallback(error::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(middleware::from_fn(error::json_errors))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
