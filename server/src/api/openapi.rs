//! The OpenAPI document: its frame (title, security schemes, shared schemas) and the route
//! that serves it, filled in with every handler's `#[utoipa::path]`.

use super::types::ErrorBody;
use crate::web::AppState;
use axum::Json;
use std::sync::OnceLock;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi as _};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Gatehouse",
        description = "The REST API of a Gatehouse directory. Every call acts with the caller's permissions as they are at that moment; errors are `{\"error\": {\"code\", \"message\", \"field\"?}}`.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    components(schemas(ErrorBody)),
    modifiers(&Security),
    tags(
        (name = "me", description = "The signed-in user"),
        (name = "users", description = "The directory's users"),
        (name = "groups", description = "Groups and their members"),
        (name = "api-keys", description = "API keys"),
        (name = "sessions", description = "Web sessions"),
        (name = "audit", description = "The audit trail"),
        (name = "invites", description = "Invitations"),
        (name = "settings", description = "Instance settings and roles"),
        (name = "meta", description = "This document"),
    ),
)]
struct Frame;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("gate_…")
                    .description(Some(
                        "An API key made on the profile page or with `gatehouse api-key create`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "gatehouse_session",
                "The browser's session cookie; writes must come from Gatehouse's own pages.",
            ))),
        );
    }
}

pub(super) fn base() -> OpenApi {
    Frame::openapi()
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(openapi_json))
}

/// The whole document, built once.
pub fn document() -> &'static OpenApi {
    static DOCUMENT: OnceLock<OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(|| super::routes().into_openapi())
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
async fn openapi_json() -> Json<&'static OpenApi> {
    Json(document())
}
