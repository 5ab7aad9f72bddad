//! The HTTP API: routes, the error mapping and the OpenAPI document.

mod catalogue;
mod error;
mod health;
mod meta;
mod openapi;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{middleware, Router};
use tower_http::trace::TraceLayer;

use crate::store::Store;

pub use error::AppError;
pub use openapi::ApiDoc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
}

/// Builds the whole application. Tests call this with a store of their own on port 0.
pub fn router(state: AppState, body_limit: usize) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/v1/meta", get(meta::meta))
        .route("/v1/catalogue", get(catalogue::current))
        .route("/openapi.json", get(openapi::document))
        .fallback(error::not_found)
        .layer(middleware::from_fn(error::json_errors))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
