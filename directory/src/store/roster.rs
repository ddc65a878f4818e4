//! The roster: every user's list columns and group memberships held in memory, so the users
//! lists (the UI's, the REST API's, later the LDAP server's) filter, order and page without a
//! query. It is rebuilt after the directory changes, never patched: one load is the only way
//! in, so it cannot drift from the database.
//!
//! A list asks for the current roster; when there is none (a change came in, it is older than
//! the caches' age limit, or this process cannot hear changes) the list reads the database as
//! before and a rebuild starts in the background, so a change never makes a list slower than
//! the query it replaces.

use crate::core::error::Result;
use crate::entities::{group_members, users};
use crate::store::cache::MAX_AGE;
use crate::store::handle::Directory;
use crate::store::user_rows::{User, UserColumns};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;
use uuid::Uuid;

/// One user as the lists search them: the user, and the searched fields in lower case
/// (lowered once per rebuild, not once per request).
pub(crate) struct Entry {
    pub user: User,
    /// Username, email, display name, first name, last name: what a search term matches.
    pub lowered: [String; 5],
}

/// Every user and membership as of one generation of the change signal.
pub(crate) struct Roster {
    /// The change signal's generation, and this process's quiet changes the lists show, when
    /// it was read.
    seen: (u64, u64),
    built: Instant,
    /// Ordered by username, byte by byte (SQLite's `BINARY`, PostgreSQL's `C` collation), so
    /// keyset paging finds its place by binary search.
    pub users: Vec<Entry>,
    /// The members of each group.
    pub members: HashMap<Uuid, HashSet<Uuid>>,
}

impl Roster {
    /// The position of the first user whose name sorts after `after`.
    pub fn after(&self, after: &str) -> usize {
        self.users
            .partition_point(|entry| entry.user.username.as_str() <= after)
    }

    pub fn in_group(&self, group: Uuid, user: Uuid) -> bool {
        self.members
            .get(&group)
            .is_some_and(|members| members.contains(&user))
    }
}

/// The roster this process holds, and whether a rebuild is under way.
#[derive(Default)]
pub(crate) struct RosterSlot {
    held: RwLock<Option<Arc<Roster>>>,
    building: AtomicBool,
}

impl Directory {
    /// The roster, if one is current; otherwise `None`, and a rebuild is started for the next
    /// caller (the caller reads the database meanwhile).
    pub(crate) fn roster(&self) -> Option<Arc<Roster>> {
        let (roster, fresh) = match self.current_roster() {
            Some((roster, fresh)) => (Some(roster), fresh),
            None => (None, false),
        };
        if !fresh
            && self.changes().live()
            && !self.roster_slot().building.swap(true, Ordering::AcqRel)
        {
            let dir = self.clone();
            tokio::spawn(async move {
                if let Err(err) = dir.rebuild_roster().await {
                    tracing::warn!(error = %err, "rebuilding the roster failed; lists read the database");
                }
                dir.roster_slot().building.store(false, Ordering::Release);
            });
        }
        roster
    }

    /// Builds the roster now and says whether it was kept (it is not when a change came in
    /// while it was read, or when this process cannot hear changes). For start-up, and for
    /// tests that compare the roster's answers with the database's.
    pub async fn load_roster(&self) -> Result<bool> {
        self.rebuild_roster().await?;
        Ok(self.current_roster().is_some_and(|(_, fresh)| fresh))
    }

    /// The roster if no change came in since it was read, and whether it is younger than the
    /// caches' age limit. Past that limit it is still served while its rebuild runs (no change
    /// was heard, so it is as good as any cached value), but never past twice the limit.
    fn current_roster(&self) -> Option<(Arc<Roster>, bool)> {
        if !self.changes().live() {
            return None;
        }
        let held = self
            .roster_slot()
            .held
            .read()
            .unwrap_or_else(|p| p.into_inner());
        let roster = held.as_ref().filter(|r| r.seen == seen(self))?;
        let age = roster.built.elapsed();
        (age < 2 * MAX_AGE).then(|| (roster.clone(), age < MAX_AGE))
    }

    async fn rebuild_roster(&self) -> Result<()> {
        let before = seen(self);
        let roster = load(self, before).await?;
        // A change that came in while the rows were read may be missing from them.
        if !self.changes().live() || seen(self) != before {
            return Ok(());
        }
        let mut held = self
            .roster_slot()
            .held
            .write()
            .unwrap_or_else(|p| p.into_inner());
        *held = Some(Arc::new(roster));
        Ok(())
    }
}

/// What a roster must have seen to be current: every change any process made, and every
/// quiet one this process made that lists show (other processes' reach it within the age limit,
/// and on SQLite within the signal's poll, which hears every commit).
fn seen(dir: &Directory) -> (u64, u64) {
    (dir.changes().generation(), dir.changes().touches())
}

/// Users read per query while loading: the database's rows for a batch are held at once, the
/// roster's for all.
const BATCH: u64 = 1_000;

/// Reads every user and membership in one read transaction, so the two agree.
async fn load(dir: &Directory, seen: (u64, u64)) -> Result<Roster> {
    let txn = dir.db().begin().await?;
    let mut users = Vec::new();
    loop {
        let mut batch = users::Entity::find()
            .order_by_asc(users::Column::Username)
            .limit(BATCH);
        if let Some(last) = users.last() {
            let last: &Entry = last;
            batch = batch.filter(users::Column::Username.gt(last.user.username.as_str()));
        }
        let rows = batch.into_partial_model::<UserColumns>().all(&txn).await?;
        let full = rows.len() as u64 == BATCH;
        for row in rows {
            users.push(entry(User::from_columns(row)?));
        }
        if !full {
            break;
        }
        // Lets the requests waiting on this worker thread run between batches.
        tokio::task::yield_now().await;
    }
    let memberships = group_members::Entity::find().all(&txn).await?;
    txn.commit().await?;
    // The database's order already, unless its collation is not byte order.
    users.sort_by(|a, b| a.user.username.as_str().cmp(b.user.username.as_str()));
    let mut members: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for row in memberships {
        members.entry(row.group_id).or_default().insert(row.user_id);
    }
    Ok(Roster {
        seen,
        built: Instant::now(),
        users,
        members,
    })
}

fn entry(user: User) -> Entry {
    let lowered = [
        user.username.as_str().to_lowercase(),
        user.email.as_str().to_lowercase(),
        user.display_name.to_lowercase(),
        user.first_name.to_lowercase(),
        user.last_name.to_lowercase(),
    ];
    Entry { user, lowered }
}
