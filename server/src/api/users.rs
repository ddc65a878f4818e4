//! `/api/v1/users`: list, read and create users, through the same service calls as the pages.

use super::body::Body;
use super::caller::ApiResult;
use super::paging::{self, PageParams};
use super::types::{ErrorBody, NewUserIn, UserList, UserOut};
use crate::web::AppState;
use app::ssr::Visitor;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::{Extension, Json};
use directory::user_list::ListQuery;
use directory::users::{NewUser, Status};
use directory::{Error, Permission, Role};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user))
}

/// The list's filters and paging.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Matched against username, names and email.
    q: Option<String>,
    /// `pending`, `active` or `suspended`.
    status: Option<String>,
    /// A role name.
    role: Option<String>,
    /// Members of this group (its id).
    group: Option<String>,
    /// At most 200; default 50.
    limit: Option<u64>,
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
}

/// Users, ordered by username, a page at a time.
#[utoipa::path(
    get,
    path = "/users",
    tag = "users",
    params(ListParams),
    security(("api_key" = []), ("session" = [])),
    responses(
        (status = 200, body = UserList, description = "OK"),
        (status = 401, body = ErrorBody, description = "Not signed in, or the API key is not valid"),
        (status = 403, body = ErrorBody, description = "Needs users.read"),
        (status = 422, body = ErrorBody, description = "A filter or the cursor is not valid"),
    )
)]
async fn list_users(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<UserList>> {
    let actor = &visitor.actor;
    // Who may not read users hears so before anything about their input.
    directory::policy::require(actor, Permission::UsersRead)?;
    let query = ListQuery {
        search: params.q,
        status: params
            .status
            .as_deref()
            .map(Status::parse)
            .transpose()
            .map_err(Error::from)?,
        role: params
            .role
            .as_deref()
            .map(Role::parse)
            .transpose()
            .map_err(Error::from)?,
        group: params
            .group
            .as_deref()
            .map(|g| {
                g.parse()
                    .map_err(|_| Error::invalid("group", "Give the group's id."))
            })
            .transpose()?,
        ..ListQuery::default()
    };
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    page_of(&state, actor, &query, &page).await.map(Json)
}

/// One page of users matching `query`, after the cursor.
pub(super) async fn page_of(
    state: &AppState,
    actor: &directory::Actor,
    query: &ListQuery,
    page: &PageParams,
) -> ApiResult<UserList> {
    let after = page
        .cursor
        .as_deref()
        .map(|c| paging::decode('u', c))
        .transpose()?;
    let limit = paging::limit(page.limit)?;
    let (users, more) = state
        .dir
        .users()
        .list_after(actor, query, after.as_deref(), limit)
        .await?;
    let next_cursor = more
        .then(|| {
            users
                .last()
                .map(|u| paging::encode('u', u.username.as_str()))
        })
        .flatten();
    Ok(UserList {
        items: users.into_iter().map(UserOut::from).collect(),
        next_cursor,
    })
}

/// Creates a user with a temporary password, as the new-user page does.
#[utoipa::path(
    post,
    path = "/users",
    tag = "users",
    request_body = NewUserIn,
    security(("api_key" = []), ("session" = [])),
    responses(
        (status = 201, body = UserOut, description = "Created", headers(("Location" = String, description = "The new user's URL"))),
        (status = 401, body = ErrorBody, description = "Not signed in, or the API key is not valid"),
        (status = 403, body = ErrorBody, description = "Needs users.create (and users.set_role for a role other than user)"),
        (status = 409, body = ErrorBody, description = "The username or email is taken"),
        (status = 422, body = ErrorBody, description = "Invalid input; `field` names it"),
    )
)]
async fn create_user(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Body(new): Body<NewUserIn>,
) -> ApiResult<Response> {
    let actor = &visitor.actor;
    let role = directory::policy::parse_for(actor, Permission::UsersCreate, || {
        new.role.as_deref().map_or(Ok(Role::User), Role::parse)
    })?;
    let new = NewUser {
        username: new.username,
        email: new.email,
        full_name: new.full_name,
        role,
        status: if new.pending {
            Status::Pending
        } else {
            Status::Active
        },
        password: Some(new.password.into()),
        must_change_password: true,
    };
    let user = state.dir.users().create(actor, new).await?;
    let location = format!("/api/v1/users/{}", user.id);
    Ok(super::created(location, UserOut::from(user)))
}

/// One user, by id or by username.
#[utoipa::path(
    get,
    path = "/users/{user}",
    tag = "users",
    params(("user" = String, Path, description = "The user's id or username")),
    security(("api_key" = []), ("session" = [])),
    responses(
        (status = 200, body = UserOut, description = "OK"),
        (status = 401, body = ErrorBody, description = "Not signed in, or the API key is not valid"),
        (status = 403, body = ErrorBody, description = "Needs users.read, unless it is the caller"),
        (status = 404, body = ErrorBody, description = "Not found"),
    )
)]
async fn get_user(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(user): Path<String>,
) -> ApiResult<Json<UserOut>> {
    let user = state.dir.users().lookup(&visitor.actor, &user).await?;
    Ok(Json(user.into()))
}
