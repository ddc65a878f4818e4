//! Server functions for managing users: list, detail, create, edit, role, status, delete.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub role: vocab::Role,
    pub status: vocab::Status,
    pub created: String,
    pub last_login: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPage {
    pub users: Vec<UserRow>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// A group as a name to show and an id to link or submit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRef {
    pub id: String,
    pub name: String,
    pub is_admin: bool,
}

/// Everything the user page shows, plus what the viewer may do there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub user: UserRow,
    pub first_name: String,
    pub last_name: String,
    pub fallback_email: String,
    pub uid_number: i64,
    pub must_change_password: bool,
    pub updated: String,
    pub groups: Vec<GroupRef>,
    /// Every group, for the "add to group" and approval choices (empty without groups.read).
    pub all_groups: Vec<GroupRef>,
    /// What the viewer may do to this account, as the domain works it out.
    pub can: vocab::UserCan,
    pub is_self: bool,
}

/// The list's filters as the page's query string holds them; any may be left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserFilter {
    pub q: String,
    pub status: String,
    pub role: String,
    pub group: String,
    pub sort: String,
    pub desc: bool,
    pub page: u64,
}

#[cfg(feature = "ssr")]
pub(crate) fn user_row(user: directory::User) -> UserRow {
    use crate::ssr::format_time;
    UserRow {
        id: user.id.to_string(),
        username: user.username.to_string(),
        display_name: user.display_name,
        email: user.email.to_string(),
        role: user.role,
        status: user.status,
        created: format_time(user.created_at),
        last_login: user.last_login_at.map(format_time),
    }
}

#[cfg(feature = "ssr")]
pub(crate) fn parse_user_id(id: &str) -> Result<directory::UserId, AppError> {
    id.parse()
        .map_err(|_| directory::Error::NotFound("user").into())
}

#[cfg(feature = "ssr")]
pub(crate) fn group_ref(group: directory::groups::GroupSummary) -> GroupRef {
    GroupRef {
        id: group.id.to_string(),
        name: group.name,
        is_admin: group.is_admin,
    }
}

/// The edit form's fields, shared by the user page and one's own profile.
#[cfg(feature = "ssr")]
pub(crate) fn details(
    email: String,
    fallback_email: String,
    first_name: String,
    last_name: String,
    display_name: String,
) -> directory::user_admin::UserUpdate {
    directory::user_admin::UserUpdate {
        email,
        fallback_email,
        first_name,
        last_name,
        display_name,
    }
}

#[cfg(feature = "ssr")]
fn list_query(
    actor: &directory::Actor,
    filter: &UserFilter,
) -> Result<directory::user_list::ListQuery, AppError> {
    use directory::user_list::{ListQuery, SortKey};
    use directory::users::Status;
    // Whoever may not list users hears that first, whatever the filter says.
    directory::policy::require(actor, directory::Permission::UsersRead)?;
    let blank = |s: &str| s.trim().is_empty();
    Ok(ListQuery {
        search: (!blank(&filter.q)).then(|| filter.q.clone()),
        status: match filter.status.as_str() {
            "" => None,
            s => Some(Status::parse(s)?),
        },
        role: match filter.role.as_str() {
            "" => None,
            r => Some(directory::Role::parse(r)?),
        },
        group: match filter.group.as_str() {
            "" => None,
            g => Some(g.parse().map_err(|_| directory::Error::NotFound("group"))?),
        },
        sort: SortKey::parse(&filter.sort).unwrap_or_default(),
        descending: filter.desc,
        page: filter.page,
        per_page: super::PER_PAGE,
    })
}

/// One page of the users list, filtered and sorted.
#[server(endpoint = "users")]
pub async fn list_users(#[server(default)] filter: UserFilter) -> Result<UsersPage, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let query = list_query(&actor, &filter)?;
    let result = crate::ssr::directory()?.users().list(&actor, query).await?;
    Ok(UsersPage {
        users: result.users.into_iter().map(user_row).collect(),
        total: result.total,
        page: filter.page,
        per_page: super::PER_PAGE,
    })
}

/// The user page's data.
#[server(endpoint = "user")]
pub async fn get_user(id: String) -> Result<UserDetail, AppError> {
    use crate::ssr::format_time;
    use directory::Permission;
    let (_, actor) = crate::ssr::signed_in()?;
    let dir = crate::ssr::directory()?;
    let user = dir.users().get(&actor, parse_user_id(&id)?).await?;
    let groups = dir.groups().of_user(&actor, user.id).await?;
    let all_groups = if actor.can(Permission::GroupsRead) {
        dir.groups().list(&actor).await?
    } else {
        Vec::new()
    };
    let can = dir.user_abilities(&actor, &user).await?;
    Ok(UserDetail {
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        fallback_email: user
            .fallback_email
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        uid_number: user.uid_number,
        must_change_password: user.must_change_password,
        updated: format_time(user.updated_at),
        groups: groups.into_iter().map(group_ref).collect(),
        all_groups: all_groups.iter().map(|g| group_ref(g.summary())).collect(),
        can,
        is_self: actor.user_id() == Some(user.id),
        user: user_row(user),
    })
}

