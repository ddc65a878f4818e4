//! Groups: posix groups with unique GIDs, their members, and the administrator flag.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::entities::{group_members, groups};
use crate::error::{Error, Result};
use crate::ids::{GroupId, UserId};
use crate::policy::{self, Actor, Permission};
use crate::rules;
use crate::store::memberships::add_membership;
use crate::store::{posix_ids, targets};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use std::collections::HashMap;
use time::OffsetDateTime;

pub use crate::store::memberships::{EVERYONE, SYSADMINS};

#[derive(Clone, Debug, Serialize)]
pub struct Group {
    pub id: GroupId,
    pub name: String,
    pub description: String,
    pub gid_number: i64,
    /// Members get the admin role's permissions.
    pub is_admin: bool,
    /// Created by Gatehouse itself; cannot be deleted or renamed.
    pub builtin: bool,
    pub member_count: u64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Group {
    pub fn summary(&self) -> GroupSummary {
        GroupSummary {
            id: self.id,
            name: self.name.clone(),
            is_admin: self.is_admin,
        }
    }

    fn from_row(row: groups::Model, member_count: u64) -> Self {
        Self {
            id: GroupId(row.id),
            name: row.name,
            description: row.description,
            gid_number: row.gid_number,
            is_admin: row.is_admin,
            builtin: row.builtin,
            member_count,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A group as a membership list shows it.
#[derive(Clone, Debug, Serialize)]
pub struct GroupSummary {
    pub id: GroupId,
    pub name: String,
    pub is_admin: bool,
}

/// What the create form asks for.
#[derive(Clone, Debug, Default)]
pub struct NewGroup {
    pub name: String,
    pub description: String,
    /// `None` takes the next free GID.
    pub gid_number: Option<i64>,
    pub is_admin: bool,
}

/// What the edit form may change. The GID never changes: files on hosts carry it.
#[derive(Clone, Debug, Default)]
pub struct GroupUpdate {
    pub name: String,
    pub description: String,
    pub is_admin: bool,
}

/// Longest group description we store, in characters.
pub const DESCRIPTION_MAX: usize = 500;

fn check_description(text: &str) -> Result<String> {
    let text = text.trim();
    if text.chars().count() > DESCRIPTION_MAX {
        return Err(Error::invalid(
            "description",
            format!("Descriptions are at most {DESCRIPTION_MAX} characters long."),
        ));
    }
    Ok(text.to_string())
}

fn check_name(name: &str) -> Result<String> {
    rules::normalize_group_name(name).map_err(|message| Error::invalid("name", message))
}

/// The groups service.
pub struct Groups<'a> {
    pub(crate) dir: &'a Directory,
}

impl Groups<'_> {
    /// All groups by name, with their member counts. Groups are few (hundreds at most).
    pub async fn list(&self, actor: &Actor) -> Result<Vec<Group>> {
        policy::require(actor, Permission::GroupsRead)?;
        let rows = groups::Entity::find()
            .order_by_asc(groups::Column::Name)
            .all(self.dir.db())
            .await?;
        let counts = member_counts(self.dir.db()).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let count = counts.get(&row.id).copied().unwrap_or(0);
                Group::from_row(row, count)
            })
            .collect())
    }

    pub async fn get(&self, actor: &Actor, id: GroupId) -> Result<Group> {
        policy::require(actor, Permission::GroupsRead)?;
        self.find(id).await
    }

    async fn find(&self, id: GroupId) -> Result<Group> {
        let row = groups::Entity::find_by_id(id.0)
            .one(self.dir.db())
            .await?
            .ok_or(Error::NotFound("group"))?;
        let count = group_members::Entity::find()
            .filter(group_members::Column::GroupId.eq(id.0))
            .count(self.dir.db())
            .await?;
        Ok(Group::from_row(row, count))
    }

    /// Creates a group. An administrators' group hands out admin rights, so only those who
    /// may set roles may create one.
    pub async fn create(&self, actor: &Actor, new: NewGroup) -> Result<Group> {
        policy::require(actor, Permission::GroupsWrite)?;
        if new.is_admin {
            policy::require(actor, Permission::UsersSetRole)?;
        }
        let name = check_name(&new.name)?;
        let description = check_description(&new.description)?;
        if let Some(gid) = new.gid_number {
            rules::parse_gid(&gid.to_string()).map_err(|m| Error::invalid("gid_number", m))?;
        }
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        ensure_name_free(&txn, &name, None).await?;
        let gid_number = match new.gid_number {
            Some(gid) => {
                ensure_gid_free(&txn, gid).await?;
                gid
            }
            None => posix_ids::next_gid(&txn).await?,
        };
        let row = groups::ActiveModel {
            id: Set(GroupId::new().0),
            name: Set(name.clone()),
            description: Set(description),
            gid_number: Set(gid_number),
            is_admin: Set(new.is_admin),
            builtin: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| {
            Error::from_unique(
                e,
                format!("A group named {name} or with GID {gid_number} exists."),
            )
        })?;
        let entry = Entry::new("group.create")
            .target("group", row.id, row.name.as_str())
            .detail("gid_number", gid_number)
            .detail("is_admin", new.is_admin);
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(Group::from_row(row, 0))
    }

    /// Renames, describes or flags a group. Built-in groups keep their names and flags.
    pub async fn update(&self, actor: &Actor, id: GroupId, update: GroupUpdate) -> Result<Group> {
        policy::require(actor, Permission::GroupsWrite)?;
        let group = self.find(id).await?;
        // An administrators' group hands out admin rights: only those who may set roles
        // change one, or make one.
        if group.is_admin || update.is_admin {
            policy::require(actor, Permission::UsersSetRole)?;
        }
        let name = check_name(&update.name)?;
        let description = check_description(&update.description)?;
        if group.builtin && (name != group.name || update.is_admin != group.is_admin) {
            return Err(Error::Conflict(format!(
                "{} is a built-in group: its name and administrator flag cannot change.",
                group.name
            )));
        }
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        ensure_name_free(&txn, &name, Some(id)).await?;
        let row = groups::ActiveModel {
            id: Set(id.0),
            name: Set(name.clone()),
            description: Set(description),
            is_admin: Set(update.is_admin),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(&txn)
        .await
        .map_err(|e| Error::from_unique(e, format!("A group named {name} already exists.")))?;
        let entry = Entry::new("group.update")
            .target("group", id, name.as_str())
            .detail("previous_name", group.name.as_str())
            .detail("is_admin", update.is_admin);
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(Group::from_row(row, group.member_count))
    }

    /// Deletes a group and its memberships (never the members). Built-in groups stay.
    pub async fn delete(&self, actor: &Actor, id: GroupId) -> Result<()> {
        policy::require(actor, Permission::GroupsWrite)?;
        let group = self.find(id).await?;
        if group.builtin {
            return Err(Error::Conflict(format!(
                "{} is a built-in group and cannot be deleted.",
                group.name
            )));
        }
        if group.is_admin {
            policy::require(actor, Permission::UsersSetRole)?;
        }
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        groups::Entity::delete_by_id(id.0).exec(&txn).await?;
        let entry = Entry::new("group.delete")
            .target("group", id, group.name.as_str())
            .detail("gid_number", group.gid_number)
            .detail("members", group.member_count);
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The groups a user is in, by name. Anyone may read their own.
    pub async fn of_user(&self, actor: &Actor, user: UserId) -> Result<Vec<GroupSummary>> {
        if actor.user_id() != Some(user) {
            policy::require(actor, Permission::GroupsRead)?;
        }
        let memberships = Query::select()
            .column(group_members::Column::GroupId)
            .from(group_members::Entity)
            .and_where(Expr::col(group_members::Column::UserId).eq(user.0))
            .to_owned();
        let rows = groups::Entity::find()
            .filter(Expr::col(groups::Column::Id).in_subquery(memberships))
            .order_by_asc(groups::Column::Name)
            .all(self.dir.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| GroupSummary {
                id: GroupId(row.id),
                name: row.name,
                is_admin: row.is_admin,
            })
            .collect())
    }

    pub async fn add_member(&self, actor: &Actor, group: GroupId, user: UserId) -> Result<()> {
        self.change_membership(actor, group, user, true).await
    }

    /// Adds a member by username, as typed on a group's page.
    pub async fn add_member_by_username(
        &self,
        actor: &Actor,
        group: GroupId,
        username: &str,
    ) -> Result<()> {
        policy::require(actor, Permission::GroupsWrite)?;
        let name = crate::ids::Username::parse(username)?;
        let user = self
            .dir
            .users()
            .find_by_username(&name)
            .await?
            .ok_or_else(|| Error::invalid("username", format!("There is no user named {name}.")))?;
        self.change_membership(actor, group, user.id, true).await
    }

    pub async fn remove_member(&self, actor: &Actor, group: GroupId, user: UserId) -> Result<()> {
        self.change_membership(actor, group, user, false).await
    }

    /// Adds or removes one member. Joining an administrators' group is a grant of the admin
    /// role, so it takes the same permission as setting a role.
    async fn change_membership(
        &self,
        actor: &Actor,
        group_id: GroupId,
        user_id: UserId,
        add: bool,
    ) -> Result<()> {
        policy::require(actor, Permission::GroupsWrite)?;
        let group = self.find(group_id).await?;
        let user = self
            .dir
            .users()
            .find(user_id)
            .await?
            .ok_or(Error::NotFound("user"))?;
        if group.is_admin {
            policy::require(actor, Permission::UsersSetRole)?;
        }
        targets::guard_target(self.dir.db(), actor, &user).await?;
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        let changed = if add {
            add_membership(&txn, group_id, user_id, now).await?
        } else {
            group_members::Entity::delete_many()
                .filter(group_members::Column::GroupId.eq(group_id.0))
                .filter(group_members::Column::UserId.eq(user_id.0))
                .exec(&txn)
                .await?
                .rows_affected
                > 0
        };
        if changed {
            let action = if add {
                "group.member.add"
            } else {
                "group.member.remove"
            };
            let entry = Entry::new(action)
                .target("group", group_id, group.name.as_str())
                .detail("user", user.username.as_str())
                .detail("user_id", user_id.to_string());
            audit::record(&txn, actor, now, entry).await?;
        }
        txn.commit().await?;
        Ok(())
    }
}

