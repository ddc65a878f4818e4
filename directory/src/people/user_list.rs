//! The users list: filters, order and paging, shared by the UI, the API and the bench, read
//! from the roster (see [`crate::store::roster`]) or, without one, from the database.

use crate::entities::{group_members, users};
use crate::error::Result;
use crate::ids::GroupId;
use crate::policy::{self, Actor, Permission, Role};
use crate::store::handle::Directory;
use crate::store::roster::{Entry, Roster};
use crate::store::user_rows::{Status, User, UserColumns};
use crate::users::Users;
use sea_orm::sea_query::{Expr, ExprTrait, Func, NullOrdering, Query};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use std::cmp::Ordering;
use std::sync::Arc;

/// What the users list can be ordered by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortKey {
    #[default]
    Username,
    Name,
    Email,
    Created,
    LastLogin,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        Self::Username,
        Self::Name,
        Self::Email,
        Self::Created,
        Self::LastLogin,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Username => "username",
            Self::Name => "name",
            Self::Email => "email",
            Self::Created => "created",
            Self::LastLogin => "last_login",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|key| key.name() == name)
    }

    fn column(self) -> users::Column {
        match self {
            Self::Username => users::Column::Username,
            Self::Name => users::Column::DisplayName,
            Self::Email => users::Column::Email,
            Self::Created => users::Column::CreatedAt,
            Self::LastLogin => users::Column::LastLoginAt,
        }
    }
}

/// Filters, order and paging for the users list.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// Matched against username, names and email.
    pub search: Option<String>,
    pub status: Option<Status>,
    pub role: Option<Role>,
    pub group: Option<GroupId>,
    pub sort: SortKey,
    pub descending: bool,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct UserPage {
    pub users: Vec<User>,
    pub total: u64,
}

/// Builds the list's filter from the query; shared by the count and the page.
fn list_filter(query: &ListQuery) -> Condition {
    let mut filter = Condition::all();
    if let Some(term) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let pattern = format!("%{}%", escape_like(&term.to_lowercase()));
        let like = |column: users::Column| {
            Expr::expr(Func::lower(Expr::col(column)))
                .like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\'))
        };
        filter = filter.add(
            Condition::any()
                .add(like(users::Column::Username))
                .add(like(users::Column::Email))
                .add(like(users::Column::DisplayName))
                .add(like(users::Column::FirstName))
                .add(like(users::Column::LastName)),
        );
    }
    if let Some(status) = query.status {
        filter = filter.add(users::Column::Status.eq(status.name()));
    }
    if let Some(role) = query.role {
        filter = filter.add(users::Column::Role.eq(role.name()));
    }
    if let Some(group) = query.group {
        let members = Query::select()
            .column(group_members::Column::UserId)
            .from(group_members::Entity)
            .and_where(Expr::col(group_members::Column::GroupId).eq(group.0))
            .to_owned();
        filter = filter.add(Expr::col(users::Column::Id).in_subquery(members));
    }
    filter
}

impl Directory {
    /// The roster, if one is current; otherwise `None`, and a rebuild is started for the next
    /// caller (the caller reads the database meanwhile).
    fn roster(&self) -> Option<Arc<Roster>> {
        let slot = self.roster_slot();
        let (roster, fresh) = match slot.current(self.changes()) {
            Some((roster, fresh)) => (Some(roster), fresh),
            None => (None, false),
        };
        if !fresh && slot.claim_rebuild(self.changes()) {
            let dir = self.clone();
            tokio::spawn(async move {
                let slot = dir.roster_slot();
                let _claim = slot.release_on_drop();
                if let Err(err) = slot.rebuild(dir.db(), dir.changes()).await {
                    tracing::warn!(error = %err, "rebuilding the roster failed; lists read the database");
                }
            });
        }
        roster
    }

    /// Builds the roster now and says whether it was kept (it is not when a change came in
    /// while it was read, when this process cannot hear changes, or when the database does
    /// not order text as the roster does). For tests that compare the roster's answers with
    /// the database's.
    pub async fn load_roster(&self) -> Result<bool> {
        let slot = self.roster_slot();
        slot.rebuild(self.db(), self.changes()).await?;
        Ok(slot.current(self.changes()).is_some_and(|(_, fresh)| fresh))
    }
}

