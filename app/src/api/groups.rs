//! Server functions for groups: list, detail with members, create, edit, delete, membership.

use super::users::UserRow;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub gid_number: i64,
    pub is_admin: bool,
    pub builtin: bool,
    pub member_count: u64,
    pub created: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDetail {
    pub group: GroupRow,
    /// The first page of members by username; `member_count` says how many in all.
    pub members: Vec<UserRow>,
    /// What the viewer may do to this group.
    pub can: vocab::GroupCan,
}

#[cfg(feature = "ssr")]
fn group_row(group: directory::groups::Group) -> GroupRow {
    GroupRow {
        id: group.id.to_string(),
        name: group.name,
        description: group.description,
        gid_number: group.gid_number,
        is_admin: group.is_admin,
        builtin: group.builtin,
        member_count: group.member_count,
        created: crate::ssr::format_time(group.created_at),
    }
}

#[cfg(feature = "ssr")]
fn parse_group_id(id: &str) -> Result<directory::GroupId, AppError> {
    id.parse()
        .map_err(|_| directory::Error::NotFound("group").into())
}

#[server(endpoint = "groups")]
pub async fn list_groups() -> Result<Vec<GroupRow>, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let groups = crate::ssr::directory()?.groups().list(&actor).await?;
    Ok(groups.into_iter().map(group_row).collect())
}

#[server(endpoint = "group")]
pub async fn get_group(id: String) -> Result<GroupDetail, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let dir = crate::ssr::directory()?;
    let id = parse_group_id(&id)?;
    let group = dir.groups().get(&actor, id).await?;
    let query = directory::user_list::ListQuery {
        group: Some(id),
        per_page: super::PER_PAGE,
        ..Default::default()
    };
    let members = dir.users().list(&actor, query).await?;
    let can = dir.group_abilities(&actor, &group);
    Ok(GroupDetail {
        can,
        group: group_row(group),
        members: members
            .users
            .into_iter()
            .map(super::users::user_row)
            .collect(),
    })
}

#[server(endpoint = "group_create")]
pub async fn create_group(
    name: String,
    description: String,
    gid_number: String,
    is_admin: Option<String>,
) -> Result<String, AppError> {
    use directory::groups::NewGroup;
    let (_, actor) = crate::ssr::signed_in()?;
    let gid_number = crate::rules::parse_gid(&gid_number)
        .map_err(|message| directory::Error::invalid("gid_number", message))?;
    let new = NewGroup {
        name,
        description,
        gid_number,
        is_admin: crate::ssr::ticked(is_admin.as_deref()),
    };
    let group = crate::ssr::directory()?
        .groups()
        .create(&actor, new)
        .await?;
    let id = group.id.to_string();
    leptos_axum::redirect(&format!("/groups/{id}"));
    Ok(id)
}

#[server(endpoint = "group_update")]
pub async fn update_group(
    id: String,
    name: String,
    description: String,
    is_admin: Option<String>,
) -> Result<(), AppError> {
    use directory::groups::GroupUpdate;
    let (_, actor) = crate::ssr::signed_in()?;
    let id = parse_group_id(&id)?;
    let update = GroupUpdate {
        name,
        description,
        is_admin: crate::ssr::ticked(is_admin.as_deref()),
    };
    crate::ssr::directory()?
        .groups()
        .update(&actor, id, update)
        .await?;
    crate::ssr::back_to(&format!("/groups/{id}"));
    Ok(())
}

#[server(endpoint = "group_delete")]
pub async fn delete_group(id: String) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let id = parse_group_id(&id)?;
    crate::ssr::directory()?.groups().delete(&actor, id).await?;
    leptos_axum::redirect("/groups");
    Ok(())
}

/// Adds a member by username (from the group page) or by id (from the user page).
#[server(endpoint = "group_member_add")]
pub async fn add_group_member(
    group: String,
    username: Option<String>,
    user: Option<String>,
    back: Option<String>,
) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let dir = crate::ssr::directory()?;
    let group = parse_group_id(&group)?;
    match (user, username) {
        (Some(user), _) => {
            let user = super::users::parse_user_id(&user)?;
            dir.groups().add_member(&actor, group, user).await?;
        }
        (None, Some(username)) => {
            dir.groups()
                .add_member_by_username(&actor, group, &username)
                .await?;
        }
        (None, None) => {
            return Err(directory::Error::invalid("username", "Enter a username.").into());
        }
    }
    crate::ssr::back_to(&crate::ssr::safe_next(back.as_deref()));
    Ok(())
}

#[server(endpoint = "group_member_remove")]
pub async fn remove_group_member(
    group: String,
    user: String,
    back: Option<String>,
) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let group = parse_group_id(&group)?;
    let user = super::users::parse_user_id(&user)?;
    crate::ssr::directory()?
        .groups()
        .remove_member(&actor, group, user)
        .await?;
    crate::ssr::back_to(&crate::ssr::safe_next(back.as_deref()));
    Ok(())
}
