//! `/api/v1/settings` and `/api/v1/roles`: the instance settings, and what each role may do.

use super::body::Body;
use super::caller::ApiResult;
use super::types::{ErrorBody, RoleOut, SettingsBody};
use crate::web::AppState;
use app::ssr::Visitor;
use axum::extract::State;
use axum::{Extension, Json};
use directory::Role;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, update_settings))
        .routes(routes!(list_roles))
}

#[utoipa::path(get, path = "/settings", tag = "settings",
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = SettingsBody, description = "The settings"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs settings.read")))]
async fn get_settings(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> ApiResult<Json<SettingsBody>> {
    let settings = state.dir.settings().get(&visitor.actor).await?;
    Ok(Json(settings.into()))
}

/// Saves every setting at once (read them first, change what you need, send them back).
#[utoipa::path(put, path = "/settings", tag = "settings", request_body = SettingsBody,
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = SettingsBody, description = "Saved"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs settings.write"), (status = 422, body = ErrorBody, description = "Invalid input")))]
async fn update_settings(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Body(body): Body<SettingsBody>,
) -> ApiResult<Json<SettingsBody>> {
    directory::policy::require(&visitor.actor, directory::Permission::SettingsWrite)?;
    let view = body.into_view()?;
    let saved = state
        .dir
        .settings()
        .update(&visitor.actor, view)
        .await
        .map_err(api_field_names)?;
    Ok(Json(saved.into()))
}

/// The built-in roles and their permissions.
#[utoipa::path(get, path = "/roles", tag = "settings",
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = Vec<RoleOut>, description = "The roles"), (status = 401, body = ErrorBody, description = "Not signed in")))]
async fn list_roles(Extension(visitor): Extension<Visitor>) -> ApiResult<Json<Vec<RoleOut>>> {
    directory::policy::require_signed_in(&visitor.actor)?;
    Ok(Json(
        Role::ALL
            .into_iter()
            .map(|role| RoleOut {
                name: role.name().to_string(),
                permissions: role
                    .permissions()
                    .into_iter()
                    .map(|p| p.name().to_string())
                    .collect(),
            })
            .collect(),
    ))
}

/// The settings service names the password fields as the settings page does; this API's body
/// prefixes them.
fn api_field_names(err: directory::Error) -> directory::Error {
    match err {
        directory::Error::Invalid {
            field: Some(field),
            message,
        } => {
            let field = match field {
                "min_length" => "password_min_length",
                "history" => "password_history",
                "max_age_days" => "password_max_age_days",
                other => other,
            };
            directory::Error::Invalid {
                field: Some(field),
                message,
            }
        }
        other => other,
    }
}