async fn member_counts(conn: &impl ConnectionTrait) -> Result<HashMap<uuid::Uuid, u64>> {
    let rows: Vec<(uuid::Uuid, i64)> = group_members::Entity::find()
        .select_only()
        .column(group_members::Column::GroupId)
        .column_as(group_members::Column::UserId.count(), "members")
        .group_by(group_members::Column::GroupId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

async fn ensure_name_free(
    conn: &impl ConnectionTrait,
    name: &str,
    except: Option<GroupId>,
) -> Result<()> {
    let mut query = groups::Entity::find().filter(groups::Column::Name.eq(name));
    if let Some(id) = except {
        query = query.filter(groups::Column::Id.ne(id.0));
    }
    if query.count(conn).await? > 0 {
        return Err(Error::Conflict(format!(
            "A group named {name} already exists."
        )));
    }
    Ok(())
}

async fn ensure_gid_free(conn: &impl ConnectionTrait, gid: i64) -> Result<()> {
    let holder = groups::Entity::find()
        .filter(groups::Column::GidNumber.eq(gid))
        .one(conn)
        .await?;
    match holder {
        Some(group) => Err(Error::Conflict(format!(
            "GID {gid} is already used by the group {}.",
            group.name
        ))),
        None => Ok(()),
    }
}