impl Users<'_> {
    /// Lists users matching the query, one page at a time, ordered as asked (then by
    /// username, so pages never overlap). Read from the roster when one is current.
    pub async fn list(&self, actor: &Actor, query: ListQuery) -> Result<UserPage> {
        policy::require(actor, Permission::UsersRead)?;
        let per_page = query.per_page.clamp(1, 200);
        let offset = crate::core::paging::offset(query.page, per_page)?;
        if let Some(roster) = self.dir.roster() {
            return Ok(roster_page(&roster, &query, offset, per_page));
        }
        let select = users::Entity::find().filter(list_filter(&query));
        let total = select.clone().count(self.dir.db()).await?;
        let order = if query.descending {
            sea_orm::Order::Desc
        } else {
            sea_orm::Order::Asc
        };
        // Never-signed-in users sort as the oldest, on every backend (SQLite and PostgreSQL
        // disagree where NULLs go), as the roster sorts them.
        let nulls = if query.descending {
            NullOrdering::Last
        } else {
            NullOrdering::First
        };
        let mut select = select.order_by_with_nulls(query.sort.column(), order, nulls);
        if query.sort != SortKey::Username {
            select = select.order_by_asc(users::Column::Username);
        }
        let rows = select
            .offset(offset)
            .limit(per_page)
            .into_partial_model::<UserColumns>()
            .all(self.dir.db())
            .await?;
        let users = rows
            .into_iter()
            .map(User::from_columns)
            .collect::<Result<_>>()?;
        Ok(UserPage { users, total })
    }
}

impl Users<'_> {
    /// The API's list: the same filters, ordered by username, the `limit` users after
    /// `after` (keyset paging, so a page never repeats or skips a user however the list
    /// changes between requests). Also says whether more follow. Read from the roster when
    /// one is current.
    pub async fn list_after(
        &self,
        actor: &Actor,
        query: &ListQuery,
        after: Option<&str>,
        limit: u64,
    ) -> Result<(Vec<User>, bool)> {
        policy::require(actor, Permission::UsersRead)?;
        let limit = limit.clamp(1, 200);
        if let Some(roster) = self.dir.roster() {
            return Ok(roster_after(&roster, query, after, limit as usize));
        }
        let mut filter = list_filter(query);
        if let Some(after) = after {
            filter = filter.add(users::Column::Username.gt(after));
        }
        let rows = users::Entity::find()
            .filter(filter)
            .order_by_asc(users::Column::Username)
            .limit(limit + 1)
            .into_partial_model::<UserColumns>()
            .all(self.dir.db())
            .await?;
        let more = rows.len() as u64 > limit;
        let users = rows
            .into_iter()
            .take(limit as usize)
            .map(User::from_columns)
            .collect::<Result<_>>()?;
        Ok((users, more))
    }
}

/// [`list_filter`]'s test on a user held in the roster: the two must admit the same users
/// (`tests/api/roster.rs` holds them to it on both backends).
struct Admits<'a> {
    query: &'a ListQuery,
    term: Option<String>,
}

impl<'a> Admits<'a> {
    fn new(query: &'a ListQuery) -> Self {
        let term = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase);
        Self { query, term }
    }

    fn admits(&self, roster: &Roster, entry: &Entry) -> bool {
        let user = &entry.user;
        self.term
            .as_deref()
            .is_none_or(|term| entry.lowered.iter().any(|field| field.contains(term)))
            && self.query.status.is_none_or(|status| user.status == status)
            && self.query.role.is_none_or(|role| user.role == role)
            && self
                .query
                .group
                .is_none_or(|group| roster.in_group(group.0, user.id.0))
    }
}

/// The order [`Users::list`] asks the database for, on users held in the roster.
fn compare(query: &ListQuery, a: &User, b: &User) -> Ordering {
    let first = match query.sort {
        SortKey::Username => a.username.as_str().cmp(b.username.as_str()),
        SortKey::Name => a.display_name.cmp(&b.display_name),
        SortKey::Email => a.email.as_str().cmp(b.email.as_str()),
        SortKey::Created => a.created_at.cmp(&b.created_at),
        SortKey::LastLogin => a.last_login_at.cmp(&b.last_login_at),
    };
    let first = if query.descending {
        first.reverse()
    } else {
        first
    };
    first.then_with(|| a.username.as_str().cmp(b.username.as_str()))
}

fn roster_page(roster: &Roster, query: &ListQuery, offset: u64, per_page: u64) -> UserPage {
    let admits = Admits::new(query);
    let mut matched: Vec<&User> = roster
        .users
        .iter()
        .filter(|entry| admits.admits(roster, entry))
        .map(|entry| &entry.user)
        .collect();
    // The roster is in username order already.
    if query.sort != SortKey::Username || query.descending {
        matched.sort_by(|a, b| compare(query, a, b));
    }
    let total = matched.len() as u64;
    let users = matched
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(per_page as usize)
        .cloned()
        .collect();
    UserPage { users, total }
}

fn roster_after(
    roster: &Roster,
    query: &ListQuery,
    after: Option<&str>,
    limit: usize,
) -> (Vec<User>, bool) {
    let admits = Admits::new(query);
    let start = after.map_or(0, |after| roster.after(after));
    let mut matched = roster.users[start..]
        .iter()
        .filter(|entry| admits.admits(roster, entry))
        .map(|entry| entry.user.clone());
    let users: Vec<User> = matched.by_ref().take(limit).collect();
    let more = matched.next().is_some();
    (users, more)
}

/// Makes `%`, `_` and `\` in a search term match themselves.
fn escape_like(term: &str) -> String {
    let mut escaped = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }
}
