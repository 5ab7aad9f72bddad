//! Corrections applied to the generated OpenAPI document, so that it describes every answer the
//! server really gives (schemathesis checks each response against it; see scripts/schemathesis.sh).
//!
//! - `ApiError.details` is `null` when there is nothing to add; the wire type in
//!   `onestop-protocol` declares it as an object only.
//! - Answers that come from the layers around the handlers, not from the handlers themselves, are
//!   listed once here for every operation they can reach: a request body that is not JSON (415),
//!   not the right JSON (400), too large or inflating past the limit (413), or compressed with an
//!   encoding other than gzip (415); a query parameter of the wrong type (400); credentials that
//!   fail (401), wherever credentials are read.

use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr};
use utoipa::Modify;

pub struct Fixups;

/// Operations that need no credentials and ignore them unless sent (then a bad one is 401 too,
/// but a client of these never sends one).
const PUBLIC: &[&str] = &[
    "/healthz",
    "/v1/meta",
    "/v1/catalogue",
    "/v1/holidays",
    "/openapi.json",
    "/metrics",
    "/q/{number}",
];

impl Modify for Fixups {
    fn modify(&self, doc: &mut OpenApi) {
        if let Some(components) = doc.components.as_mut() {
            if let Some(RefOr::T(Schema::Object(error))) = components.schemas.get_mut("ApiError") {
                let details = ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::Object, Type::Null]))
                    .description(Some(
                        "Structured context (per-field errors, limits …); null when there is none",
                    ))
                    .build();
                error
                    .properties
                    .insert("details".into(), RefOr::T(Schema::Object(details)));
            }
        }
        for (path, item) in doc.paths.paths.iter_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.head,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                if op.request_body.is_some() && !path.starts_with("/v1/uploads") {
                    add(
                        op,
                        "400",
                        "The body is not valid JSON or has the wrong fields",
                    );
                    add(
                        op,
                        "413",
                        "The body is too large, on the wire or once inflated",
                    );
                    add(
                        op,
                        "415",
                        "Not `application/json`, or a Content-Encoding other than gzip",
                    );
                }
                let has_query =
                    op.parameters.iter().flatten().any(|p| {
                        matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query)
                    });
                if has_query {
                    add(op, "400", "A query parameter is missing or not of its type");
                }
                if !PUBLIC.contains(&path.as_str()) {
                    add(op, "401", "Missing, expired or invalid credentials");
                }
            }
        }
    }
}

/// Adds an `ApiError` response for `status` unless the handler documents it already.
fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ApiError")))
                            .build(),
                    )
                    .build(),
            )
        });
}
