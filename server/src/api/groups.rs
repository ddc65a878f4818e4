//! `/api/v1/groups`: groups with unique GIDs, and their members.

use super::body::Body;
use super::caller::ApiResult;
use super::paging::PageParams;
use super::target::target;
use super::types::{ErrorBody, GroupOut, GroupPatch, NewGroupIn, UserList};
use super::users::page_of;
use crate::web::AppState;
use app::ssr::Visitor;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use directory::groups::{GroupUpdate, NewGroup};
use directory::user_list::ListQuery;
use directory::{Error, GroupId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_groups, create_group))
        .routes(routes!(get_group, update_group, delete_group))
        .routes(routes!(list_group_members))
        .routes(routes!(add_group_member, remove_group_member))
}

fn group_id(id: &str) -> Result<GroupId, Error> {
    id.parse().map_err(|_| Error::NotFound("group"))
}

/// Every group, by name, with member counts.
#[utoipa::path(get, path = "/groups", tag = "groups",
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = Vec<GroupOut>, description = "OK"), (status = 401, body = ErrorBody, description = "Not signed in, or the API key is not valid"), (status = 403, body = ErrorBody, description = "Not allowed")))]
async fn list_groups(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> ApiResult<Json<Vec<GroupOut>>> {
    let groups = state.dir.groups().list(&visitor.actor).await?;
    Ok(Json(groups.into_iter().map(GroupOut::from).collect()))
}

/// Creates a group; without `gid_number` it takes the next free GID.
#[utoipa::path(post, path = "/groups", tag = "groups", request_body = NewGroupIn,
    security(("api_key" = []), ("session" = [])),
    responses((status = 201, body = GroupOut, headers(("Location" = String)), description = "Created"), (status = 401, body = ErrorBody, description = "Not signed in, or the API key is not valid"),
        (status = 403, body = ErrorBody, description = "Not allowed"), (status = 409, body = ErrorBody, description = "Name or GID taken"),
        (status = 422, body = ErrorBody, description = "Invalid input; `field` names it")))]
async fn create_group(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Body(new): Body<NewGroupIn>,
) -> ApiResult<Response> {
    let new = NewGroup {
        name: new.name,
        description: new.description,
        gid_number: new.gid_number,
        is_admin: new.is_admin,
    };
    let group = state.dir.groups().create(&visitor.actor, new).await?;
    let location = format!("/api/v1/groups/{}", group.id);
    Ok(super::created(location, GroupOut::from(group)))
}

#[utoipa::path(get, path = "/groups/{id}", tag = "groups",
    params(("id" = String, Path, format = Uuid)),
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = GroupOut, description = "OK"), (status = 401, body = ErrorBody, description = "Not signed in, or the API key is not valid"), (status = 403, body = ErrorBody, description = "Not allowed"),
        (status = 404, body = ErrorBody, description = "Not found")))]
async fn get_group(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> ApiResult<Json<GroupOut>> {
    let group = state
        .dir
        .groups()
        .get(&visitor.actor, group_id(&id)?)
        .await?;
    Ok(Json(group.into()))
}

/// Renames, describes, or makes (or stops being) an administrators' group. The GID never
/// changes: files on hosts carry it.
#[utoipa::path(patch, path = "/groups/{id}", tag = "groups", request_body = GroupPatch,
    params(("id" = String, Path, format = Uuid)),
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = GroupOut, description = "OK"), (status = 401, body = ErrorBody, description = "Not signed in, or the API key is not valid"), (status = 403, body = ErrorBody, description = "Not allowed"),
        (status = 404, body = ErrorBody, description = "Not found"), (status = 409, body = ErrorBody, description = "Conflicts with what exists"), (status = 422, body = ErrorBody, description = "Invalid input; `field` names it")))]
async fn update_group(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
    Body(patch): Body<GroupPatch>,
) -> ApiResult<Json<GroupOut>> {
    let groups = state.dir.groups();
    let id = group_id(&id)?;
    let current = groups.get(&visitor.actor, id).await?;
    let update = GroupUpdate {
        name: patch.name.unwrap_or(current.name),
        description: patch.description.unwrap_or(current.description),
        is_admin: patch.is_admin.unwrap_or(current.is_admin),
    };
    let group = groups.update(&visitor.actor, id, update).await?;
    Ok(Json(group.into()))
}

#[utoipa::path(delete, path = "/groups/{id}", tag = "groups",
    params(("id" = String, Path, format = Uuid)),
    security(("api_key" = []), ("session" = [])),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody, description = "Not signed in, or the API key is not valid"), (status = 403, body = ErrorBody, description = "Not allowed"),
        (status = 404, body = ErrorBody, description = "Not found")))]
async fn delete_group(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .dir
        .groups()
        .delete(&visitor.actor, group_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The group's members, by username, a page at a time.
#[utoipa::path(get, path = "/groups/{id}/members", tag = "groups",
    params(("id" = String, Path, format = Uuid), PageParams),
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = UserList, description = "OK"), (status = 401, body = ErrorBody, description = "Not signed in, or the API key is not valid"), (status = 403, body = ErrorBody, description = "Not allowed"),
        (status = 404, body = ErrorBody, description = "Not found"), (status = 422, body = ErrorBody, description = "Invalid input; `field` names it")))]
async fn list_group_members(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
    Query(page): Query<PageParams>,
) -> ApiResult<Json<UserList>> {
    let group = state
        .dir
        .groups()
        .get(&visitor.actor, group_id(&id)?)
        .await?;
    let query = ListQuery {
        group: Some(group.id),
        ..ListQuery::default()
    };
    page_of(&state, &visitor.actor, &query, &page)
        .await
        .map(Json)
}

/// Adds a user (by id or username) to the group; adding a member again changes nothing.
#[utoipa::path(put, path = "/groups/{id}/members/{user}", tag = "groups",
    params(("id" = String, Path, format = Uuid), ("user" = String, Path, description = "Id or username")),
    security(("api_key" = []), ("session" = [])),
    responses((status = 204, description = "A member"), (status = 401, body = ErrorBody, description = "Not signed in, or the API key is not valid"), (status = 403, body = ErrorBody, description = "Not allowed"),
        (status = 404, body = ErrorBody, description = "Not found")))]
async fn add_group_member(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((id, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let user = target(&state, &visitor, &user).await?;
    state
        .dir
        .groups()
        .add_member(&visitor.actor, group_id(&id)?, user)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/groups/{id}/members/{user}", tag = "groups",
    params(("id" = String, Path, format = Uuid), ("user" = String, Path, description = "Id or username")),
    security(("api_key" = []), ("session" = [])),
    responses((status = 204, description = "Not a member"), (status = 401, body = ErrorBody, description = "Not signed in, or the API key is not valid"), (status = 403, body = ErrorBody, description = "Not allowed"),
        (status = 404, body = ErrorBody, description = "Not found")))]
async fn remove_group_member(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((id, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let user = target(&state, &visitor, &user).await?;
    state
        .dir
        .groups()
        .remove_member(&visitor.actor, group_id(&id)?, user)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