/// The roles the signed-in person may give a new user.
#[server(endpoint = "assignable_roles")]
pub async fn assignable_roles() -> Result<Vec<String>, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    Ok(directory::policy::assignable_roles(&actor)
        .iter()
        .map(|r| r.name().to_string())
        .collect())
}

/// A fresh temporary password, for the "Generate" button of the create form.
#[server(endpoint = "generate_password")]
pub async fn generate_password() -> Result<String, AppError> {
    crate::ssr::signed_in()?;
    Ok(directory::passwords::generate_temporary())
}

/// Creates a user with a temporary password they must change at first sign-in: active, or
/// pending when an admin wants to approve the account later.
#[server(endpoint = "user_create")]
pub async fn create_user(
    username: String,
    email: String,
    full_name: String,
    role: String,
    temporary_password: String,
    pending: Option<String>,
) -> Result<String, AppError> {
    use directory::Permission;
    use directory::policy::parse_for;
    use directory::users::{NewUser, Status};
    let (_, actor) = crate::ssr::signed_in()?;
    let new = NewUser {
        username,
        email,
        full_name,
        role: parse_for(&actor, Permission::UsersCreate, || {
            directory::Role::parse(&role)
        })?,
        status: if crate::ssr::ticked(pending.as_deref()) {
            Status::Pending
        } else {
            Status::Active
        },
        password: Some(temporary_password.into()),
        must_change_password: true,
    };
    let user = crate::ssr::directory()?.users().create(&actor, new).await?;
    let id = user.id.to_string();
    leptos_axum::redirect(&format!("/users/{id}"));
    Ok(id)
}

/// Saves the edit form of a user's page.
#[server(endpoint = "user_update")]
pub async fn update_user(
    id: String,
    email: String,
    fallback_email: String,
    first_name: String,
    last_name: String,
    display_name: String,
) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let update = details(email, fallback_email, first_name, last_name, display_name);
    let id = parse_user_id(&id)?;
    crate::ssr::directory()?
        .users()
        .update(&actor, id, update)
        .await?;
    crate::ssr::back_to(&format!("/users/{id}"));
    Ok(())
}

#[server(endpoint = "user_role")]
pub async fn set_user_role(id: String, role: String) -> Result<(), AppError> {
    use directory::Permission;
    use directory::policy::parse_for;
    let (_, actor) = crate::ssr::signed_in()?;
    let id = parse_user_id(&id)?;
    let role = parse_for(&actor, Permission::UsersSetRole, || {
        directory::Role::parse(&role)
    })?;
    crate::ssr::directory()?
        .users()
        .set_role(&actor, id, role)
        .await?;
    crate::ssr::back_to(&format!("/users/{id}"));
    Ok(())
}

/// Approves a pending user; `groups` are the boxes ticked in the same form.
#[server(endpoint = "user_approve")]
pub async fn approve_user(id: String, groups: Option<Vec<String>>) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let id = parse_user_id(&id)?;
    let groups = groups
        .unwrap_or_default()
        .iter()
        .map(|g| g.parse().map_err(|_| directory::Error::NotFound("group")))
        .collect::<Result<Vec<_>, _>>()?;
    crate::ssr::directory()?
        .users()
        .approve(&actor, id, &groups)
        .await?;
    crate::ssr::back_to(&format!("/users/{id}"));
    Ok(())
}

#[server(endpoint = "user_suspend")]
pub async fn suspend_user(id: String) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let id = parse_user_id(&id)?;
    crate::ssr::directory()?.users().suspend(&actor, id).await?;
    crate::ssr::back_to(&format!("/users/{id}"));
    Ok(())
}

#[server(endpoint = "user_reactivate")]
pub async fn reactivate_user(id: String) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let id = parse_user_id(&id)?;
    crate::ssr::directory()?
        .users()
        .reactivate(&actor, id)
        .await?;
    crate::ssr::back_to(&format!("/users/{id}"));
    Ok(())
}

#[server(endpoint = "user_delete")]
pub async fn delete_user(id: String) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let id = parse_user_id(&id)?;
    crate::ssr::directory()?.users().delete(&actor, id).await?;
    leptos_axum::redirect("/users");
    Ok(())
}
